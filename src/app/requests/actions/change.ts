/** adminUpdate (change a grant's start or end) and adminExtend (move its end later). */
import { requestActivity } from '../../../domain/audit/activities.ts';
import { DomainError } from '../../../domain/errors.ts';
import type { Schedule, ScheduleRequest } from '../../../domain/model.ts';
import { windowOf } from '../../../domain/requests/window.ts';
import { keepingAdministrators } from '../../keep-administrators.ts';
import { capDependents } from '../../grants/end-schedule.ts';
import { findOpenClosingOverdue } from '../../grants/find-open.ts';
import { moveSchedule } from '../../grants/schedules.ts';
import { newRequest, recordRequest, type RequestContext } from '../request-context.ts';
import { adminDefaultLength, checkPolicy } from './check-policy.ts';

async function target(ctx: RequestContext): Promise<Schedule> {
  const schedule = await findOpenClosingOverdue(ctx, ctx.key, ctx.input.targetScheduleId);
  if (!schedule) throw new DomainError('RoleAssignmentDoesNotExist', 'The role assignment does not exist.');
  return schedule;
}

async function apply(ctx: RequestContext, schedule: Schedule, updated: Schedule): Promise<ScheduleRequest> {
  // A permanent grant made time-bound (or moved to start later) may be the last working administrator.
  await moveSchedule(ctx, updated, false, (write) => keepingAdministrators(ctx.tx, ctx.key.tenantId, ctx.now, write));
  const request = newRequest(ctx, { status: 'Provisioned', targetScheduleId: schedule.id });
  const window = { startAt: updated.startAt, endAt: updated.endAt };
  const recorded = await recordRequest(ctx, request, requestActivity(ctx.key.kind, ctx.input.action, updated.endAt === null), window);
  // An eligibility ending earlier takes its activations' ends with it.
  await capDependents(ctx, updated);
  return recorded;
}

export async function update(ctx: RequestContext): Promise<ScheduleRequest> {
  const schedule = await target(ctx);
  const asked = windowOf(ctx.input.scheduleInfo, ctx.now, adminDefaultLength(ctx));
  // A grant already in effect keeps its start: history does not move.
  const startAt = schedule.startAt <= ctx.now ? schedule.startAt : asked.startAt;
  const window = { startAt, endAt: asked.endAt };
  if (window.endAt !== null && window.endAt <= Math.max(startAt, ctx.now)) {
    throw new DomainError('InvalidScheduleInfo', 'The new end must be in the future; use adminRemove to end an assignment now.');
  }
  checkPolicy(ctx, window);
  return apply(ctx, schedule, { ...schedule, ...window, modifiedAt: ctx.now });
}

export async function extend(ctx: RequestContext): Promise<ScheduleRequest> {
  const schedule = await target(ctx);
  if (schedule.endAt === null) throw new DomainError('Request_BadRequest', 'The assignment is permanent: there is nothing to extend.');
  // The new expiration counts from the grant's start, so `afterDuration` is its whole new length.
  const asked = windowOf({ ...ctx.input.scheduleInfo, startDateTime: schedule.startAt }, schedule.startAt, adminDefaultLength(ctx));
  const window = { startAt: schedule.startAt, endAt: asked.endAt };
  if (window.endAt !== null && window.endAt <= schedule.endAt) {
    throw new DomainError('InvalidScheduleInfo', 'An extension must end later than the assignment does now.');
  }
  checkPolicy(ctx, window);
  return apply(ctx, schedule, { ...schedule, endAt: window.endAt, modifiedAt: ctx.now });
}
