/**
 * selfActivate: turn an eligibility into an activation — at once, at a future start, or after an
 * approval when the policy asks for one (the request then waits as PendingApproval).
 */
import { ACTIVITY } from '../../../domain/audit/activities.ts';
import { DomainError } from '../../../domain/errors.ts';
import { isInEffect, type ScheduleRequest } from '../../../domain/model.ts';
import { needsApproval } from '../../../domain/requests/evaluate-policy.ts';
import { windowOf } from '../../../domain/requests/window.ts';
import { ruleOf } from '../../../domain/policy/rules.ts';
import { DAY, parseDuration } from '../../../domain/time.ts';
import { expireIfOverdue } from '../end-schedule.ts';
import { currentTarget, insertSchedule, newRequest, newSchedule, recordRequest, type RequestContext } from '../request-context.ts';
import { checkPolicy } from './check-policy.ts';

export async function activate(ctx: RequestContext): Promise<ScheduleRequest> {
  const { tx, now } = ctx;
  const eligibility = await tx.schedules.findOpen({ ...ctx.key, kind: 'eligibility' });
  await expireIfOverdue({ tx, now, actor: ctx.actor, correlationId: ctx.caller.correlationId }, eligibility);
  if (!eligibility || eligibility.closed || !isInEffect(eligibility, now) && !(eligibility.startAt > now)) {
    throw new DomainError('RoleAssignmentDoesNotExist', 'You are not eligible for this role at this scope.');
  }
  const maximum = parseDuration(ruleOf(ctx.policy.rules, 'Expiration_EndUser_Assignment', 'expiration').maximumDuration);
  const asked = windowOf(ctx.input.scheduleInfo, now, maximum);
  if (asked.startAt < eligibility.startAt) {
    throw new DomainError('InvalidScheduleInfo', 'The activation would start before the eligibility does.');
  }
  // An activation never outlives the eligibility it comes from.
  const endAt = eligibility.endAt !== null && (asked.endAt === null || asked.endAt > eligibility.endAt) ? eligibility.endAt : asked.endAt;
  const window = { startAt: asked.startAt, endAt };
  checkPolicy(ctx, window);
  if (await currentTarget(ctx)) throw new DomainError('RoleAssignmentExists', 'The role assignment already exists.');

  if (needsApproval(ctx.policy.rules, 'selfActivate')) {
    const stages = ruleOf(ctx.policy.rules, 'Approval_EndUser_Assignment', 'approval').setting.approvalStages;
    const expiresAt = now + (stages[0]?.approvalStageTimeOutInDays ?? 1) * DAY;
    const request = newRequest(ctx, { status: 'PendingApproval', targetScheduleId: null, approvalId: ctx.requestId, completedAt: null, expiresAt });
    await recordRequest(ctx, request, ACTIVITY.activationRequested, window);
    await tx.timeline.schedule(ctx.key.tenantId, 'requestTimeout', request.id, expiresAt);
    return request;
  }
  const schedule = newSchedule(ctx, window, { assignmentType: 'Activated', sourceScheduleId: eligibility.id });
  const request = newRequest(ctx, { status: window.startAt > now ? 'Granted' : 'Provisioned', targetScheduleId: schedule.id });
  await recordRequest(ctx, request, ACTIVITY.activationCompleted, window);
  await insertSchedule(ctx, schedule);
  return request;
}
