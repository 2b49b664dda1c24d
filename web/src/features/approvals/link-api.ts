/**
 * One-click approval links from email and chat (`/approve?token=…` in the portal). The API at
 * /openpim/approvals/act describes a link (GET, changes nothing) and decides with it (POST), as the
 * signed-in approver the link was sent to; a link decides once.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api-client.ts';
import { approvalKeys, type ApprovableRequest, type Decision } from './api.ts';

const ACT = '/openpim/approvals/act';

export interface ApprovalLink {
  readonly approvalId: string;
  readonly stepId: string;
  readonly decision: Decision;
  readonly expiresDateTime: string;
  /** The link already decided. */
  readonly used: boolean;
  /** The step still waits for this approver's decision. */
  readonly pending: boolean;
  readonly justificationRequired: boolean;
  readonly request: {
    readonly id: string;
    readonly action: string;
    readonly status: string;
    readonly principalId: string;
    readonly roleDefinitionId: string;
    readonly directoryScopeId: string;
    readonly justification: string | null;
    readonly ticketInfo: { readonly ticketNumber: string | null; readonly ticketSystem: string | null } | null;
  };
}

export interface LinkDecision {
  readonly requestId: string;
  readonly status: string;
  readonly decision: Decision;
}

const GROUP_SCOPE = '/groups/';

/**
 * The link's request in the portal's terms. The link speaks the store's words: a group's access is
 * the role `member` / `owner` at `/groups/{groupId}`. It has no schedule: the window comes from the
 * request itself when the caller can read it.
 */
export function requestOfLink(link: ApprovalLink): ApprovableRequest {
  const r = link.request;
  const group = (r.roleDefinitionId === 'member' || r.roleDefinitionId === 'owner') && r.directoryScopeId.startsWith(GROUP_SCOPE);
  return {
    id: r.id,
    provider: group ? 'group' : 'directory',
    kind: 'assignment',
    action: r.action,
    status: r.status,
    principalId: r.principalId,
    principalName: null,
    principalUpn: null,
    roleId: r.roleDefinitionId,
    scope: group ? r.directoryScopeId.slice(GROUP_SCOPE.length) : r.directoryScopeId,
    justification: r.justification,
    ticketNumber: r.ticketInfo?.ticketNumber ?? null,
    ticketSystem: r.ticketInfo?.ticketSystem ?? null,
    approvalId: link.approvalId,
    createdDateTime: '',
    completedDateTime: null,
    startDateTime: null,
    endDateTime: null,
    duration: null,
  };
}

const withToken = (token: string) => `${ACT}?token=${encodeURIComponent(token)}`;

/** What the link would do; changes nothing. */
export function useApprovalLink(token: string) {
  return useQuery({
    queryKey: approvalKeys.link(token),
    queryFn: () => api<ApprovalLink>(withToken(token)),
    enabled: token !== '',
    retry: false,
  });
}

/** Decides with the link; the caller wraps it in a step-up. */
export function useActOnLink(token: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (justification: string) => api<LinkDecision>(withToken(token), { method: 'POST', body: { justification: justification.trim() || null } }),
    onSettled: async () => {
      await Promise.all([client.invalidateQueries({ queryKey: approvalKeys.all }), client.invalidateQueries({ queryKey: ['approval'] })]);
    },
  });
}
