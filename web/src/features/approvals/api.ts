/**
 * The approver's side of requests: the inbox (every pending request the caller may decide now,
 * roles and groups, assignments and eligibilities) and the decision itself. A decision is made on
 * the approval's current step, the one the API marks `assignedToMe`.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMyRolesLoaded } from '../my-roles/api.ts';
import { api, ApiError, fetchAll } from '../../lib/api-client.ts';
import { approvalPath, SOURCES, toRequest, type Approval, type ApprovalStep, type MyRequest, type RawRequest, type Source } from '../requests/api.ts';

export type Provider = 'directory' | 'group';
export type Kind = 'assignment' | 'eligibility';

/** A schedule request as the approver sees it, whichever collection it comes from: the requester's name too. */
export interface ApprovableRequest extends MyRequest {
  /** From `$expand=principal` (role requests); group requests name their principal separately. */
  readonly principalName: string | null;
  readonly principalUpn: string | null;
}

export const toApprovable =
  (source: Pick<Source, 'provider' | 'kind'>) =>
  (x: RawRequest): ApprovableRequest => ({
    ...toRequest(source)(x),
    principalName: x.principal?.displayName ?? null,
    principalUpn: x.principal?.userPrincipalName ?? null,
  });

/** The list options a source takes beyond paging: requesters' names where it can expand them. */
export const listOptions = (s: Source): string => (s.expandsPrincipal ? '$expand=principal' : '');

const INBOX = "filterByCurrentUser(on='approver')";

export const approvalKeys = {
  all: ['approvals'] as const,
  inbox: () => [...approvalKeys.all, 'inbox'] as const,
  lookup: (approvalId: string) => [...approvalKeys.all, 'lookup', approvalId] as const,
  history: (r: Pick<ApprovableRequest, 'id' | 'provider' | 'principalId' | 'roleId' | 'scope'>) =>
    [...approvalKeys.all, 'history', r.provider, r.principalId, r.roleId, r.scope, r.id] as const,
  approverRule: (r: Pick<ApprovableRequest, 'provider' | 'roleId' | 'scope'>) => [...approvalKeys.all, 'approverRule', r.provider, r.roleId, r.scope] as const,
  link: (token: string) => [...approvalKeys.all, 'link', token] as const,
};

/** Also the key TanStack Query knows the requests feature's approvals by (its `useApproval`). */
const APPROVAL_KEY = ['approval'] as const;

async function fetchInbox(): Promise<ApprovableRequest[]> {
  const lists = await Promise.all(
    SOURCES.map(async (s) => {
      const options = listOptions(s);
      const items = await fetchAll<RawRequest>(`${s.path}/${INBOX}?$top=100${options ? `&${options}` : ''}`, 1_000);
      return items.map(toApprovable(s));
    }),
  );
  // Oldest first: the one that has waited longest is decided first.
  return lists.flat().sort((a, b) => a.createdDateTime.localeCompare(b.createdDateTime));
}

/** The approver inbox: pending requests the caller may decide now. Refreshes itself. */
export function useApproverInbox(enabled = true) {
  return useQuery({ queryKey: approvalKeys.inbox(), queryFn: fetchInbox, refetchInterval: 30_000, enabled });
}

/** How many decisions wait for the caller (for the navigation's badge); shares the inbox query, read once My roles has what it needs. */
export function usePendingCount(): number | null {
  const inbox = useApproverInbox(useMyRolesLoaded());
  return inbox.data ? inbox.data.length : null;
}

export type Decision = 'Approve' | 'Deny';

export interface DecisionInput {
  readonly request: Pick<ApprovableRequest, 'provider' | 'approvalId'>;
  readonly decision: Decision;
  readonly justification: string;
}

export interface DecisionResult {
  readonly decision: Decision;
  /** Approvals the step still needs after this one (0 when this decision settled it). */
  readonly approvalsStillNeeded: number;
  /** Whether a later stage still has to decide after this one. */
  readonly laterStage: boolean;
}

/** The step of an approval waiting for the caller's decision, if any. */
export const myStep = (approval: Approval | undefined): ApprovalStep | null => approval?.steps.find((s) => s.assignedToMe) ?? null;

/**
 * Decides the approval's current step. When no step waits for the caller any more (someone else
 * decided, it timed out, was canceled) this answers like the API would: a 409 with the reason.
 */
export async function decide({ request, decision, justification }: DecisionInput): Promise<DecisionResult> {
  if (!request.approvalId) throw new ApiError(409, 'NoApproval', 'This request has no approval to decide.');
  const base = approvalPath(request.provider, request.approvalId);
  const approval = await api<Approval>(base);
  const step = myStep(approval);
  if (!step) {
    const current = approval.steps.find((s) => s.status === 'InProgress');
    throw new ApiError(
      409,
      'ApprovalStepNotActive',
      current
        ? 'You have already decided on this step, or are no longer one of its approvers.'
        : 'This request no longer waits for a decision: it was already decided, has timed out or was canceled.',
    );
  }
  await api<void>(`${base}/steps/${encodeURIComponent(step.id)}`, {
    method: 'PATCH',
    body: { reviewResult: decision, justification: justification.trim() || null },
  });
  const approvals = (step.decisions ?? []).filter((d) => d.reviewResult === 'Approve').length + 1;
  const approvalsStillNeeded = decision === 'Approve' ? Math.max(0, (step.approvalsRequired ?? 1) - approvals) : 0;
  const laterStage =
    decision === 'Approve' && approvalsStillNeeded === 0 && approval.steps.some((s) => Number(s.id) > Number(step.id) && s.status === 'NotStarted');
  return { decision, approvalsStillNeeded, laterStage };
}

/** Approve or deny; the caller wraps it in a step-up. Everything that shows approvals refreshes after. */
export function useDecide() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: decide,
    onSettled: async () => {
      await Promise.all([client.invalidateQueries({ queryKey: approvalKeys.all }), client.invalidateQueries({ queryKey: APPROVAL_KEY })]);
    },
  });
}

/** A 409 from a decision: someone (maybe the caller, elsewhere) decided first. */
export const isConflict = (error: unknown): boolean => error instanceof ApiError && error.status === 409;
