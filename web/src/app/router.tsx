/**
 * The portal's addresses. They match the links OpenPIM sends in email and chat: /assignments
 * (my roles), /requests/{id}, /approvals/{id}, /approve?token=… (a one-click decision link), /audit.
 */
import { lazy, Suspense, type ReactNode } from 'react';
import { Spinner } from '@fluentui/react-components';
import { createBrowserRouter, Navigate } from 'react-router';
import { SignInPage } from '../features/auth/sign-in-page.tsx';
import { MyRolesPage } from '../features/my-roles/my-roles-page.tsx';
import { NotFoundPage } from '../components/not-found-page.tsx';
import { Shell } from './shell.tsx';

// My roles and sign-in come with the first page; every other page is a chunk of its own, loaded when
// first opened, so the page most people open parses only what it shows. Administration is one chunk:
// people who only activate roles never download it.
const AdminSection = lazy(() => import('../features/admin/admin-section.tsx'));
const ApprovalsPage = lazy(() => import('../features/approvals/approvals-page.tsx').then((m) => ({ default: m.ApprovalsPage })));
const ApprovalDetailPage = lazy(() => import('../features/approvals/approval-detail-page.tsx').then((m) => ({ default: m.ApprovalDetailPage })));
const ApproveLinkPage = lazy(() => import('../features/approvals/approve-link-page.tsx').then((m) => ({ default: m.ApproveLinkPage })));
const MyRequestsPage = lazy(() => import('../features/requests/requests-page.tsx').then((m) => ({ default: m.MyRequestsPage })));
const RequestDetailPage = lazy(() => import('../features/requests/request-detail-page.tsx').then((m) => ({ default: m.RequestDetailPage })));
const MyAuditPage = lazy(() => import('../features/audit/my-audit-page.tsx').then((m) => ({ default: m.MyAuditPage })));
const AuditLogPage = lazy(() => import('../features/audit/audit-log-page.tsx').then((m) => ({ default: m.AuditLogPage })));

/** A page loaded on demand, with a spinner while its chunk arrives. */
const loaded = (page: ReactNode) => <Suspense fallback={<Spinner label="Loading…" />}>{page}</Suspense>;

export function createRouter() {
  return createBrowserRouter([
    { path: '/signin', element: <SignInPage /> },
    {
      element: <Shell />,
      children: [
        { index: true, element: <Navigate to="/assignments" replace /> },
        { path: 'assignments', element: <MyRolesPage /> },
        { path: 'approvals', element: loaded(<ApprovalsPage />) },
        { path: 'approvals/:approvalId', element: loaded(<ApprovalDetailPage />) },
        { path: 'approve', element: loaded(<ApproveLinkPage />) },
        { path: 'requests', element: loaded(<MyRequestsPage />) },
        { path: 'requests/:requestId', element: loaded(<RequestDetailPage />) },
        { path: 'my-audit', element: loaded(<MyAuditPage />) },
        { path: 'audit', element: loaded(<AuditLogPage />) },
        { path: 'admin/*', element: loaded(<AdminSection />) },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ]);
}
