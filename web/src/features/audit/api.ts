/**
 * Audit events as the API gives them (Graph's directoryAudit): the caller's own at
 * /openpim/me/auditLogs/directoryAudits, everyone's (readers only) at /v1.0/auditLogs/directoryAudits;
 * newest first, a page at a time; and the hash chain's verification, run on demand.
 */
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { api, odataString, relativeLink, type Collection } from '../../lib/api-client.ts';

export interface AuditUser {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
}

export interface AuditApp {
  readonly displayName: string | null;
  readonly servicePrincipalId: string;
}

export interface AuditTarget {
  readonly id: string;
  readonly displayName: string | null;
  readonly type: string;
  readonly userPrincipalName: string | null;
  readonly modifiedProperties: readonly { readonly displayName: string; readonly oldValue: string | null; readonly newValue: string | null }[];
}

export interface AuditEvent {
  readonly id: string;
  readonly category: string;
  readonly correlationId: string;
  readonly result: 'success' | 'failure' | string;
  readonly resultReason: string;
  readonly activityDisplayName: string;
  readonly activityDateTime: string;
  readonly loggedByService: string;
  readonly operationType: string;
  readonly initiatedBy: { readonly user: AuditUser | null; readonly app: AuditApp | null };
  readonly targetResources: readonly AuditTarget[];
  readonly additionalDetails: readonly { readonly key: string; readonly value: string }[];
}

/** Whose events: the caller's own, or the whole log. */
export type AuditSource = 'mine' | 'all';

/** What the list is narrowed to; instants are ISO 8601 in UTC. */
export interface AuditFilters {
  readonly activity?: string;
  readonly actor?: string;
  readonly target?: string;
  readonly role?: string;
  readonly from?: string;
  readonly to?: string;
}

const PATH: Readonly<Record<AuditSource, string>> = {
  mine: '/openpim/me/auditLogs/directoryAudits',
  all: '/v1.0/auditLogs/directoryAudits',
};

const PAGE_SIZE = 50;

/** The OData $filter for these filters (targets and the role are both `targetResources/id`), or null. */
export function filterOf(f: AuditFilters): string | null {
  const parts = [
    f.activity ? `activityDisplayName eq ${odataString(f.activity)}` : null,
    f.actor ? `initiatedBy/user/id eq ${odataString(f.actor)}` : null,
    f.target ? `targetResources/id eq ${odataString(f.target)}` : null,
    f.role ? `targetResources/id eq ${odataString(f.role)}` : null,
    f.from ? `activityDateTime ge ${f.from}` : null,
    f.to ? `activityDateTime le ${f.to}` : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(' and ') : null;
}

export const auditKeys = { all: ['audit'] as const };

/** Events newest first, a page of 50 at a time (`fetchNextPage` follows @odata.nextLink). */
export function useAuditEvents(source: AuditSource, filters: AuditFilters) {
  const filter = filterOf(filters);
  const first = `${PATH[source]}?$top=${PAGE_SIZE}${filter ? `&$filter=${encodeURIComponent(filter)}` : ''}`;
  return useInfiniteQuery({
    queryKey: [...auditKeys.all, source, filter] as const,
    queryFn: ({ pageParam }) => api<Collection<AuditEvent>>(pageParam),
    initialPageParam: first,
    getNextPageParam: (last) => (last['@odata.nextLink'] ? relativeLink(last['@odata.nextLink']) : undefined),
  });
}

export interface ChainBreak {
  readonly seq: number | null;
  readonly eventId: string | null;
  readonly reason: string;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly events: number;
  readonly firstBrokenEvent: ChainBreak | null;
}

/** Walks the whole hash chain: slow on a big log, so it runs when asked, not on every visit. */
export function useVerifyAudit() {
  return useMutation({
    mutationFn: async () => ({ result: await api<VerifyResult>('/openpim/audit/verify'), at: new Date().toISOString() }),
  });
}

export interface Person {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName?: string | null;
  readonly kind: 'user' | 'group';
}

/** Users and groups to pick actors and targets from (the first 999 of each). */
export function useDirectory(enabled: boolean) {
  return useQuery({
    queryKey: ['directory', 'people'],
    queryFn: async (): Promise<Person[]> => {
      const [users, groups] = await Promise.all([
        api<Collection<Omit<Person, 'kind'>>>('/v1.0/users?$select=id,displayName,userPrincipalName&$top=999'),
        api<Collection<Omit<Person, 'kind'>>>('/v1.0/groups?$select=id,displayName&$top=999'),
      ]);
      return [...users.value.map((u) => ({ ...u, kind: 'user' as const })), ...groups.value.map((g) => ({ ...g, kind: 'group' as const }))];
    },
    enabled,
    staleTime: 300_000,
  });
}
