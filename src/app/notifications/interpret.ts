/**
 * From a change-feed row to a notification event: looks up the request, grant, people, role and
 * governing policy the planner needs. Rows that concern nobody (a group created, a policy edited)
 * and events already overtaken (an approval request decided before we got to it) give null.
 */
import { currentStage } from '../../domain/approvals/approval.ts';
import type { RoleDefinition, Schedule, ScheduleRequest } from '../../domain/model.ts';
import type { PolicyRules } from '../../domain/policy/rules.ts';
import type { Instant } from '../../domain/time.ts';
import { unhandled, type FeedEvent } from '../ports/change-feed.ts';
import type { ReadRepositories } from '../ports/repositories.ts';
import { resolvePolicy } from '../policies/resolve-policy.ts';
import { contextOfRequest, contextOfSchedule, type NotificationEvent, type NotificationParams } from './events.ts';
import { peopleByIds, personById, privilegedAdmins } from './people.ts';
import { findRequestOfAnyKind } from '../queries/requests.ts';

export interface Interpreted {
  readonly event: NotificationEvent;
  /** The governing policy's rules; null for a tenant alert that no role's policy governs. */
  readonly rules: PolicyRules | null;
}

/** What turning a row into an event reads: the request or grant, its approval, people, role, scope and policy. */
export type EventReads = ReadRepositories<'approvals' | 'requests' | 'schedules' | 'principals' | 'roles' | 'scopes' | 'policies'>;

type Subject = { tenantId: string; roleDefinitionId: string; directoryScopeId: string; principalId: string };

/** Role, scope and principal names and the policy, common to every event. */
async function basics(read: EventReads, s: Subject) {
  const [role, scope, principal, policy] = await Promise.all([
    read.roles.get(s.tenantId, s.roleDefinitionId),
    read.scopes.get(s.tenantId, s.directoryScopeId),
    read.principals.get(s.tenantId, s.principalId),
    resolvePolicy(read, s.tenantId, s.roleDefinitionId, s.directoryScopeId),
  ]);
  const params: Omit<NotificationParams, 'audience'> = {
    roleName: role?.displayName ?? s.roleDefinitionId,
    scopeName: scope ? (scope.id === '/' ? `${scope.displayName} (/)` : scope.displayName) : s.directoryScopeId,
    principalName: principal?.displayName ?? s.principalId,
  };
  return { role, params, rules: policy.rules };
}

const requestParams = (r: ScheduleRequest): Omit<NotificationParams, 'audience'> => ({
  kind: r.kind,
  action: r.action,
  requestId: r.id,
  justification: r.justification,
  ticketNumber: r.ticketInfo.ticketNumber,
  ticketSystem: r.ticketInfo.ticketSystem,
});

const scheduleParams = (s: Schedule): Omit<NotificationParams, 'audience'> => ({
  kind: s.kind,
  assignmentType: s.assignmentType,
  startAt: s.startAt,
  endAt: s.endAt,
});

const isPrivileged = (role: RoleDefinition | null) => role?.isPrivileged ?? false;

type Outcome = Extract<FeedEvent, { topic: 'request.approved' | 'request.denied' | 'request.timedOut' | 'request.failed' }>;
const OUTCOMES = { 'request.approved': 'approved', 'request.denied': 'denied', 'request.timedOut': 'timedOut', 'request.failed': 'failed' } as const;

/** The notification event a change-feed row stands for, or null when it concerns nobody (any more). */
export async function interpret(read: EventReads, row: FeedEvent, now: Instant): Promise<Interpreted | null> {
  switch (row.topic) {
    case 'breakGlass.used':
      return breakGlassEvent(read, row, now);
    case 'approval.pending':
      return approvalNeeded(read, row);
    case 'request.approved':
    case 'request.denied':
    case 'request.timedOut':
    case 'request.failed':
      return outcome(read, row);
    case 'request.created': {
      if (row.payload.action !== 'adminExtend') return null;
      const request = await findRequestOfAnyKind(read, row.tenantId, row.entityId);
      const schedule = request?.targetScheduleId ? await read.schedules.get(row.tenantId, request.targetScheduleId) : null;
      if (!request || !schedule || request.status !== 'Provisioned') return null;
      return grantEvent(read, 'extended', `request:${request.id}`, schedule, false, now);
    }
    case 'schedule.created': {
      const schedule = await read.schedules.get(row.tenantId, row.entityId);
      if (!schedule) return null;
      return grantEvent(read, schedule.assignmentType === 'Activated' ? 'activated' : 'assigned', `schedule:${schedule.id}`, schedule, true, now);
    }
    case 'schedule.closed': {
      // Activations end every few hours: their holders are not told each time.
      const schedule = await read.schedules.get(row.tenantId, row.entityId);
      if (!schedule || schedule.assignmentType === 'Activated' || row.payload.reason !== 'expired') return null;
      return grantEvent(read, 'expired', `schedule:${schedule.id}`, schedule, false, now);
    }
    case 'schedule.expiring': {
      const schedule = await read.schedules.get(row.tenantId, row.entityId);
      const within = row.payload.within === '1d' ? '1d' : '14d';
      if (!schedule || schedule.assignmentType === 'Activated' || schedule.closed || schedule.endAt === null || schedule.endAt <= now) return null;
      const interpreted = await grantEvent(read, 'expiring', `schedule:${schedule.id}:${schedule.endAt}:${within}`, schedule, false, now);
      return interpreted && { ...interpreted, event: { ...interpreted.event, params: { ...interpreted.event.params, within } } };
    }
    // Nobody is told of these.
    case 'tenant.created':
    case 'principal.created':
    case 'principal.updated':
    case 'group.memberAdded':
    case 'group.memberRemoved':
    case 'role.created':
    case 'role.updated':
    case 'role.deleted':
    case 'scope.created':
    case 'policy.created':
    case 'policy.updated':
    case 'schedule.updated':
    case 'schedule.started':
    case 'request.canceled':
      return null;
    default:
      return unhandled(row);
  }
}

