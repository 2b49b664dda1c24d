/**
 * The audit log over the API: the whole log (`/v1.0/auditLogs/directoryAudits`, for readers) or
 * the caller's own events (`/openpim/me/auditLogs/directoryAudits`), filtered with the `$filter`
 * the API takes, and each event in the CLI's flat shape (the `--output json`, JSON-lines and CSV
 * shape of `audit list` and `audit export`, and a request's timeline in `request show`).
 */
import { ApiError, type ApiClient } from './api-client.ts';

const ALL = '/v1.0/auditLogs/directoryAudits';
const MINE = '/openpim/me/auditLogs/directoryAudits';

export interface ApiAuditEvent {
  readonly id: string;
  readonly category: string;
  readonly correlationId: string | null;
  readonly result: string;
  readonly resultReason: string;
  readonly activityDisplayName: string;
  readonly activityDateTime: string;
  readonly operationType: string;
  readonly initiatedBy: {
    readonly user: { id: string | null; displayName: string | null; userPrincipalName: string | null } | null;
    readonly app: { servicePrincipalId: string | null; displayName: string | null } | null;
  };
  readonly targetResources: readonly { id: string | null; displayName: string | null; type: string | null }[];
  readonly additionalDetails?: readonly { key: string; value: string }[];
}

export interface AuditRow {
  readonly id: string;
  readonly activityDateTime: string;
  readonly activity: string;
  readonly category: string;
  readonly operationType: string;
  readonly result: string;
  readonly resultReason: string;
  readonly initiatedBy: { id: string | null; displayName: string | null; userPrincipalName: string | null };
  readonly targets: readonly { id: string | null; displayName: string | null; type: string | null }[];
  readonly correlationId: string | null;
  readonly details: Record<string, string>;
}

export const auditRow = (e: ApiAuditEvent): AuditRow => ({
  id: e.id,
  activityDateTime: e.activityDateTime,
  activity: e.activityDisplayName,
  category: e.category,
  operationType: e.operationType,
  result: e.result,
  resultReason: e.resultReason,
  initiatedBy: e.initiatedBy.user
    ? { id: e.initiatedBy.user.id, displayName: e.initiatedBy.user.displayName, userPrincipalName: e.initiatedBy.user.userPrincipalName }
    : { id: e.initiatedBy.app?.servicePrincipalId ?? null, displayName: e.initiatedBy.app?.displayName ?? null, userPrincipalName: null },
  targets: e.targetResources.map((t) => ({ id: t.id, displayName: t.displayName, type: t.type })),
  correlationId: e.correlationId,
  details: Object.fromEntries((e.additionalDetails ?? []).map((d) => [d.key, d.value])),
});

export interface AuditFilter {
  readonly since?: string;
  readonly until?: string;
  readonly activity?: string;
  readonly category?: string;
  readonly result?: string;
  readonly actorId?: string;
  readonly targetId?: string;
  readonly correlationId?: string;
}

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The `$filter` for these conditions, or null for none. */
export function auditFilter(f: AuditFilter): string | null {
  const parts = [
    f.since && `activityDateTime ge ${f.since}`,
    f.until && `activityDateTime lt ${f.until}`,
    f.activity && `activityDisplayName eq ${literal(f.activity)}`,
    f.category && `category eq ${literal(f.category)}`,
    f.result && `result eq ${literal(f.result)}`,
    f.actorId && `initiatedBy/user/id eq ${literal(f.actorId)}`,
    f.targetId && `targetResources/id eq ${literal(f.targetId)}`,
    f.correlationId && `correlationId eq ${literal(f.correlationId)}`,
  ].filter((p): p is string => Boolean(p));
  return parts.length ? parts.join(' and ') : null;
}

/** The URL of a page of events: the whole log, or `mine`; newest first. */
export function auditPath(options: { mine: boolean; filter: string | null; top: number }): string {
  const query = [`$top=${options.top}`, ...(options.filter ? [`$filter=${encodeURIComponent(options.filter)}`] : [])].join('&');
  return `${options.mine ? MINE : ALL}?${query}`;
}

/**
 * The events about one request, oldest first: from the whole log for readers, else from the
 * caller's own events (every event about a request names its requester among the targets).
 * Empty when neither may be read.
 */
export async function requestTimeline(client: ApiClient, requestId: string): Promise<AuditRow[]> {
  const filter = auditFilter({ targetId: requestId });
  for (const mine of [false, true]) {
    try {
      const events = await client.list<ApiAuditEvent>(auditPath({ mine, filter, top: 100 }), 200);
      return events.map(auditRow).sort((a, b) => a.activityDateTime.localeCompare(b.activityDateTime) || a.id.localeCompare(b.id));
    } catch (error) {
      if (!(error instanceof ApiError) || (error.status !== 403 && error.status !== 400)) throw error;
    }
  }
  return [];
}
