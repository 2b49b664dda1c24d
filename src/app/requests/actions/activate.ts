/**
 * selfActivate: turn an eligibility into an activation — at once, at a future start, or after an
 * approval when the policy asks for one (the request then waits as PendingApproval).
 */
import { ACTIVITY } from '../../../domain/audit/activities.ts';
import type { ScheduleRequest } from '../../../domain/model.ts';
import { needsApproval } from '../../../domain/requests/evaluate-policy.ts';
import { ruleOf } from '../../../domain/policy/rules.ts';
import { openApproval } from '../../approvals/open-approval.ts';
import { activationWindow } from '../../grants/activation.ts';
import { insertSchedule, newSchedule } from '../../grants/schedules.ts';
import { newRequest, recordRequest, type RequestContext } from '../request-context.ts';
import { checkPolicy } from './check-policy.ts';

export async function activate(ctx: RequestContext): Promise<ScheduleRequest> {
  const { eligibility, window } = await activationWindow(ctx, ctx.key, ctx.policy.rules, ctx.input.scheduleInfo, ctx.now);
  checkPolicy(ctx, window);
  if (needsApproval(ctx.policy.rules, 'selfActivate')) {
    const request = newRequest(ctx, { status: 'PendingApproval', targetScheduleId: null, approvalId: ctx.requestId, completedAt: null });
    await recordRequest(ctx, request, ACTIVITY.activationRequested, window);
    const settings = ruleOf(ctx.policy.rules, 'Approval_EndUser_Assignment', 'approval').setting;
    return (await openApproval(ctx.tx, request, settings, ctx.role.kind === 'directory', ctx.now)).request;
  }
  const schedule = newSchedule(ctx, ctx.key, ctx.requestId, window, { assignmentType: 'Activated', sourceScheduleId: eligibility.id });
  const request = newRequest(ctx, { status: window.startAt > ctx.now ? 'Granted' : 'Provisioned', targetScheduleId: schedule.id });
  await recordRequest(ctx, request, ACTIVITY.activationCompleted, window);
  await insertSchedule(ctx, schedule);
  return request;
}