/** A stage is waiting: its approvers hear, unless the request moved on before we got to it. */
async function approvalNeeded(read: EventReads, row: Extract<FeedEvent, { topic: 'approval.pending' }>): Promise<Interpreted | null> {
  const { tenantId, payload } = row;
  const approval = await read.approvals.get(tenantId, row.entityId);
  const request = approval && (await read.requests.get(tenantId, approval.kind, approval.requestId));
  const stage = payload.stage;
  if (!approval || !request || request.status !== 'PendingApproval' || currentStage(approval)?.index !== stage - 1) return null;
  const { params, rules, role } = await basics(read, request);
  return {
    rules,
    event: {
      tenantId,
      type: 'approvalNeeded',
      key: `approval:${approval.id}:${stage}`,
      context: contextOfRequest(request.action, request.kind),
      privilegedRole: isPrivileged(role),
      params: {
        ...params,
        ...requestParams(request),
        approvalId: approval.id,
        stepId: String(stage),
        stages: approval.stages.length,
        escalation: payload.escalation === true,
        expiresAt: request.expiresAt,
      },
      audiences: { Approver: await peopleByIds(read, tenantId, payload.approverIds) },
    },
  };
}

/** A request was decided (or ran out of time, or failed): its requester hears. */
async function outcome(read: EventReads, row: Outcome): Promise<Interpreted | null> {
  const { tenantId } = row;
  const request = await findRequestOfAnyKind(read, tenantId, row.entityId);
  if (!request) return null;
  const { params, rules, role } = await basics(read, request);
  const approverId = row.topic === 'request.approved' || row.topic === 'request.denied' ? row.payload.approverId : null;
  const approver = approverId ? await read.principals.get(tenantId, approverId) : null;
  const schedule = request.targetScheduleId ? await read.schedules.get(tenantId, request.targetScheduleId) : null;
  const requester = await personById(read, tenantId, request.principalId);
  return {
    rules,
    event: {
      tenantId,
      type: OUTCOMES[row.topic],
      key: `request:${request.id}`,
      context: contextOfRequest(request.action, request.kind),
      privilegedRole: isPrivileged(role),
      params: {
        ...params,
        ...requestParams(request),
        ...(schedule ? { startAt: schedule.startAt, endAt: schedule.endAt } : {}),
        approverName: approver?.displayName ?? null,
        approverJustification: row.topic === 'request.denied' ? row.payload.justification : null,
        reason: row.topic === 'request.failed' ? row.payload.reason : null,
      },
      audiences: { Requestor: requester ? [requester] : [] },
    },
  };
}

/** A grant was made, activated, extended, is expiring or expired: its holder hears, and for new grants the admins. */
async function grantEvent(
  read: EventReads,
  type: 'activated' | 'assigned' | 'extended' | 'expiring' | 'expired',
  key: string,
  schedule: Schedule,
  admins: boolean,
  now: Instant,
): Promise<Interpreted | null> {
  const { params, rules, role } = await basics(read, schedule);
  const holder = await personById(read, schedule.tenantId, schedule.principalId);
  const audiences: NotificationEvent['audiences'] =
    type === 'activated'
      ? { Admin: await privilegedAdmins(read, schedule.tenantId, now) }
      : { Requestor: holder ? [holder] : [], ...(admins ? { Admin: await privilegedAdmins(read, schedule.tenantId, now) } : {}) };
  return {
    rules,
    event: {
      tenantId: schedule.tenantId,
      type,
      key,
      context: contextOfSchedule(schedule),
      privilegedRole: isPrivileged(role),
      params: { ...params, ...scheduleParams(schedule) },
      audiences,
    },
  };
}

/**
 * A break-glass account was used: every Global and Privileged Role Administrator holding the role
 * now hears, whatever any policy says (docs/guide.md, "Break-glass accounts"). One alert per use
 * (token or session).
 */
async function breakGlassEvent(
  read: ReadRepositories<'principals' | 'schedules'>,
  row: Extract<FeedEvent, { topic: 'breakGlass.used' }>,
  now: Instant,
): Promise<Interpreted | null> {
  const { tenantId, payload } = row;
  const principal = await read.principals.get(tenantId, row.entityId);
  return {
    rules: null,
    event: {
      tenantId,
      type: 'breakGlassUsed',
      key: `breakGlass:${payload.useId}`,
      context: null,
      privilegedRole: true,
      params: {
        principalName: principal?.displayName ?? row.entityId,
        breakGlass: {
          account: principal?.userPrincipalName ?? row.entityId,
          at: payload.at,
          how: payload.how,
          method: payload.method,
          path: payload.path,
          sourceIp: payload.sourceIp,
        },
      },
      audiences: { Admin: await privilegedAdmins(read, tenantId, now) },
    },
  };
}
