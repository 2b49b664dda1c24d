/**
 * The portal's addresses. They match the links OpenPIM sends in email and chat: /assignments
 * (my roles), /requests/{id}, /approvals/{id}, /approve?token=… (a one-click decision link), /audit.
 */
import { lazy, Suspense } from 'react';
import { Spinner } from '@fluentui/react-components';
import { createBrowserRouter, Navigate } from 'react-router';
import { SignInPage } from '../features/auth/sign-in-page.tsx';
import { MyRolesPage } from '../features/my-roles/my-roles-page.tsx';
import { ApprovalsPage } from '../features/approvals/approvals-page.tsx';
import { ApprovalDetailPage } from '../features/approvals/approval-detail-page.tsx';
import { ApproveLinkPage } from '../features/approvals/approve-link-page.tsx';
import { MyRequestsPage } from '../features/requests/requests-page.tsx';
import { RequestDetailPage } from '../features/requests/request-detail-page.tsx';
import { MyAuditPage } from '../features/audit/my-audit-page.tsx';
import { AuditLogPage } from '../features/audit/audit-log-page.tsx';
import { NotFoundPage } from '../components/not-found-page.tsx';
import { Shell } from './shell.tsx';

// Administration is its own chunk: people who only activate roles never download it.
const AdminSection = lazy(() => import('../features/admin/admin-section.tsx'));

export function createRouter() {
  return createBrowserRouter([
    { path: '/signin', element: <SignInPage /> },
    {
      element: <Shell />,
      children: [
        { index: true, element: <Navigate to="/assignments" replace /> },
        { path: 'assignments', element: <MyRolesPage /> },
        { path: 'approvals', element: <ApprovalsPage /> },
        { path: 'approvals/:approvalId', element: <ApprovalDetailPage /> },
        { path: 'approve', element: <ApproveLinkPage /> },
        { path: 'requests', element: <MyRequestsPage /> },
        { path: 'requests/:requestId', element: <RequestDetailPage /> },
        { path: 'my-audit', element: <MyAuditPage /> },
        { path: 'audit', element: <AuditLogPage /> },
        { path: 'admin/*', element: <Suspense fallback={<Spinner label="Loading…" />}><AdminSection /></Suspense> },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ]);
}
