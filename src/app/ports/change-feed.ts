/**
 * The change feed's contract: every topic and the payload it carries (docs/architecture.md, "Change
 * feed"). Use cases append inside their transaction; consumers (the access index, the notification
 * job, and what comes next: connectors, SIEM streaming, access reviews) read after commit, in order.
 *
 * An event carries the entity as it stands after the change (a schedule, a request's facts, a
 * principal, a role, a scope), so a consumer that only follows the feed needs no read. Where a
 * consumer needs the state *now* rather than at the event (is the request still pending?), it
 * re-reads the entity named by `entityId`.
 *
 * Payloads only grow: a field is never renamed or dropped, because the notification job may read
 * rows written by the previous version after an upgrade.
 */
import type { CloseReason, Principal, PrincipalType, RequestAction, RequestStatus, RoleDefinition, Schedule, ScheduleKind, Scope } from '../../domain/model.ts';
import type { PolicyRule } from '../../domain/policy/rules.ts';
import type { Instant } from '../../domain/time.ts';

/** A request's facts after the change. The approval trail, if any, is `approvals.get(tenantId, approvalId)`. */
export interface RequestFacts {
  readonly kind: ScheduleKind;
  readonly action: RequestAction;
  readonly status: RequestStatus;
  readonly requesterId: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
  /** The schedule the request made or changed, once there is one. */
  readonly targetScheduleId: string | null;
  readonly approvalId: string | null;
  readonly createdById: string;
}

/** Every topic, with its payload. `entityId` of the row is named per topic. */
export interface ChangeTopics {
  /** entityId: the tenant. Consumers rebuild what they keep for it. */
  'tenant.created': { readonly adminId: string };

  /** entityId: the principal (user, group or service principal). */
  'principal.created': { readonly type: PrincipalType; readonly principal: Principal };
  /**
   * entityId: the principal. `changed`: the fields that changed (`accountEnabled`, `managerId`,
   * SCIM attribute names, or `deleted` when SCIM deleted it: hidden from SCIM, kept for the record).
   */
  'principal.updated': { readonly changed: readonly string[]; readonly principal: Principal };
  /** entityId: the group. Static membership (PIM for Groups memberships are schedules). */
  'group.memberAdded': { readonly memberId: string };
  'group.memberRemoved': { readonly memberId: string };

  /** entityId: the role definition. */
  'role.created': { readonly role: RoleDefinition };
  /** A custom role's name, description, permissions or isEnabled changed: the role after the change. */
  'role.updated': { readonly role: RoleDefinition };
  /** A custom role was deleted (with its policies and ended grants): the role as it was. */
  'role.deleted': { readonly role: RoleDefinition };
  /** entityId: the scope's path. */
  'scope.created': { readonly scope: Scope };
  /** entityId: the policy. Its rules: `policies.get`. */
  'policy.created': { readonly roleDefinitionId: string; readonly scopeId: string };
  /**
   * A rule was set, or reset to inherit (`inherited`); `rule` is the one now in force there. For the
   * tenant default (`roleDefinitionId` null), every policy inheriting the rule changed with it.
   */
  'policy.updated': {
    readonly ruleId: string;
    readonly rule: PolicyRule;
    readonly inherited: boolean;
    readonly roleDefinitionId: string | null;
    readonly scopeId: string;
  };

  /** entityId: the schedule (an eligibility or assignment: a grant), as it stands after the change. */
  'schedule.created': { readonly schedule: Schedule };
  /** Its window moved. `extended`: by an approved self-extension. */
  'schedule.updated': { readonly schedule: Schedule; readonly extended: boolean };
  /** A grant made for later came into effect. */
  'schedule.started': { readonly schedule: Schedule };
  'schedule.closed': { readonly schedule: Schedule; readonly reason: CloseReason };
  /** A time-bound grant (not an activation) ends within 14 days or 1 day. */
  'schedule.expiring': { readonly schedule: Schedule; readonly within: '14d' | '1d'; readonly endAt: Instant };

  /** entityId: the request. */
  'request.created': RequestFacts;
  'request.approved': RequestFacts & { readonly approverId: string };
  'request.denied': RequestFacts & { readonly approverId: string; readonly justification: string | null };
  'request.timedOut': RequestFacts;
  'request.canceled': RequestFacts;
  /** Approved, but the world had changed meanwhile (the eligibility ended, …). */
  'request.failed': RequestFacts & { readonly reason: string };

  /** entityId: the approval. A stage is waiting for `approverIds` (newly added ones when `escalation`). */
  'approval.pending': RequestFacts & {
    readonly requestId: string;
    /** From 1. */
    readonly stage: number;
    readonly stages: number;
    readonly approverIds: readonly string[];
    readonly escalation: boolean;
  };

  /** entityId: the break-glass account. One row per use (a token, a session). */
  'breakGlass.used': {
    readonly useId: string;
    readonly how: string;
    readonly method: string | null;
    readonly path: string | null;
    readonly sourceIp: string | null;
    readonly at: Instant;
    readonly auditEventId: string;
  };
}

export type ChangeTopic = keyof ChangeTopics;

/** Every topic, for readers that check a stored row's topic. */
export const CHANGE_TOPICS = [
  'tenant.created',
  'principal.created',
  'principal.updated',
  'group.memberAdded',
  'group.memberRemoved',
  'role.created',
  'role.updated',
  'role.deleted',
  'scope.created',
  'policy.created',
  'policy.updated',
  'schedule.created',
  'schedule.updated',
  'schedule.started',
  'schedule.closed',
  'schedule.expiring',
  'request.created',
  'request.approved',
  'request.denied',
  'request.timedOut',
  'request.canceled',
  'request.failed',
  'approval.pending',
  'breakGlass.used',
] as const satisfies readonly ChangeTopic[];
// Every topic of ChangeTopics is in the list: otherwise this names the one missing.
type Unlisted = Exclude<ChangeTopic, (typeof CHANGE_TOPICS)[number]>;
export const ALL_TOPICS_LISTED: [Unlisted] extends [never] ? true : Unlisted = true;

export interface ChangeFeed {
  append<T extends ChangeTopic>(tenantId: string, topic: T, entityId: string, payload: ChangeTopics[T]): Promise<void>;
}

/** A committed change-feed row of one topic. */
export interface FeedRow<T extends ChangeTopic> {
  readonly seq: number;
  readonly tenantId: string;
  readonly topic: T;
  readonly entityId: string;
  readonly payload: ChangeTopics[T];
  readonly createdAt: Instant;
}

/**
 * A committed row, narrowed by `topic`: `switch (e.topic)` gives each case its payload type, and a
 * consumer ends with `default: return unhandled(e)` so a new topic without a handler does not compile.
 */
export type FeedEvent = { [T in ChangeTopic]: FeedRow<T> }[ChangeTopic];

/**
 * The exhaustiveness check of a consumer's switch over topics. At run time it does nothing: every
 * node of a deployment runs one version, so only a row of a topic this version does not know could
 * get here, and it is skipped.
 */
export function unhandled(e: never): null {
  void e;
  return null;
}

/** Builds a request's facts for its feed rows. */
export const requestFacts = (r: {
  kind: ScheduleKind;
  action: RequestAction;
  status: RequestStatus;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  targetScheduleId: string | null;
  approvalId: string | null;
  createdById: string;
}): RequestFacts => ({
  kind: r.kind,
  action: r.action,
  status: r.status,
  requesterId: r.principalId,
  roleDefinitionId: r.roleDefinitionId,
  directoryScopeId: r.directoryScopeId,
  targetScheduleId: r.targetScheduleId,
  approvalId: r.approvalId,
  createdById: r.createdById,
});
