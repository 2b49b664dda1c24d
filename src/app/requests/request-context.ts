/** What every request action handler gets, loaded and checked once by submit-request. */
import type { AuditActor } from '../../domain/audit/event.ts';
import type { AssignmentKey, Principal, RequestSchedule, RoleDefinition, Schedule, ScheduleRequest } from '../../domain/model.ts';
import type { Window } from '../../domain/requests/window.ts';
import type { Instant } from '../../domain/time.ts';
import { auditRecord, principalTarget, requestDetails, requestTarget, roleTarget } from '../audit/record.ts';
import type { Caller } from '../caller.ts';
import { requestFacts } from '../ports/change-feed.ts';
import type { Ids } from '../ports/clock.ts';
import type { Policy, Repositories } from '../ports/repositories.ts';
import { scheduleExpiryReminders } from '../notifications/expiry-reminders.ts';
import { expireIfOverdue } from './end-schedule.ts';
import type { SubmitRequestInput } from './submit-request.ts';

export interface RequestContext {
  readonly tx: Repositories;
  readonly ids: Ids;
  readonly now: Instant;
  readonly caller: Caller;
  readonly actor: AuditActor;
  readonly input: SubmitRequestInput;
  readonly key: AssignmentKey;
  readonly principal: Principal;
  readonly role: RoleDefinition;
  readonly policy: Policy;
  /** The id the stored request will have. */
  readonly requestId: string;
}

/** The request record as it will be stored. */
export function newRequest(ctx: RequestContext, fields: Pick<ScheduleRequest, 'status' | 'targetScheduleId'> & Partial<ScheduleRequest>): ScheduleRequest {
  const i = ctx.input;
  return {
    ...ctx.key,
    id: ctx.requestId,
    action: i.action,
    justification: i.justification,
    ticketInfo: i.ticketInfo,
    scheduleInfo: i.scheduleInfo,
    isValidationOnly: i.isValidationOnly,
    approvalId: null,
    createdById: ctx.caller.principal.id,
    createdAt: ctx.now,
    completedAt: ctx.now,
    expiresAt: null,
    ...fields,
  };
}

/** A new open schedule for the request's key. */
export function newSchedule(ctx: RequestContext, window: Window, fields: Partial<Schedule> = {}): Schedule {
  return {
    ...ctx.key,
    id: ctx.ids.uuid(),
    assignmentType: ctx.key.kind === 'assignment' ? 'Assigned' : null,
    memberType: 'Direct',
    startAt: window.startAt,
    endAt: window.endAt,
    closed: false,
    closeReason: null,
    closedAt: null,
    createdUsing: ctx.requestId,
    sourceScheduleId: null,
    createdAt: ctx.now,
    modifiedAt: ctx.now,
    ...fields,
  };
}

/** Stores a schedule with its start and end on the timeline. */
export async function insertSchedule(ctx: RequestContext, schedule: Schedule): Promise<void> {
  await ctx.tx.schedules.insert(schedule);
  await scheduleTimeline(ctx, schedule);
  await ctx.tx.feed.append(schedule.tenantId, 'schedule.created', schedule.id, { schedule });
}

export async function scheduleTimeline(ctx: RequestContext, schedule: Schedule): Promise<void> {
  if (schedule.startAt > ctx.now) await ctx.tx.timeline.schedule(schedule.tenantId, 'scheduleStart', schedule.id, schedule.startAt);
  if (schedule.endAt !== null) await ctx.tx.timeline.schedule(schedule.tenantId, 'scheduleEnd', schedule.id, schedule.endAt);
  else await ctx.tx.timeline.unschedule('scheduleEnd', schedule.id);
  await scheduleExpiryReminders(ctx.tx, schedule, ctx.now);
}

/** Stores the request and its audit event. */
export async function recordRequest(ctx: RequestContext, request: ScheduleRequest, activity: string, window?: Window): Promise<ScheduleRequest> {
  await ctx.tx.requests.insert(request);
  await ctx.tx.audit.append(auditRecord(ctx.key.tenantId, ctx.actor, ctx.caller.correlationId, ctx.now, {
    activity,
    operationType: operationOf(request.action),
    targets: [roleTarget(ctx.role), principalTarget(ctx.principal), requestTarget(request)],
    details: requestDetails(request, window),
  }));
  await ctx.tx.feed.append(request.tenantId, 'request.created', request.id, requestFacts(request));
  return request;
}

/** The not-yet-closed schedule the request targets, closing it first if its time ran out. */
export async function currentTarget(ctx: RequestContext): Promise<Schedule | null> {
  const open = ctx.input.targetScheduleId
    ? await ctx.tx.schedules.get(ctx.key.tenantId, ctx.input.targetScheduleId)
    : await ctx.tx.schedules.findOpen(ctx.key);
  if (!open || open.closed || !sameKey(open, ctx.key)) return null;
  if (await expireIfOverdue({ tx: ctx.tx, now: ctx.now, actor: ctx.actor, correlationId: ctx.caller.correlationId }, open)) return null;
  return open;
}

/** The directoryAudit operationType of a request. */
function operationOf(action: ScheduleRequest['action']): 'Assign' | 'Unassign' | 'Update' {
  if (action === 'adminRemove' || action === 'selfDeactivate') return 'Unassign';
  if (action === 'adminAssign' || action === 'selfActivate') return 'Assign';
  return 'Update';
}

export const sameKey = (a: AssignmentKey, b: AssignmentKey): boolean =>
  a.tenantId === b.tenantId && a.kind === b.kind && a.principalId === b.principalId &&
  a.roleDefinitionId === b.roleDefinitionId && a.directoryScopeId === b.directoryScopeId;

export type { RequestSchedule };
