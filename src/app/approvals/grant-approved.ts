/**
 * What an approved request does, at the moment its last stage reaches quorum: an activation
 * starts (its time counted from the approval, or from the request if the policy says so), an
 * extension moves the end, a renewal makes a new grant. If the world changed while it waited (the
 * eligibility ended, another grant appeared) the request fails, with the reason audited.
 */
import { ACTIVITY, requestActivity } from '../../domain/audit/activities.ts';
import type { AuditActor } from '../../domain/audit/event.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { Approval } from '../../domain/approvals/approval.ts';
import type { ScheduleRequest } from '../../domain/model.ts';
import { windowOf } from '../../domain/requests/window.ts';
import { ruleOf } from '../../domain/policy/rules.ts';
import { parseDuration } from '../../domain/time.ts';
import { auditRecord, requestDetails, requesterTarget, requestTarget } from '../audit/record.ts';
import type { Caller } from '../caller.ts';
import { requestFacts } from '../ports/change-feed.ts';
import type { Ids } from '../ports/clock.ts';
import type { Repositories } from '../ports/repositories.ts';
import { resolvePolicy } from '../policies/resolve-policy.ts';
import { activationWindow } from '../requests/actions/activate.ts';
import { currentTarget, insertSchedule, newSchedule, scheduleTimeline, type RequestContext } from '../requests/request-context.ts';

export async function grantApproved(
  tx: Repositories,
  ids: Ids,
  approver: Caller,
  actor: AuditActor,
  request: ScheduleRequest,
  approval: Approval,
  now: number,
): Promise<ScheduleRequest> {
  const [principal, role] = await Promise.all([tx.principals.get(request.tenantId, request.principalId), tx.roles.get(request.tenantId, request.roleDefinitionId)]);
  const policy = await resolvePolicy(tx, request.tenantId, request.roleDefinitionId, request.directoryScopeId);
  const ctx: RequestContext = {
    tx, ids, now, caller: approver, actor, requestId: request.id, principal: principal!, role: role!, policy,
    key: { tenantId: request.tenantId, kind: request.kind, principalId: request.principalId, roleDefinitionId: request.roleDefinitionId, directoryScopeId: request.directoryScopeId },
    input: { ...request, isValidationOnly: false },
  };
  const base = approval.grantStartsAt === 'approval' ? now : request.createdAt;
  try {
    switch (request.action) {
      case 'selfActivate': {
        const { eligibility, window } = await activationWindow(ctx, base);
        if (window.endAt !== null && window.endAt <= now) return fail(ctx, request, 'the approved time had already passed when the approval landed');
        const schedule = newSchedule(ctx, window, { assignmentType: 'Activated', sourceScheduleId: eligibility.id });
        await insertSchedule(ctx, schedule);
        return finish(ctx, request, window.startAt > now ? 'Granted' : 'Provisioned', schedule.id, ACTIVITY.activationCompleted, window);
      }
      case 'selfExtend': {
        const schedule = await currentTarget({ ...ctx, input: { ...ctx.input, targetScheduleId: request.targetScheduleId } });
        if (!schedule || schedule.endAt === null) return fail(ctx, request, 'the assignment to extend no longer exists');
        const endAt = windowOf({ ...request.scheduleInfo, startDateTime: schedule.startAt }, schedule.startAt, null).endAt;
        if (endAt === null || endAt <= schedule.endAt) return fail(ctx, request, 'the assignment already ends later than the extension asked for');
        const updated = { ...schedule, endAt, modifiedAt: now };
        await tx.schedules.update(updated);
        await scheduleTimeline(ctx, updated);
        await tx.feed.append(request.tenantId, 'schedule.updated', updated.id, { schedule: updated, extended: true });
        return finish(ctx, request, 'Provisioned', schedule.id, requestActivity(request.kind, 'adminExtend', false), { startAt: updated.startAt, endAt });
      }
      case 'selfRenew': {
        if (await currentTarget({ ...ctx, input: { ...ctx.input, targetScheduleId: null } })) return fail(ctx, request, 'a current assignment already exists');
        const rule = ruleOf(policy.rules, request.kind === 'eligibility' ? 'Expiration_Admin_Eligibility' : 'Expiration_Admin_Assignment', 'expiration');
        const window = windowOf(request.scheduleInfo, base, rule.isExpirationRequired ? parseDuration(rule.maximumDuration) : null);
        if (window.endAt !== null && window.endAt <= now) return fail(ctx, request, 'the approved time had already passed when the approval landed');
        const last = await tx.schedules.findLastClosed(ctx.key);
        const schedule = newSchedule(ctx, window, { assignmentType: last?.assignmentType ?? (request.kind === 'assignment' ? 'Assigned' : null) });
        await insertSchedule(ctx, schedule);
        return finish(ctx, request, window.startAt > now ? 'Granted' : 'Provisioned', schedule.id, requestActivity(request.kind, 'adminRenew', window.endAt === null), window);
      }
      default:
        return fail(ctx, request, `${request.action} does not go through approval`);
    }
  } catch (error) {
    if (isDomainError(error)) return fail(ctx, request, error.message);
    throw error;
  }
}

async function finish(ctx: RequestContext, request: ScheduleRequest, status: 'Granted' | 'Provisioned', scheduleId: string, activity: string, window: { startAt: number; endAt: number | null }) {
  const granted = await ctx.tx.requests.setStatus(request, status, ctx.now, scheduleId);
  await ctx.tx.audit.append(auditRecord(request.tenantId, ctx.actor, ctx.caller.correlationId, ctx.now, {
    activity, operationType: 'Assign',
    targets: [{ id: ctx.role.id, displayName: ctx.role.displayName, type: 'Role' }, { id: request.principalId, displayName: ctx.principal.displayName, type: 'User' }, requestTarget(request)],
    details: requestDetails(granted, window),
  }));
  return granted;
}

async function fail(ctx: RequestContext, request: ScheduleRequest, reason: string): Promise<ScheduleRequest> {
  const failed = await ctx.tx.requests.setStatus(request, 'Failed', ctx.now);
  await ctx.tx.audit.append(auditRecord(request.tenantId, ctx.actor, ctx.caller.correlationId, ctx.now, {
    activity: ACTIVITY.approvedRequestFailed, operationType: 'Update', result: 'failure', resultReason: reason,
    targets: [requestTarget(request), { id: ctx.role.id, displayName: ctx.role.displayName, type: 'Role' }, requesterTarget(request)],
    details: { RequestId: request.id, Reason: reason },
  }));
  await ctx.tx.feed.append(request.tenantId, 'request.failed', request.id, { ...requestFacts(failed), reason });
  return failed;
}
