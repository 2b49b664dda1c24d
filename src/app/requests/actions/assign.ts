/** adminAssign (a new grant) and adminRenew (a new grant after one expired). */
import { requestActivity } from '../../../domain/audit/activities.ts';
import { DomainError } from '../../../domain/errors.ts';
import type { ScheduleRequest } from '../../../domain/model.ts';
import { windowOf } from '../../../domain/requests/window.ts';
import { findOpenClosingOverdue } from '../../grants/find-open.ts';
import { insertSchedule, newSchedule } from '../../grants/schedules.ts';
import { newRequest, recordRequest, type RequestContext } from '../request-context.ts';
import { adminDefaultLength, checkPolicy } from './check-policy.ts';

export async function assign(ctx: RequestContext): Promise<ScheduleRequest> {
  const window = windowOf(ctx.input.scheduleInfo, ctx.now, adminDefaultLength(ctx));
  checkPolicy(ctx, window);
  if (await findOpenClosingOverdue(ctx, ctx.key, ctx.input.targetScheduleId))
    throw new DomainError('RoleAssignmentExists', 'The role assignment already exists.');
  const schedule = newSchedule(ctx, ctx.key, ctx.requestId, window);
  const request = newRequest(ctx, { status: window.startAt > ctx.now ? 'Granted' : 'Provisioned', targetScheduleId: schedule.id });
  await recordRequest(ctx, request, requestActivity(ctx.key.kind, 'adminAssign', window.endAt === null), window);
  await insertSchedule(ctx, schedule);
  return request;
}

export async function renew(ctx: RequestContext): Promise<ScheduleRequest> {
  if (await findOpenClosingOverdue(ctx, ctx.key, ctx.input.targetScheduleId)) {
    throw new DomainError('RoleAssignmentExists', 'The assignment has not expired: extend it instead of renewing it.');
  }
  const last = await ctx.tx.schedules.findLastClosed(ctx.key);
  if (!last || last.closeReason !== 'expired') {
    throw new DomainError('RoleAssignmentDoesNotExist', 'There is no expired assignment of this role to renew.');
  }
  const window = windowOf(ctx.input.scheduleInfo, ctx.now, adminDefaultLength(ctx));
  checkPolicy(ctx, window);
  const schedule = newSchedule(ctx, ctx.key, ctx.requestId, window, { assignmentType: last.assignmentType });
  const request = newRequest(ctx, { status: window.startAt > ctx.now ? 'Granted' : 'Provisioned', targetScheduleId: schedule.id });
  await recordRequest(ctx, request, requestActivity(ctx.key.kind, 'adminRenew', window.endAt === null), window);
  await insertSchedule(ctx, schedule);
  return request;
}
