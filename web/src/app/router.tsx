/**
 * The portal's addresses. They match the links OpenPIM sends in email and chat: /assignments
 * (my roles), /requests/{id}, /approvals/{id}, /approve?token=… (a one-click decision link), /audit.
 */
import { createBrowserRouter, Navigate } from 'react-router';
import { SignInPage } from '../features/auth/sign-in-page.tsx';
import { MyRolesPage } from '../features/my-roles/my-roles-page.tsx';
import { NotFoundPage } from '../components/not-found-page.tsx';
import { Shell } from './shell.tsx';

export function createRouter() {
  return createBrowserRouter([
    { path: '/signin', element: <SignInPage /> },
    {
      element: <Shell />,
      children: [
        { index: true, element: <Navigate to="/assignments" replace /> },
        { path: 'assignments', element: <MyRolesPage /> },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ]);
}
