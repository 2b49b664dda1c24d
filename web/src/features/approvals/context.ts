/**
 * What helps an approver decide, beyond the request itself: whether the role's policy asks the
 * approver for a justification (shown before deciding, not as an error after), and the requester's
 * recent activations of the same role — which only administrators and readers may list.
 */
import { useQueries, useQuery } from '@tanstack/react-query';
import { api, ApiError, odataString, type Collection } from '../../lib/api-client.ts';
import type { RawRequest } from '../requests/api.ts';
import { approvalKeys, toApprovable, type ApprovableRequest } from './api.ts';

interface ApprovalStageSetting {
  readonly isApproverJustificationRequired?: boolean;
}

interface PolicyAssignment {
  readonly policy?: {
    readonly rules?: readonly { readonly id: string; readonly setting?: { readonly approvalStages?: readonly ApprovalStageSetting[] } }[];
  };
}

type Role = Pick<ApprovableRequest, 'provider' | 'roleId' | 'scope'>;

const policyFilter = (r: Role, scopeId: string) =>
  r.provider === 'group'
    ? `scopeId eq ${odataString(r.scope)} and scopeType eq 'Group' and roleDefinitionId eq ${odataString(r.roleId)}`
    : `scopeId eq ${odataString(scopeId)} and scopeType eq 'DirectoryRole' and roleDefinitionId eq ${odataString(r.roleId)}`;

/** Per stage, whether its approvers must justify; null when no policy could be read. */
async function approverJustificationOf(r: Role): Promise<readonly boolean[] | null> {
  // A scope's own policy wins; else the role's at the tenant root (as the server resolves it).
  const scopes = r.provider === 'directory' && r.scope !== '/' ? [r.scope, '/'] : [r.scope];
  for (const scopeId of scopes) {
    const page = await api<Collection<PolicyAssignment>>(
      `/v1.0/policies/roleManagementPolicyAssignments?$filter=${encodeURIComponent(policyFilter(r, scopeId))}&$expand=policy($expand=rules)`,
    );
    const rule = page.value[0]?.policy?.rules?.find((x) => x.id === 'Approval_EndUser_Assignment');
    if (rule) return (rule.setting?.approvalStages ?? []).map((s) => s.isApproverJustificationRequired ?? false);
  }
  return null;
}

/**
 * Whether deciding any of these requests needs a justification from the approver by its policy
 * (any stage: the inbox does not know which stage waits). A policy changed after the request was
 * made may differ from the one its approval copied; the server's answer then wins.
 */
export function useApproverJustificationRequired(requests: readonly Role[]): boolean {
  const distinct = [...new Map(requests.map((r) => [`${r.provider}|${r.roleId}|${r.scope}`, r])).values()];
  const results = useQueries({
    queries: distinct.map((r) => ({ queryKey: approvalKeys.approverRule(r), queryFn: () => approverJustificationOf(r), staleTime: 300_000 })),
  });
  return results.some((q) => q.data?.some(Boolean) ?? false);
}

export type History = { readonly visible: true; readonly activations: readonly ApprovableRequest[] } | { readonly visible: false };

const HISTORY_SIZE = 20;

async function historyOf(r: ApprovableRequest): Promise<History> {
  const group = r.provider === 'group';
  const path = group
    ? '/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleRequests'
    : '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests';
  const filter = group
    ? `principalId eq ${odataString(r.principalId)} and groupId eq ${odataString(r.scope)} and accessId eq ${odataString(r.roleId)} and action eq 'selfActivate'`
    : `principalId eq ${odataString(r.principalId)} and roleDefinitionId eq ${odataString(r.roleId)} and action eq 'selfActivate'`;
  try {
    const page = await api<Collection<RawRequest>>(`${path}?$filter=${encodeURIComponent(filter)}&$top=${HISTORY_SIZE}`);
    const activations = page.value.map(toApprovable({ provider: r.provider, kind: 'assignment' })).filter((x) => x.id !== r.id);
    return { visible: true, activations };
  } catch (e) {
    // Listing other people's requests is for administrators and readers (as in Graph).
    if (e instanceof ApiError && e.status === 403) return { visible: false };
    throw e;
  }
}

const historyQuery = (r: ApprovableRequest) => ({ queryKey: approvalKeys.history(r), queryFn: () => historyOf(r), staleTime: 60_000 });

/** The requester's latest activations of this role (not this request), newest first. */
export const useActivationHistory = (r: ApprovableRequest) => useQuery(historyQuery(r));

/** The same for each of these requests, by request id. */
export function useActivationHistories(requests: readonly ApprovableRequest[]): ReadonlyMap<string, History> {
  const results = useQueries({ queries: requests.map(historyQuery) });
  return new Map(results.flatMap((q, i) => (q.data ? [[requests[i]!.id, q.data] as const] : [])));
}

/** Statuses of an activation that gave access (now or for a window that has passed or is scheduled). */
const GRANTED = new Set(['Provisioned', 'Granted', 'PendingProvisioning', 'Revoked']);

/** Activations that gave access within the last `days` days, before `now`. */
export function recentGrants(history: History | undefined, now: number, days = 30): readonly ApprovableRequest[] | null {
  if (!history?.visible) return null;
  return history.activations.filter((a) => GRANTED.has(a.status) && now - Date.parse(a.createdDateTime) <= days * 86_400_000);
}
