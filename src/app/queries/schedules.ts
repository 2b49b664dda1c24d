/**
 * Reading schedules (granted, current or future) and instances (in effect now). Both compare end
 * times with the clock, so an expired grant is never listed even if the timeline has not run.
 */
import { DomainError } from '../../domain/errors.ts';
import { hasEnded, type Schedule, type ScheduleKind } from '../../domain/model.ts';
import type { Instant } from '../../domain/time.ts';
import { authorize, can, PERMISSION } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import type { Repositories } from '../ports/repositories.ts';
import type { ListQuery, Page } from '../query.ts';

export interface ScheduleQuery {
  readonly kind: ScheduleKind;
  readonly view: 'schedules' | 'instances';
  /** filterByCurrentUser(on='principal'), or a non-reader's own view. */
  readonly mine: boolean;
}

export function listSchedules(read: Repositories, caller: Caller, q: ScheduleQuery, query: ListQuery, now: Instant): Promise<Page<Schedule>> {
  if (!q.mine) authorize(caller, PERMISSION.roleAssignmentsRead);
  return read.schedules.list(caller.tenantId, { kind: q.kind, view: q.view, at: now, principalIds: q.mine ? [caller.principal.id] : undefined }, query);
}

export async function getSchedule(read: Repositories, caller: Caller, q: Omit<ScheduleQuery, 'mine'>, id: string, now: Instant): Promise<Schedule> {
  const s = await read.schedules.get(caller.tenantId, id);
  const current = s && s.kind === q.kind && !s.closed && !hasEnded(s, now) && (q.view === 'schedules' || s.startAt <= now);
  if (!s || !current || (s.principalId !== caller.principal.id && !can(caller, PERMISSION.roleAssignmentsRead))) {
    throw new DomainError('Request_ResourceNotFound', `'${id}' does not exist.`);
  }
  return s;
}

/** Active role assignments in effect now (Graph's roleAssignments): all for readers, one's own otherwise. */
export function listRoleAssignments(read: Repositories, caller: Caller, query: ListQuery, now: Instant): Promise<Page<Schedule>> {
  const all = can(caller, PERMISSION.roleAssignmentsRead);
  return read.schedules.list(caller.tenantId, { kind: 'assignment', view: 'instances', at: now, principalIds: all ? undefined : [caller.principal.id] }, query);
}
