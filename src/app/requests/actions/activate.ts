/**
 * selfActivate: turn an eligibility into an activation — at once, at a future start, or after an
 * approval when the policy asks for one (the request then waits as PendingApproval).
 */
import { ACTIVITY } from '../../../domain/audit/activities.ts';
import { DomainError } from '../../../domain/errors.ts';
import { isInEffect, type Schedule, type ScheduleRequest } from '../../../domain/model.ts';
import { needsApproval } from '../../../domain/requests/evaluate-policy.ts';
import { windowOf, type Window } from '../../../domain/requests/window.ts';
import { ruleOf } from '../../../domain/policy/rules.ts';
import { parseDuration, type Instant } from '../../../domain/time.ts';
import { openApproval } from '../../approvals/open-approval.ts';
import { scopeAncestors } from '../../scopes/ancestry.ts';
import { expireIfOverdue } from '../end-schedule.ts';
import { currentTarget, insertSchedule, newRequest, newSchedule, recordRequest, type RequestContext } from '../request-context.ts';
import { checkPolicy } from './check-policy.ts';

export async function activate(ctx: RequestContext): Promise<ScheduleRequest> {
  const { eligibility, window } = await activationWindow(ctx, ctx.now);
  checkPolicy(ctx, window);
  if (needsApproval(ctx.policy.rules, 'selfActivate')) {
    const request = newRequest(ctx, { status: 'PendingApproval', targetScheduleId: null, approvalId: ctx.requestId, completedAt: null });
    await recordRequest(ctx, request, ACTIVITY.activationRequested, window);
    const settings = ruleOf(ctx.policy.rules, 'Approval_EndUser_Assignment', 'approval').setting;
    return (await openApproval(ctx.tx, request, settings, ctx.role.kind === 'directory', ctx.now)).request;
  }
  const schedule = newSchedule(ctx, window, { assignmentType: 'Activated', sourceScheduleId: eligibility.id });
  const request = newRequest(ctx, { status: window.startAt > ctx.now ? 'Granted' : 'Provisioned', targetScheduleId: schedule.id });
  await recordRequest(ctx, request, ACTIVITY.activationCompleted, window);
  await insertSchedule(ctx, schedule);
  return request;
}

const usable = (e: Schedule | null, now: Instant): e is Schedule => e !== null && !e.closed && (isInEffect(e, now) || e.startAt > now);

/**
 * The eligibility an activation comes from: the principal's own at this scope; else one at an
 * ancestor scope (the activation narrows it to a child, docs/api.md "Scopes" — nearest first); else
 * one held by a group the principal is in now (group-derived eligibility, memberType Group). The
 * first that is current or yet to start wins; an overdue one is closed on the way.
 */
async function eligibilityFor(ctx: RequestContext): Promise<Schedule | null> {
  const { tx, now, key } = ctx;
  const end = { tx, now, actor: ctx.actor, correlationId: ctx.caller.correlationId };
  const own = await tx.schedules.findOpen({ ...key, kind: 'eligibility' });
  if (own && !(await expireIfOverdue(end, own)) && usable(own, now)) return own;
  const ancestors = await scopeAncestors(tx, key.tenantId, key.directoryScopeId);
  const holders = [key.principalId, ...(await tx.principals.groupsOf(key.tenantId, key.principalId, now))];
  const found = await tx.schedules.eligibilitiesAt(key.tenantId, holders, key.roleDefinitionId, ancestors, now);
  const rank = (e: Schedule) => (e.principalId === key.principalId ? 0 : 1000) + ancestors.indexOf(e.directoryScopeId);
  return found.filter((e) => usable(e, now)).sort((a, b) => rank(a) - rank(b))[0] ?? null;
}

/**
 * The eligibility an activation comes from and the window it gets, counting the requested
 * duration from `base` (now, or when an approval landed). Refuses a second activation.
 */
export async function activationWindow(ctx: RequestContext, base: Instant): Promise<{ eligibility: Schedule; window: Window }> {
  const eligibility = await eligibilityFor(ctx);
  if (!eligibility) throw new DomainError('RoleAssignmentDoesNotExist', 'You are not eligible for this role at this scope.');
  const maximum = parseDuration(ruleOf(ctx.policy.rules, 'Expiration_EndUser_Assignment', 'expiration').maximumDuration);
  const asked = windowOf(ctx.input.scheduleInfo, base, maximum);
  if (asked.startAt < eligibility.startAt) {
    throw new DomainError('InvalidScheduleInfo', 'The activation would start before the eligibility does.');
  }
  // An activation never outlives the eligibility it comes from.
  const endAt = eligibility.endAt !== null && (asked.endAt === null || asked.endAt > eligibility.endAt) ? eligibility.endAt : asked.endAt;
  if (await currentTarget(ctx)) throw new DomainError('RoleAssignmentExists', 'The role assignment already exists.');
  return { eligibility, window: { startAt: asked.startAt, endAt } };
}
