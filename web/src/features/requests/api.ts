/** The caller's own requests — roles and groups, eligibility and assignment — newest first. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Collection } from '../../lib/api-client.ts';

export interface MyRequest {
  readonly id: string;
  readonly provider: 'directory' | 'group';
  readonly kind: 'eligibility' | 'assignment';
  readonly status: string;
  readonly action: string;
  readonly roleId: string;
  readonly scope: string;
  readonly justification: string | null;
  readonly ticketNumber: string | null;
  readonly ticketSystem: string | null;
  readonly approvalId: string | null;
  readonly createdDateTime: string;
  readonly completedDateTime: string | null;
  readonly startDateTime: string | null;
  readonly endDateTime: string | null;
  readonly duration: string | null;
}

interface RawRequest {
  readonly id: string;
  readonly status: string;
  readonly action: string;
  readonly roleDefinitionId?: string;
  readonly directoryScopeId?: string;
  readonly groupId?: string;
  readonly accessId?: string;
  readonly justification: string | null;
  readonly ticketInfo?: { readonly ticketNumber: string | null; readonly ticketSystem: string | null };
  readonly approvalId: string | null;
  readonly createdDateTime: string;
  readonly completedDateTime: string | null;
  readonly scheduleInfo?: { readonly startDateTime: string | null; readonly expiration?: { readonly endDateTime: string | null; readonly duration: string | null } };
}

const SOURCES = [
  { provider: 'directory', kind: 'assignment', path: '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests' },
  { provider: 'directory', kind: 'eligibility', path: '/v1.0/roleManagement/directory/roleEligibilityScheduleRequests' },
  { provider: 'group', kind: 'assignment', path: '/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleRequests' },
  { provider: 'group', kind: 'eligibility', path: '/v1.0/identityGovernance/privilegedAccess/group/eligibilityScheduleRequests' },
] as const;

export const collectionOf = (r: Pick<MyRequest, 'provider' | 'kind'>): string =>
  SOURCES.find((s) => s.provider === r.provider && s.kind === r.kind)!.path;

const toRequest = (source: (typeof SOURCES)[number]) => (x: RawRequest): MyRequest => ({
  id: x.id, provider: source.provider, kind: source.kind, status: x.status, action: x.action,
  roleId: x.roleDefinitionId ?? x.accessId ?? '', scope: x.directoryScopeId ?? x.groupId ?? '',
  justification: x.justification, ticketNumber: x.ticketInfo?.ticketNumber ?? null, ticketSystem: x.ticketInfo?.ticketSystem ?? null,
  approvalId: x.approvalId, createdDateTime: x.createdDateTime, completedDateTime: x.completedDateTime,
  startDateTime: x.scheduleInfo?.startDateTime ?? null, endDateTime: x.scheduleInfo?.expiration?.endDateTime ?? null,
  duration: x.scheduleInfo?.expiration?.duration ?? null,
});

export const requestKeys = { all: ['requests'] as const };

/** Statuses a request waits in; the list refreshes itself while one is shown. */
export const WAITING = new Set(['PendingApproval', 'PendingApprovalProvisioning', 'Granted', 'PendingProvisioning', 'PendingScheduleCreation']);

export function useMyRequests() {
  return useQuery({
    queryKey: requestKeys.all,
    queryFn: async () => {
      const pages = await Promise.all(SOURCES.map(async (s) =>
        (await api<Collection<RawRequest>>(`${s.path}/filterByCurrentUser(on='principal')?$top=200`)).value.map(toRequest(s))));
      return pages.flat().sort((a, b) => b.createdDateTime.localeCompare(a.createdDateTime));
    },
    // Decisions by approvers appear without a reload: poll quickly while something waits.
    refetchInterval: (query) => ((query.state.data ?? []).some((r) => WAITING.has(r.status)) ? 2_000 : 30_000),
  });
}

export function useCancelRequest() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (r: MyRequest) => api<void>(`${collectionOf(r)}/${encodeURIComponent(r.id)}/cancel`, { method: 'POST' }),
    onSettled: () => client.invalidateQueries({ queryKey: requestKeys.all }),
  });
}

export interface ApprovalDecision {
  readonly reviewedBy: { readonly id: string; readonly displayName: string | null };
  readonly reviewResult: 'Approve' | 'Deny';
  readonly justification: string | null;
  readonly reviewedDateTime: string;
}

export interface ApprovalStep {
  readonly id: string;
  readonly displayName: string;
  readonly status: 'NotStarted' | 'InProgress' | 'Completed' | 'Canceled' | string;
  readonly reviewResult: string;
  readonly reviewedBy: { readonly id: string; readonly displayName: string | null } | null;
  readonly reviewedDateTime: string | null;
  readonly justification: string | null;
  readonly assignedToMe: boolean;
  readonly approvalsRequired?: number;
  readonly decisions?: readonly ApprovalDecision[];
}

export interface Approval {
  readonly id: string;
  readonly steps: readonly ApprovalStep[];
}

/** Where a request's approval lives: roles under roleManagement, groups under privilegedAccess. */
export const approvalPath = (provider: 'directory' | 'group', approvalId: string): string => (provider === 'group'
  ? `/v1.0/identityGovernance/privilegedAccess/group/assignmentApprovals/${encodeURIComponent(approvalId)}`
  : `/beta/roleManagement/directory/roleAssignmentApprovals/${encodeURIComponent(approvalId)}`);

/** A request's approval with every decision: who, what and why. */
export function useApproval(provider: 'directory' | 'group', approvalId: string | null) {
  return useQuery({
    queryKey: ['approval', provider, approvalId],
    queryFn: () => api<Approval>(approvalPath(provider, approvalId!)),
    enabled: approvalId !== null,
  });
}

/** The deciding reason of a denied approval: the denying decision's justification. */
export function denialOf(approval: Approval | undefined): ApprovalDecision | null {
  for (const step of approval?.steps ?? []) {
    const deny = step.decisions?.find((d) => d.reviewResult === 'Deny');
    if (deny) return deny;
  }
  return null;
}
