/**
 * What an approved request does, at the moment its last stage reaches quorum: an activation
 * starts (its time counted from the approval, or from the request if the policy says so), an
 * extension moves the end, a renewal makes a new grant. If the world changed while it waited (the
 * eligibility ended, another grant appeared) the request fails, with the reason audited.
 */
import { ACTIVITY, requestActivity } from '../../domain/audit/activities.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { Approval } from '../../domain/approvals/approval.ts';
import type { AssignmentKey, Principal, RoleDefinition, ScheduleRequest } from '../../domain/model.ts';
import { transition } from '../../domain/requests/lifecycle.ts';
import { windowOf, type Window } from '../../domain/requests/window.ts';
import { ruleOf, type PolicyRules } from '../../domain/policy/rules.ts';
import { parseDuration } from '../../domain/time.ts';
import { auditRecord, requestDetails, requesterTarget, requestTarget } from '../audit/record.ts';
import { requestFacts } from '../ports/change-feed.ts';
import { activationWindow } from './activation.ts';
import { findOpenClosingOverdue } from './find-open.ts';
import type { GrantContext } from './grant-context.ts';
import { insertSchedule, moveSchedule, newSchedule } from './schedules.ts';

/** The approved request and what it is about, as the approver's use case loaded them. */
export interface Approved {
  readonly request: ScheduleRequest;
  readonly approval: Approval;
  readonly principal: Principal;
  readonly role: RoleDefinition;
  /** The rules of the policy governing the request's role and scope now. */
  readonly rules: PolicyRules;
}

export async function grantApproved(ctx: GrantContext, approved: Approved): Promise<ScheduleRequest> {
  const { request, approval, rules } = approved;
  const { now } = ctx;
  const key: AssignmentKey = request;
  const base = approval.grantStartsAt === 'approval' ? now : request.createdAt;
  try {
    switch (request.action) {
      case 'selfActivate': {
        const { eligibility, window } = await activationWindow(ctx, key, rules, request.scheduleInfo, base);
        if (window.endAt !== null && window.endAt <= now) return fail(ctx, approved, 'the approved time had already passed when the approval landed');
        const schedule = newSchedule(ctx, key, request.id, window, { assignmentType: 'Activated', sourceScheduleId: eligibility.id });
        await insertSchedule(ctx, schedule);
        return finish(ctx, approved, window.startAt > now ? 'Granted' : 'Provisioned', schedule.id, ACTIVITY.activationCompleted, window);
      }
      case 'selfExtend': {
        const schedule = await findOpenClosingOverdue(ctx, key, request.targetScheduleId);
        if (!schedule || schedule.endAt === null) return fail(ctx, approved, 'the assignment to extend no longer exists');
        const endAt = windowOf({ ...request.scheduleInfo, startDateTime: schedule.startAt }, schedule.startAt, null).endAt;
        if (endAt === null || endAt <= schedule.endAt) return fail(ctx, approved, 'the assignment already ends later than the extension asked for');
        await moveSchedule(ctx, { ...schedule, endAt, modifiedAt: now }, true);
        return finish(ctx, approved, 'Provisioned', schedule.id, requestActivity(request.kind, 'adminExtend', false), { startAt: schedule.startAt, endAt });
      }
      case 'selfRenew': {
        if (await findOpenClosingOverdue(ctx, key)) return fail(ctx, approved, 'a current assignment already exists');
        const rule = ruleOf(rules, request.kind === 'eligibility' ? 'Expiration_Admin_Eligibility' : 'Expiration_Admin_Assignment', 'expiration');
        const window = windowOf(request.scheduleInfo, base, rule.isExpirationRequired ? parseDuration(rule.maximumDuration) : null);
        if (window.endAt !== null && window.endAt <= now) return fail(ctx, approved, 'the approved time had already passed when the approval landed');
        const last = await ctx.tx.schedules.findLastClosed(key);
        const schedule = newSchedule(ctx, key, request.id, window, {
          assignmentType: last?.assignmentType ?? (request.kind === 'assignment' ? 'Assigned' : null),
        });
        await insertSchedule(ctx, schedule);
        return finish(
          ctx,
          approved,
          window.startAt > now ? 'Granted' : 'Provisioned',
          schedule.id,
          requestActivity(request.kind, 'adminRenew', window.endAt === null),
          window,
        );
      }
      default:
        return fail(ctx, approved, `${request.action} does not go through approval`);
    }
  } catch (error) {
    if (isDomainError(error)) return fail(ctx, approved, error.message);
    throw error;
  }
}

async function finish(
  ctx: GrantContext,
  { request, principal, role }: Approved,
  status: 'Granted' | 'Provisioned',
  scheduleId: string,
  activity: string,
  window: Window,
) {
  const granted = await ctx.tx.requests.applyTransition(transition(request, status, ctx.now, scheduleId));
  await ctx.tx.audit.append(
    auditRecord(request.tenantId, ctx.actor, ctx.correlationId, ctx.now, {
      activity,
      operationType: 'Assign',
      targets: [
        { id: role.id, displayName: role.displayName, type: 'Role' },
        { id: request.principalId, displayName: principal.displayName, type: 'User' },
        requestTarget(request),
      ],
      details: requestDetails(granted, window),
    }),
  );
  return granted;
}

async function fail(ctx: GrantContext, { request, role }: Approved, reason: string): Promise<ScheduleRequest> {
  const failed = await ctx.tx.requests.applyTransition(transition(request, 'Failed', ctx.now));
  await ctx.tx.audit.append(
    auditRecord(request.tenantId, ctx.actor, ctx.correlationId, ctx.now, {
      activity: ACTIVITY.approvedRequestFailed,
      operationType: 'Update',
      result: 'failure',
      resultReason: reason,
      targets: [requestTarget(request), { id: role.id, displayName: role.displayName, type: 'Role' }, requesterTarget(request)],
      details: { RequestId: request.id, Reason: reason },
    }),
  );
  await ctx.tx.feed.append(request.tenantId, 'request.failed', request.id, { ...requestFacts(failed), reason });
  return failed;
}
