/** The caller's own requests — roles and groups, eligibility and assignment — newest first. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, relativeLink, type Collection } from '../../lib/api-client.ts';

export interface MyRequest {
  readonly id: string;
  readonly provider: 'directory' | 'group';
  readonly kind: 'eligibility' | 'assignment';
  readonly status: string;
  readonly action: string;
  /** Whom the request is for. */
  readonly principalId: string;
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

/** A schedule request as the API sends it, from a role or a group collection. */
export interface RawRequest {
  readonly id: string;
  readonly status: string;
  readonly action: string;
  readonly principalId: string;
  readonly roleDefinitionId?: string;
  readonly directoryScopeId?: string;
  readonly groupId?: string;
  readonly accessId?: string;
  readonly justification: string | null;
  readonly ticketInfo?: { readonly ticketNumber: string | null; readonly ticketSystem: string | null };
  readonly approvalId: string | null;
  readonly createdDateTime: string;
  readonly completedDateTime: string | null;
  readonly scheduleInfo?: {
    readonly startDateTime: string | null;
    readonly expiration?: { readonly endDateTime: string | null; readonly duration: string | null };
  };
  /** With `$expand=principal` (role collections only). */
  readonly principal?: { readonly displayName?: string | null; readonly userPrincipalName?: string | null } | null;
}

/** One of the four request collections. */
export interface Source {
  readonly provider: MyRequest['provider'];
  readonly kind: MyRequest['kind'];
  readonly path: string;
  /** Only the role collections take `$expand=principal`. */
  readonly expandsPrincipal: boolean;
}

export const SOURCES: readonly Source[] = [
  { provider: 'directory', kind: 'assignment', path: '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests', expandsPrincipal: true },
  { provider: 'directory', kind: 'eligibility', path: '/v1.0/roleManagement/directory/roleEligibilityScheduleRequests', expandsPrincipal: true },
  { provider: 'group', kind: 'assignment', path: '/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleRequests', expandsPrincipal: false },
  { provider: 'group', kind: 'eligibility', path: '/v1.0/identityGovernance/privilegedAccess/group/eligibilityScheduleRequests', expandsPrincipal: false },
];

export const collectionOf = (r: Pick<MyRequest, 'provider' | 'kind'>): string => SOURCES.find((s) => s.provider === r.provider && s.kind === r.kind)!.path;

export const toRequest =
  (source: Pick<Source, 'provider' | 'kind'>) =>
  (x: RawRequest): MyRequest => ({
    id: x.id,
    provider: source.provider,
    kind: source.kind,
    status: x.status,
    action: x.action,
    principalId: x.principalId,
    roleId: x.roleDefinitionId ?? x.accessId ?? '',
    scope: x.directoryScopeId ?? x.groupId ?? '',
    justification: x.justification,
    ticketNumber: x.ticketInfo?.ticketNumber ?? null,
    ticketSystem: x.ticketInfo?.ticketSystem ?? null,
    approvalId: x.approvalId,
    createdDateTime: x.createdDateTime,
    completedDateTime: x.completedDateTime,
    startDateTime: x.scheduleInfo?.startDateTime ?? null,
    endDateTime: x.scheduleInfo?.expiration?.endDateTime ?? null,
    duration: x.scheduleInfo?.expiration?.duration ?? null,
  });

export const requestKeys = { all: ['requests'] as const };

/** Statuses a request waits in; the list refreshes itself while one is shown. */
export const WAITING = new Set(['PendingApproval', 'PendingApprovalProvisioning', 'Granted', 'PendingProvisioning', 'PendingScheduleCreation']);

export function useMyRequests(enabled = true) {
  return useQuery({
    enabled,
    queryKey: requestKeys.all,
    queryFn: async () => {
      const pages = await Promise.all(
        SOURCES.map(async (s) => (await api<Collection<RawRequest>>(`${s.path}/filterByCurrentUser(on='principal')?$top=200`)).value.map(toRequest(s))),
      );
      return pages.flat().sort((a, b) => b.createdDateTime.localeCompare(a.createdDateTime));
    },
    // Decisions by approvers appear without a reload: poll quickly while something waits.
    refetchInterval: (query) => ((query.state.data ?? []).some((r) => WAITING.has(r.status)) ? 2_000 : 30_000),
  });
}

export type StatusFilter = 'pending' | 'completed' | 'all';

const OPEN = "('PendingApproval','PendingScheduleCreation','Granted','PendingProvisioning')";
const STATUS_FILTER: Readonly<Record<StatusFilter, string | null>> = {
  pending: `status in ${OPEN}`,
  completed: `not (status in ${OPEN})`,
  all: null,
};

