/**
 * Making and moving grants (schedules): a new one is stored with its start, end and expiry
 * reminders on the timeline and a `schedule.created` row on the change feed; a moved one gets its
 * timeline items moved and a `schedule.updated` row.
 */
import type { AssignmentKey, Schedule } from '../../domain/model.ts';
import type { Window } from '../../domain/requests/window.ts';
import { scheduleExpiryReminders } from './expiry-reminders.ts';
import type { GrantContext } from './grant-context.ts';

/** A new open schedule for `key`, made by request `createdUsing`. */
export function newSchedule(ctx: GrantContext, key: AssignmentKey, createdUsing: string, window: Window, fields: Partial<Schedule> = {}): Schedule {
  return {
    tenantId: key.tenantId,
    kind: key.kind,
    principalId: key.principalId,
    roleDefinitionId: key.roleDefinitionId,
    directoryScopeId: key.directoryScopeId,
    id: ctx.ids.uuid(),
    assignmentType: key.kind === 'assignment' ? 'Assigned' : null,
    memberType: 'Direct',
    startAt: window.startAt,
    endAt: window.endAt,
    closed: false,
    closeReason: null,
    closedAt: null,
    createdUsing,
    sourceScheduleId: null,
    createdAt: ctx.now,
    modifiedAt: ctx.now,
    ...fields,
  };
}

/** Stores a new schedule with its timeline items and its change-feed row. */
export async function insertSchedule(ctx: GrantContext, schedule: Schedule): Promise<void> {
  await ctx.tx.schedules.insert(schedule);
  await scheduleTimeline(ctx, schedule);
  await ctx.tx.feed.append(schedule.tenantId, 'schedule.created', schedule.id, { schedule });
}

/**
 * Stores a schedule whose window moved, with its timeline items and change-feed row. `store`: how
 * to write it, when the write must run inside a safeguard (keepingAdministrators).
 */
export async function moveSchedule(
  ctx: GrantContext,
  moved: Schedule,
  extended: boolean,
  store: (write: () => Promise<void>) => Promise<void> = (write) => write(),
): Promise<void> {
  await store(() => ctx.tx.schedules.update(moved));
  await scheduleTimeline(ctx, moved);
  await ctx.tx.feed.append(moved.tenantId, 'schedule.updated', moved.id, { schedule: moved, extended });
}

/** Puts a schedule's start, end and expiry reminders on the timeline (or takes them off). */
export async function scheduleTimeline(ctx: GrantContext, schedule: Schedule): Promise<void> {
  if (schedule.startAt > ctx.now) await ctx.tx.timeline.schedule(schedule.tenantId, 'scheduleStart', schedule.id, schedule.startAt);
  if (schedule.endAt !== null) await ctx.tx.timeline.schedule(schedule.tenantId, 'scheduleEnd', schedule.id, schedule.endAt);
  else await ctx.tx.timeline.unschedule('scheduleEnd', schedule.id);
  await scheduleExpiryReminders(ctx.tx, schedule, ctx.now);
}
