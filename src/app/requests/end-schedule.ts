/**
 * Ending a schedule, whoever does it (an admin, its holder, the timeline): close it, and when it
 * is an eligibility also end the activations made from it and cancel requests waiting on it
 * (PRODUCT §2). Every step is audited in the caller's transaction.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import type { AuditActor } from '../../domain/audit/event.ts';
import { type CloseReason, type Schedule } from '../../domain/model.ts';
import type { Instant } from '../../domain/time.ts';
import { auditRecord, requestTarget } from '../audit/record.ts';
import type { Repositories } from '../ports/repositories.ts';

export interface EndContext {
  readonly tx: Repositories;
  readonly now: Instant;
  readonly actor: AuditActor;
  readonly correlationId: string;
}

/** Closes one schedule (no audit: the caller records why) and drops its pending timeline items. */
export async function closeSchedule(ctx: EndContext, schedule: Schedule, reason: CloseReason): Promise<Schedule> {
  const closed: Schedule = { ...schedule, closed: true, closeReason: reason, closedAt: ctx.now, modifiedAt: ctx.now };
  await ctx.tx.schedules.update(closed);
  await ctx.tx.timeline.unschedule('scheduleEnd', schedule.id);
  await ctx.tx.timeline.unschedule('scheduleStart', schedule.id);
  await ctx.tx.feed.append(schedule.tenantId, 'schedule.closed', schedule.id, { kind: schedule.kind, reason, principalId: schedule.principalId });
  return closed;
}

/** When an eligibility ends: its activations end and requests to activate it are canceled. */
export async function endDependents(ctx: EndContext, eligibility: Schedule): Promise<void> {
  if (eligibility.kind !== 'eligibility') return;
  for (const activation of await ctx.tx.schedules.activationsFrom(eligibility.tenantId, eligibility.id)) {
    await closeSchedule(ctx, activation, 'sourceEnded');
    await ctx.tx.audit.append(auditRecord(eligibility.tenantId, ctx.actor, ctx.correlationId, ctx.now, {
      activity: ACTIVITY.endedWithEligibility,
      operationType: 'Unassign',
      targets: [{ id: activation.roleDefinitionId, displayName: null, type: 'Role' }, { id: activation.principalId, displayName: null, type: 'User' }],
      details: { ScheduleId: activation.id, EligibilityScheduleId: eligibility.id },
    }));
  }
  const key = { ...eligibility, kind: 'assignment' as const };
  for (const pending of await ctx.tx.requests.pendingFor(key)) {
    if (pending.action !== 'selfActivate') continue;
    await ctx.tx.requests.setStatus(pending, 'Canceled', ctx.now);
    await ctx.tx.timeline.unschedule('requestTimeout', pending.id);
    await ctx.tx.audit.append(auditRecord(eligibility.tenantId, ctx.actor, ctx.correlationId, ctx.now, {
      activity: ACTIVITY.requestCanceledWithEligibility,
      operationType: 'Update',
      targets: [requestTarget(pending)],
      details: { RequestId: pending.id, EligibilityScheduleId: eligibility.id },
    }));
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
export async function expireIfOverdue(ctx: EndContext, schedule: Schedule | null): Promise<boolean> {
  if (!schedule || schedule.closed || schedule.endAt === null || schedule.endAt > ctx.now) return false;
  await closeSchedule(ctx, schedule, 'expired');
  await ctx.tx.audit.append(auditRecord(schedule.tenantId, ctx.actor, ctx.correlationId, ctx.now, {
    activity: expiryActivity(schedule),
    operationType: 'Unassign',
    targets: [{ id: schedule.roleDefinitionId, displayName: null, type: 'Role' }, { id: schedule.principalId, displayName: null, type: 'User' }],
    details: { ScheduleId: schedule.id, EndDateTime: new Date(schedule.endAt).toISOString(), DirectoryScopeId: schedule.directoryScopeId },
  }));
  await endDependents(ctx, schedule);
  return true;
}