/** The newest `count` of one collection's own requests, following @odata.nextLink; whether more remain. */
async function newest(source: Source, filter: string | null, count: number): Promise<{ items: MyRequest[]; more: boolean }> {
  const params = [`$top=${Math.min(count, 999)}`, ...(filter ? [`$filter=${encodeURIComponent(filter)}`] : [])].join('&');
  let next: string | null = `${source.path}/filterByCurrentUser(on='principal')?${params}`;
  const items: MyRequest[] = [];
  while (next !== null && items.length < count) {
    const page: Collection<RawRequest> = await api<Collection<RawRequest>>(next);
    items.push(...page.value.map(toRequest(source)));
    next = page['@odata.nextLink'] ? relativeLink(page['@odata.nextLink']) : null;
  }
  return { items: items.slice(0, count), more: next !== null || items.length > count };
}

export interface RequestPage {
  readonly items: readonly MyRequest[];
  /** Older requests remain beyond `limit`. */
  readonly hasMore: boolean;
}

/**
 * The caller's newest `limit` requests across the four collections, newest first. The newest
 * `limit` overall are among the newest `limit` of each collection, so asking each for that many
 * and merging is exact; showing more asks again with a larger limit.
 */
export function useMyRequestPage(status: StatusFilter, limit: number) {
  return useQuery({
    queryKey: [...requestKeys.all, 'page', status, limit] as const,
    queryFn: async (): Promise<RequestPage> => {
      const parts = await Promise.all(SOURCES.map((s) => newest(s, STATUS_FILTER[status], limit)));
      const merged = parts.flatMap((p) => p.items).sort((a, b) => b.createdDateTime.localeCompare(a.createdDateTime) || a.id.localeCompare(b.id));
      return { items: merged.slice(0, limit), hasMore: merged.length > limit || parts.some((p) => p.more) };
    },
    placeholderData: keepPreviousData,
    refetchInterval: (query) => ((query.state.data?.items ?? []).some((r) => WAITING.has(r.status)) ? 2_000 : 30_000),
  });
}

/**
 * One request by id, wherever it lives (role or group, assignment or eligibility): the link in
 * OpenPIM's notifications names only the id. Refreshes itself while the request waits.
 */
export function useRequest(id: string) {
  const client = useQueryClient();
  const key = [...requestKeys.all, 'one', id] as const;
  return useQuery({
    queryKey: key,
    queryFn: async (): Promise<MyRequest> => {
      // Once found, the request is read again where it lives: no probing while the page refreshes.
      const known = client.getQueryData<MyRequest>(key);
      const sources = known ? SOURCES.filter((s) => s.provider === known.provider && s.kind === known.kind) : SOURCES;
      const tries = await Promise.allSettled(sources.map(async (s) => toRequest(s)(await api<RawRequest>(`${s.path}/${encodeURIComponent(id)}`))));
      const found = tries.find((t): t is PromiseFulfilledResult<MyRequest> => t.status === 'fulfilled');
      if (found) return found.value;
      const failures = tries.map((t) => (t as PromiseRejectedResult).reason as unknown);
      // Not found in any collection is the honest answer; any other failure (signed out, the server) says more.
      throw failures.find((e) => !(e instanceof ApiError && e.status === 404)) ?? failures[0];
    },
    refetchInterval: (query) => (query.state.data && WAITING.has(query.state.data.status) ? 2_000 : false),
  });
}

export function useCancelRequest() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (r: Pick<MyRequest, 'id' | 'provider' | 'kind'>) => api<void>(`${collectionOf(r)}/${encodeURIComponent(r.id)}/cancel`, { method: 'POST' }),
    onSettled: () => Promise.all([client.invalidateQueries({ queryKey: requestKeys.all }), client.invalidateQueries({ queryKey: ['approval'] })]),
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
export const approvalPath = (provider: 'directory' | 'group', approvalId: string): string =>
  provider === 'group'
    ? `/v1.0/identityGovernance/privilegedAccess/group/assignmentApprovals/${encodeURIComponent(approvalId)}`
    : `/beta/roleManagement/directory/roleAssignmentApprovals/${encodeURIComponent(approvalId)}`;

/** A request's approval with every decision: who, what and why; `live` re-reads it every few seconds. */
export function useApproval(provider: 'directory' | 'group', approvalId: string | null, live = false) {
  return useQuery({
    queryKey: ['approval', provider, approvalId],
    queryFn: () => api<Approval>(approvalPath(provider, approvalId!)),
    enabled: approvalId !== null,
    refetchInterval: live ? 2_000 : false,
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
