/**
 * Reading schedules (granted, current or future) and instances (in effect now). Both compare end
 * times with the clock, so an expired grant is never listed even if the timeline has not run.
 * A caller's own view (filterByCurrentUser) includes what the groups they are in hold — static or
 * PIM for Groups membership in effect now — with memberType Group (Entra leaves group-derived
 * eligibility out; OpenPIM shows it, and the holder may activate it). Instances asked for at a
 * resource scope include those inherited from above (memberType Inherited).
 * The expired view (an OpenPIM extension) lists what ran out in the last 30 days and may be renewed.
 */
import { DomainError } from '../../domain/errors.ts';
import { RENEW_WINDOW } from '../../domain/requests/hard-rules.ts';
import { hasEnded, type Schedule, type ScheduleKind } from '../../domain/model.ts';
import type { Instant } from '../../domain/time.ts';
import { authorize, can, PERMISSION } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import type { ReadRepositories, ScheduleListOptions } from '../ports/repositories.ts';
import type { FilterExpr, ListQuery, Page } from '../query.ts';
import { scopeAncestors } from '../scopes/ancestry.ts';
import { groupOfScope } from '../../domain/group-access.ts';
import { isCanonicalScope } from '../../domain/scope-path.ts';
import { isOfProvider, ofProvider, type Provider } from './provider.ts';

export interface ScheduleQuery {
  readonly provider: Provider;
  readonly kind: ScheduleKind;
  readonly view: ScheduleListOptions['view'];
  /** filterByCurrentUser(on='principal'), or a non-reader's own view. */
  readonly mine: boolean;
}

/** Rows held by one of the caller's groups are theirs through the group. */
const asSeenBy =
  (caller: Caller) =>
  (s: Schedule): Schedule =>
    s.principalId === caller.principal.id ? s : { ...s, memberType: 'Group' };

export async function listSchedules(
  read: ReadRepositories<'principals' | 'schedules' | 'scopes'>,
  caller: Caller,
  q: ScheduleQuery,
  query: ListQuery,
  now: Instant,
): Promise<Page<Schedule>> {
  if (!q.mine) authorize(caller, PERMISSION.roleAssignmentsRead);
  // A group's expired grant is the group's to renew, not its members'.
  const groups = q.mine && q.view !== 'expired' ? await read.principals.groupsOf(caller.tenantId, caller.principal.id, now) : [];
  const principalIds = q.mine ? [caller.principal.id, ...groups] : undefined;
  const inherit = q.view === 'instances' ? await inheritedAt(read, caller.tenantId, query) : null;
  const page = await read.schedules.list(
    caller.tenantId,
    { kind: q.kind, view: q.view, at: now, principalIds },
    ofProvider(inherit?.query ?? query, q.provider),
  );
  const items = page.items.map((s) => (inherit && s.directoryScopeId !== inherit.scopeId ? { ...s, memberType: 'Inherited' as const } : s));
  return { ...page, items: q.mine ? items.map(asSeenBy(caller)) : items };
}

/**
 * Instances asked for at a resource scope (`$filter=directoryScopeId eq '/subscriptions/s1/…'`, as
 * an AND-ed condition) include those made at its ancestors, which apply there too: they keep the
 * scope they were made at and say memberType Inherited. Null when the query names no such scope.
 */
async function inheritedAt(read: ReadRepositories<'scopes'>, tenantId: string, query: ListQuery): Promise<{ scopeId: string; query: ListQuery } | null> {
  const conjuncts = (e: FilterExpr): FilterExpr[] => (e.op === 'and' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e]);
  const named = query.filter ? conjuncts(query.filter).find((e) => e.op === 'eq' && e.field === 'directoryScopeId') : undefined;
  const scopeId = named?.op === 'eq' && typeof named.value === 'string' ? named.value : null;
  if (scopeId === null || scopeId === '/' || !isCanonicalScope(scopeId) || scopeId.startsWith('/administrativeUnits/') || groupOfScope(scopeId)) return null;
  const ancestors = await scopeAncestors(read, tenantId, scopeId);
  const widen = (e: FilterExpr): FilterExpr =>
    e === named ? { op: 'in', field: 'directoryScopeId', values: ancestors } : e.op === 'and' ? { ...e, left: widen(e.left), right: widen(e.right) } : e;
  return { scopeId, query: { ...query, filter: widen(query.filter!) } };
}

export async function getSchedule(
  read: ReadRepositories<'schedules'>,
  caller: Caller,
  q: Omit<ScheduleQuery, 'mine'>,
  id: string,
  now: Instant,
): Promise<Schedule> {
  const s = await read.schedules.get(caller.tenantId, id);
  const inView = !s ? false : q.view === 'expired' ? isRenewable(s, now) : !s.closed && !hasEnded(s, now) && (q.view === 'schedules' || s.startAt <= now);
  const current = s && s.kind === q.kind && isOfProvider(s.roleDefinitionId, q.provider) && inView;
  const own = s && (s.principalId === caller.principal.id || caller.groupIds.includes(s.principalId));
  if (!s || !current || (!own && !can(caller, PERMISSION.roleAssignmentsRead))) {
    throw new DomainError('Request_ResourceNotFound', `'${id}' does not exist.`);
  }
  return can(caller, PERMISSION.roleAssignmentsRead) ? s : asSeenBy(caller)(s);
}

/** Ran out by its time in the renewal window, and not an activation (the list also checks it is the last of its key). */
const isRenewable = (s: Schedule, now: Instant): boolean =>
  s.sourceScheduleId === null && s.endAt !== null && s.endAt <= now && now - s.endAt < RENEW_WINDOW && (!s.closed || s.closeReason === 'expired');

/** Active role assignments in effect now (Graph's roleAssignments): all for readers, one's own otherwise. */
export function listRoleAssignments(read: ReadRepositories<'schedules'>, caller: Caller, query: ListQuery, now: Instant): Promise<Page<Schedule>> {
  const all = can(caller, PERMISSION.roleAssignmentsRead);
  return read.schedules.list(
    caller.tenantId,
    { kind: 'assignment', view: 'instances', at: now, principalIds: all ? undefined : [caller.principal.id] },
    ofProvider(query, 'directory'),
  );
}
