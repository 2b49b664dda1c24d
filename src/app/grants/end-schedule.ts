/**
 * Ending a schedule, whoever does it (an admin, its holder, the timeline): close it, and when it
 * is an eligibility also end the activations made from it and cancel requests waiting on it
 * (docs/guide.md, "Requests" and "Rules that always hold"). Every step is audited in the caller's
 * transaction.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { type CloseReason, type Schedule } from '../../domain/model.ts';
import { transition } from '../../domain/requests/lifecycle.ts';
import { auditRecord, requesterTarget, requestTarget } from '../audit/record.ts';
import { requestFacts } from '../ports/change-feed.ts';
import { endApprovalOf } from '../approvals/open-approval.ts';
import type { GrantContext } from './grant-context.ts';
import { moveSchedule } from './schedules.ts';

/** Closes one schedule (no audit: the caller records why) and drops its pending timeline items. */
export async function closeSchedule(ctx: GrantContext, schedule: Schedule, reason: CloseReason): Promise<Schedule> {
  const closed: Schedule = { ...schedule, closed: true, closeReason: reason, closedAt: ctx.now, modifiedAt: ctx.now };
  await ctx.tx.schedules.update(closed);
  await ctx.tx.timeline.unschedule('scheduleEnd', schedule.id);
  await ctx.tx.timeline.unschedule('scheduleStart', schedule.id);
  await ctx.tx.feed.append(schedule.tenantId, 'schedule.closed', schedule.id, { schedule: closed, reason });
  return closed;
}

/**
 * When an eligibility ends: its activations end, activations granted for later are withdrawn
 * with their requests, and requests to activate it are canceled.
 */
export async function endDependents(ctx: GrantContext, eligibility: Schedule): Promise<void> {
  if (eligibility.kind !== 'eligibility') return;
  for (const activation of await ctx.tx.schedules.activationsFrom(eligibility.tenantId, eligibility.id)) {
    if (activation.startAt > ctx.now) {
      await withdrawFutureActivation(ctx, activation, eligibility.id);
      continue;
    }
    await closeSchedule(ctx, activation, 'sourceEnded');
    await ctx.tx.audit.append(
      auditRecord(eligibility.tenantId, ctx.actor, ctx.correlationId, ctx.now, {
        activity: ACTIVITY.endedWithEligibility,
        operationType: 'Unassign',
        targets: [
          { id: activation.roleDefinitionId, displayName: null, type: 'Role' },
          { id: activation.principalId, displayName: null, type: 'User' },
        ],
        details: { ScheduleId: activation.id, EligibilityScheduleId: eligibility.id },
      }),
    );
  }
  const key = { ...eligibility, kind: 'assignment' as const };
  for (const pending of await ctx.tx.requests.pendingFor(key)) {
    if (pending.action !== 'selfActivate') continue;
    const canceled = await ctx.tx.requests.applyTransition(transition(pending, 'Canceled', ctx.now));
    await ctx.tx.timeline.unschedule('requestTimeout', pending.id);
    await endApprovalOf(ctx.tx, pending, 'Canceled', ctx.now);
    await ctx.tx.audit.append(
      auditRecord(eligibility.tenantId, ctx.actor, ctx.correlationId, ctx.now, {
        activity: ACTIVITY.requestCanceledWithEligibility,
        operationType: 'Update',
        targets: [requestTarget(pending), requesterTarget(pending)],
        details: { RequestId: pending.id, EligibilityScheduleId: eligibility.id },
      }),
    );
    await ctx.tx.feed.append(pending.tenantId, 'request.canceled', pending.id, requestFacts(canceled));
  }
}

/** An activation granted for later whose eligibility is gone: it never starts and its request is Canceled. */
async function withdrawFutureActivation(ctx: GrantContext, activation: Schedule, eligibilityId: string): Promise<void> {
  await closeSchedule(ctx, activation, 'canceled');
  for (const request of await ctx.tx.requests.byTargetSchedule(activation.tenantId, activation.id)) {
    if (request.status !== 'Granted') continue;
    const canceled = await ctx.tx.requests.applyTransition(transition(request, 'Canceled', ctx.now));
    await ctx.tx.audit.append(
      auditRecord(activation.tenantId, ctx.actor, ctx.correlationId, ctx.now, {
        activity: ACTIVITY.requestCanceledWithEligibility,
        operationType: 'Update',
        targets: [requestTarget(request), requesterTarget(request)],
        details: { RequestId: request.id, EligibilityScheduleId: eligibilityId },
      }),
    );
    await ctx.tx.feed.append(request.tenantId, 'request.canceled', request.id, requestFacts(canceled));
  }
}

/**
 * When an eligibility's end moves earlier (adminUpdate): its activations end no later than it
 * does, so access checks — which compare the activation's own end with the clock — stop granting
 * at the eligibility's end even before the timeline runs.
 */
export async function capDependents(ctx: GrantContext, eligibility: Schedule): Promise<void> {
  if (eligibility.kind !== 'eligibility' || eligibility.endAt === null) return;
  const endAt = eligibility.endAt;
  for (const activation of await ctx.tx.schedules.activationsFrom(eligibility.tenantId, eligibility.id)) {
    if (activation.endAt !== null && activation.endAt <= endAt) continue;
    if (activation.startAt >= endAt) {
      await withdrawFutureActivation(ctx, activation, eligibility.id);
      continue;
    }
    await moveSchedule(ctx, { ...activation, endAt, modifiedAt: ctx.now }, false);
    await ctx.tx.audit.append(
      auditRecord(eligibility.tenantId, ctx.actor, ctx.correlationId, ctx.now, {
        activity: ACTIVITY.shortenedWithEligibility,
        operationType: 'Update',
        targets: [
          { id: activation.roleDefinitionId, displayName: null, type: 'Role' },
          { id: activation.principalId, displayName: null, type: 'User' },
        ],
        details: { ScheduleId: activation.id, EligibilityScheduleId: eligibility.id, EndDateTime: new Date(endAt).toISOString() },
      }),
    );
  }
}

/** The activity recorded when a schedule's time runs out. */
export function expiryActivity(s: Schedule): string {
  if (s.kind === 'eligibility') return ACTIVITY.eligibilityExpired;
  return s.assignmentType === 'Activated' ? ACTIVITY.activationExpired : ACTIVITY.assignmentExpired;
}

/**
 * Closes a schedule whose end has passed, with its audit event and dependents. Returns whether it
 * did anything. Used by the timeline and, inline, by any use case that meets an overdue schedule
 * before the timeline has: either way the expiry is recorded exactly once.
 */
export async function expireIfOverdue(ctx: GrantContext, schedule: Schedule | null): Promise<boolean> {
  if (!schedule || schedule.closed || schedule.endAt === null || schedule.endAt > ctx.now) return false;
  await closeSchedule(ctx, schedule, 'expired');
  await ctx.tx.audit.append(
    auditRecord(schedule.tenantId, ctx.actor, ctx.correlationId, ctx.now, {
      activity: expiryActivity(schedule),
      operationType: 'Unassign',
      targets: [
        { id: schedule.roleDefinitionId, displayName: null, type: 'Role' },
        { id: schedule.principalId, displayName: null, type: 'User' },
      ],
      details: { ScheduleId: schedule.id, EndDateTime: new Date(schedule.endAt).toISOString(), DirectoryScopeId: schedule.directoryScopeId },
    }),
  );
  await endDependents(ctx, schedule);
  return true;
}
