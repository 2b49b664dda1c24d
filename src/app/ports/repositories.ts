/**
 * What use cases need from storage. The store implements these for SQLite and PostgreSQL and
 * translates driver errors (a unique violation becomes the conflict code named on the method).
 */
import type { Approval, ApprovalDecision } from '../../domain/approvals/approval.ts';
import type { AuditEvent, AuditRecord } from '../../domain/audit/event.ts';
import type { AssignmentKey, Principal, PrincipalType, RoleDefinition, Schedule, ScheduleKind, ScheduleRequest, Scope } from '../../domain/model.ts';
import type { OwnRules, RuleSource } from '../../domain/policy/inherit.ts';
import type { PolicyRule, PolicyRules, RuleId } from '../../domain/policy/rules.ts';
import type { RequestTransition } from '../../domain/requests/lifecycle.ts';
import type { StandingGrant } from '../../domain/safeguards.ts';
import type { Instant } from '../../domain/time.ts';
import type { ListQuery, Page } from '../query.ts';
import type { BreakGlassUseRepository } from './break-glass.ts';
import type { ChangeFeed } from './change-feed.ts';
import type { ActivityStats, ApprovalLinkUses, DeliveryRepository, FeedReader } from './notifications.ts';
import type { AccountRepository, ClientKeyRepository, ClientSecretRepository, TotpRepository } from './identity.ts';
import type { ProvisioningRepository } from './provisioning.ts';
import type { WebAuthnRepository } from './webauthn.ts';
import type { FederationRepository } from './federation.ts';
import type { SessionRepository } from './sessions.ts';

export interface Tenant {
  readonly id: string;
  readonly displayName: string;
  readonly createdAt: Instant;
}

export interface TenantRepository {
  first(): Promise<Tenant | null>;
  get(id: string): Promise<Tenant | null>;
  insert(tenant: Tenant): Promise<void>;
}

export interface PrincipalRepository {
  get(tenantId: string, id: string): Promise<Principal | null>;
  getByUpn(tenantId: string, userPrincipalName: string): Promise<Principal | null>;
  /** Conflict on a duplicate id or userPrincipalName: ObjectConflict. */
  insert(principal: Principal): Promise<void>;
  list(tenantId: string, type: PrincipalType, query: ListQuery): Promise<Page<Principal>>;
  /** Direct members of a group. */
  members(tenantId: string, groupId: string, query: ListQuery): Promise<Page<Principal>>;
  /** The groups a principal is a direct, static member of (Graph's memberOf). */
  memberOf(tenantId: string, memberId: string, query: ListQuery): Promise<Page<Principal>>;
  /**
   * The groups a principal is in, directly or through nested groups: static memberships and active
   * PIM for Groups `member` assignments in effect at `at` — or, with `at` null, every open one
   * whatever its window (what a nesting-cycle check must consider).
   */
  groupsOf(tenantId: string, principalId: string, at: Instant | null): Promise<string[]>;
  /**
   * Every group the principal is or may become a member of, through any chain: static
   * memberships, and PIM for Groups `member` or `owner` schedules — eligible or active, current or
   * future (not ended at `at`) — nested to any depth. What "privileged account" is decided over.
   */
  reachableGroups(tenantId: string, principalId: string, at: Instant): Promise<string[]>;
  /** Conflict when already a member: ObjectConflict. */
  addMember(tenantId: string, groupId: string, memberId: string, at: Instant): Promise<void>;
  /** Whether there was such a membership. */
  removeMember(tenantId: string, groupId: string, memberId: string): Promise<boolean>;
  /**
   * Enabled users in a group, directly or through nested groups, static or by an active PIM for
   * Groups membership in effect at `at` (approvers, notification recipients).
   */
  usersIn(tenantId: string, groupId: string, at: Instant): Promise<string[]>;
  setManager(tenantId: string, userId: string, managerId: string | null): Promise<void>;
}

export interface RoleRepository {
  get(tenantId: string, id: string): Promise<RoleDefinition | null>;
  getMany(tenantId: string, ids: readonly string[]): Promise<RoleDefinition[]>;
  list(tenantId: string, query: ListQuery): Promise<Page<RoleDefinition>>;
  /** Conflict on a duplicate id or display name: ObjectConflict. */
  insert(role: RoleDefinition): Promise<void>;
  /** Replaces a role's mutable fields (name, description, permissions, isEnabled, version). Conflict on a duplicate display name: ObjectConflict. */
  update(role: RoleDefinition): Promise<void>;
  /**
   * Deletes the role. Its policies (`policies.deleteForRole`) and ended schedules
   * (`schedules.deleteClosedOfRole`) go first: the database refuses while anything refers to it.
   */
  delete(tenantId: string, id: string): Promise<void>;
  /** What still uses a role: its open (not closed) schedules, eligible or active, and its pending requests, at any scope. */
  usage(tenantId: string, id: string): Promise<RoleUsage>;
}

export interface RoleUsage {
  readonly openSchedules: number;
  readonly pendingRequests: number;
}

export interface ScopeRepository {
  get(tenantId: string, id: string): Promise<Scope | null>;
  list(tenantId: string, query: ListQuery): Promise<Page<Scope>>;
  insert(scope: Scope): Promise<void>;
}

/**
 * A policy as stored: the rules it sets itself. Every role has one at `/`; a role may have more at
 * narrower scopes; the tenant has one default (`isOrganizationDefault`, no role), which sets every
 * rule. What is in force is a `Policy` (app/policies/resolve-policy.ts).
 */
export interface PolicyRecord {
  readonly tenantId: string;
  readonly id: string;
  /** Where the policy applies: `/` or a narrower scope. */
  readonly scopeId: string;
  readonly scopeType: 'DirectoryRole' | 'Directory' | 'Group';
  /** Null only for the tenant default. */
  readonly roleDefinitionId: string | null;
  readonly displayName: string;
  readonly description: string;
  readonly isOrganizationDefault: boolean;
  readonly lastModifiedBy: { id: string; displayName: string | null } | null;
  readonly lastModifiedAt: Instant | null;
  readonly rules: OwnRules;
}

/** A policy with the rules in force: its own, and the rest inherited (domain/policy/inherit.ts). */
export interface Policy extends Omit<PolicyRecord, 'rules'> {
  readonly rules: PolicyRules;
  /** The rules it does not set itself, and where each comes from. */
  readonly inheritedFrom: Partial<Record<RuleId, RuleSource>>;
}

export interface PolicyRepository {
  get(tenantId: string, id: string): Promise<PolicyRecord | null>;
  /** The policy for a role at exactly this scope, if one is set there. */
  forRoleAt(tenantId: string, roleDefinitionId: string, scopeId: string): Promise<PolicyRecord | null>;
  /** The tenant default; every tenant has one from its creation (or its first start on this version). */
  organizationDefault(tenantId: string): Promise<PolicyRecord | null>;
  list(tenantId: string, query: ListQuery): Promise<Page<PolicyRecord>>;
  insert(policy: PolicyRecord): Promise<void>;
  /** Sets a rule on the policy (it no longer inherits it). */
  setRule(tenantId: string, policyId: string, rule: PolicyRule, modifiedBy: { id: string; displayName: string | null }, at: Instant): Promise<void>;
  /** Removes the policy's own rule, so it inherits it; false when it had none. */
  inheritRule(tenantId: string, policyId: string, ruleId: RuleId, modifiedBy: { id: string; displayName: string | null } | null, at: Instant): Promise<boolean>;
  /** Deletes a role's policies at every scope, with their rules; returns how many policies there were. */
  deleteForRole(tenantId: string, roleDefinitionId: string): Promise<number>;
}

export interface ScheduleListOptions {
  readonly kind: ScheduleKind;
  /** Limit to these principals (filterByCurrentUser). */
  readonly principalIds?: readonly string[];
  /**
   * Instances: only what is in effect at this instant. Schedules: open and not yet ended at it.
   * Expired: eligibilities and assigned (not activated) assignments that ran out in the 30 days
   * before it, the last of their key with nothing granted since — what the holder may renew.
   */
  readonly view: 'schedules' | 'instances' | 'expired';
  readonly at: Instant;
}

export interface ScheduleRepository {
  get(tenantId: string, id: string): Promise<Schedule | null>;
  /** The schedule not yet closed for a key (at most one exists: the database guarantees it). */
  findOpen(key: AssignmentKey): Promise<Schedule | null>;
  /** The most recently ended schedule for a key. */
  findLastClosed(key: AssignmentKey): Promise<Schedule | null>;
  /** Conflict when the key already has an open schedule: RoleAssignmentExists. */
  insert(schedule: Schedule): Promise<void>;
  /** Replaces a schedule's mutable fields. */
  update(schedule: Schedule): Promise<void>;
  /** Deletes a role's closed schedules (the ended grants of a role being deleted); returns how many. */
  deleteClosedOfRole(tenantId: string, roleDefinitionId: string): Promise<number>;
  /** Open activations made from an eligibility schedule. */
  activationsFrom(tenantId: string, eligibilityScheduleId: string): Promise<Schedule[]>;
  /** Active assignments of these principals in effect at `at`, at any scope. */
  activeOf(tenantId: string, principalIds: readonly string[], at: Instant): Promise<Schedule[]>;
  /** Active assignments of these principals in effect at `at`, at the tenant root. */
  activeAtRoot(tenantId: string, principalIds: readonly string[], at: Instant): Promise<Schedule[]>;
  /** Principals holding any of these roles at the tenant root at `at` (users, groups, service principals). */
  holdersAtRoot(tenantId: string, roleDefinitionIds: readonly string[], at: Instant): Promise<string[]>;
  /** Open active assignments of a role at a scope in effect at `at`, except one (the last-owner rule). */
  countActiveAt(tenantId: string, roleDefinitionId: string, scopeId: string, at: Instant, exceptScheduleId: string): Promise<number>;
  /** Open eligibilities of a principal for a role at any of these scopes, in effect at `at` or starting later. */
  eligibilitiesAt(tenantId: string, principalIds: readonly string[], roleDefinitionId: string, scopeIds: readonly string[], at: Instant): Promise<Schedule[]>;
  /**
   * Open permanent active assignments of these roles at the tenant root that have started by `at`,
   * with what their holders are now (the last-administrator safeguard counts the working ones).
   */
  standingGrants(tenantId: string, roleDefinitionIds: readonly string[], at: Instant): Promise<StandingGrant[]>;
  list(tenantId: string, options: ScheduleListOptions, query: ListQuery): Promise<Page<Schedule>>;
}

export interface RequestRepository {
  get(tenantId: string, kind: ScheduleKind, id: string): Promise<ScheduleRequest | null>;
  /** Conflict when the key already has a pending request: PendingRoleAssignmentRequest. */
  insert(request: ScheduleRequest): Promise<void>;
  /**
   * Stores a status change `transition` decided (domain/requests/lifecycle.ts) and returns the
   * request as stored; ConcurrencyConflict if its status is no longer the one it was read with.
   */
  applyTransition(change: RequestTransition): Promise<ScheduleRequest>;
  /** Moves the time a pending request times out (each approval stage has its own). */
  setExpiresAt(request: ScheduleRequest, expiresAt: Instant): Promise<ScheduleRequest>;
  pendingFor(key: AssignmentKey): Promise<ScheduleRequest[]>;
  /** Requests that created a future schedule for the key and are not started yet. */
  byTargetSchedule(tenantId: string, scheduleId: string): Promise<ScheduleRequest[]>;
  list(tenantId: string, kind: ScheduleKind, principalIds: readonly string[] | null, query: ListQuery): Promise<Page<ScheduleRequest>>;
  /** Pending requests whose current approval stage this principal is asked to decide and has not yet (the approver inbox). */
  listForApprover(tenantId: string, kind: ScheduleKind, approverId: string, query: ListQuery): Promise<Page<ScheduleRequest>>;
}

export interface ResolvedApprover {
  readonly stage: number;
  readonly approverId: string;
  readonly source: 'primary' | 'escalation' | 'fallback';
  readonly active: boolean;
}

export interface ApprovalRepository {
  get(tenantId: string, id: string): Promise<Approval | null>;
  insert(approval: Approval): Promise<void>;
  update(approval: Approval, at: Instant): Promise<void>;
  decisions(tenantId: string, approvalId: string): Promise<ApprovalDecision[]>;
  /** Conflict when this approver already decided this stage: ApproverAlreadyDecided. */
  addDecision(decision: ApprovalDecision): Promise<void>;
  /** Records who may decide a stage (existing rows are kept). */
  addApprovers(tenantId: string, approvalId: string, stage: number, approverIds: readonly string[], source: ResolvedApprover['source']): Promise<void>;
  /** The stage is no longer waiting (decided, timed out, canceled): drop it from inboxes. */
  deactivateApprovers(tenantId: string, approvalId: string): Promise<void>;
  approvers(tenantId: string, approvalId: string): Promise<ResolvedApprover[]>;
}

/** Due transitions: what the timeline records when it comes due (docs/architecture.md, "Time"). */
export type TimelineKind = 'scheduleStart' | 'scheduleEnd' | 'requestTimeout' | 'approvalEscalation' | 'expiryReminder';

export interface TimelineItem {
  readonly id: number;
  readonly tenantId: string;
  readonly kind: TimelineKind;
  readonly refId: string;
  readonly dueAt: Instant;
}

export interface TimelineRepository {
  /** Adds or moves the item for (kind, refId) to `dueAt`, making it pending again. */
  schedule(tenantId: string, kind: TimelineKind, refId: string, dueAt: Instant): Promise<void>;
  /** Drops a pending item (e.g. a request that no longer can time out). */
  unschedule(kind: TimelineKind, refId: string): Promise<void>;
  due(at: Instant, limit: number): Promise<TimelineItem[]>;
  /** Marks an item done, unless it was moved to another due time meanwhile. */
  complete(item: TimelineItem, at: Instant): Promise<void>;
  /** Records a failed attempt and moves the item to `retryAt`. */
  fail(id: number, error: string, retryAt: Instant): Promise<void>;
  /** The earliest pending due time, if any. */
  next(): Promise<Instant | null>;
}

export interface AuditLog {
  append(record: AuditRecord): Promise<AuditEvent>;
  /**
   * A page of the tenant's events. Besides the fields of `directoryAudits`, the query may compare
   * `targetResources/id` with `eq` (ANDed with the rest): some target of the event has that id.
   */
  list(tenantId: string, query: ListQuery): Promise<Page<AuditEvent>>;
  /** The same, narrowed to the events `principalId` initiated or is a target of ("my audit"). */
  listInvolving(tenantId: string, principalId: string, query: ListQuery): Promise<Page<AuditEvent>>;
  get(tenantId: string, id: string): Promise<AuditEvent | null>;
  /** The stored head of the chain: the last event's number and hash. */
  head(): Promise<{ seq: number; hash: string }>;
  /** Events after `afterSeq` in chain order, across tenants (for verification). */
  range(afterSeq: number, limit: number): Promise<AuditEvent[]>;
}

/** Every repository, bound to one transaction (or to the database for reads). */
export interface Repositories {
  readonly tenants: TenantRepository;
  readonly principals: PrincipalRepository;
  readonly roles: RoleRepository;
  readonly scopes: ScopeRepository;
  readonly policies: PolicyRepository;
  readonly schedules: ScheduleRepository;
  readonly requests: RequestRepository;
  readonly approvals: ApprovalRepository;
  readonly timeline: TimelineRepository;
  readonly audit: AuditLog;
  readonly feed: ChangeFeed;
  readonly feedReader: FeedReader;
  readonly deliveries: DeliveryRepository;
  readonly linkUses: ApprovalLinkUses;
  readonly activity: ActivityStats;
  readonly accounts: AccountRepository;
  readonly totp: TotpRepository;
  readonly clientSecrets: ClientSecretRepository;
  /** Service principals' certificates and the client assertions already used. */
  readonly clientKeys: ClientKeyRepository;
  readonly webauthn: WebAuthnRepository;
  /** SCIM tokens and the SCIM side of principals. */
  readonly provisioning: ProvisioningRepository;
  /** Links to the OpenID provider's accounts and sign-ins waiting for it (docs/decisions/0012). */
  readonly federation: FederationRepository;
  readonly sessions: SessionRepository;
  /** Break-glass account uses already recorded. */
  readonly breakGlassUses: BreakGlassUseRepository;
}

/**
 * The methods of each repository that write (or consume, like a one-time code or challenge): what
 * `ReadRepositories` leaves out. Checked against the ports, so a misspelled or stale name does not
 * compile; a new write method must be added here.
 */
export type Writes = WriteMethods<{
  tenants: 'insert';
  principals: 'insert' | 'addMember' | 'removeMember' | 'setManager';
  roles: 'insert' | 'update' | 'delete';
  scopes: 'insert';
  policies: 'insert' | 'setRule' | 'inheritRule' | 'deleteForRole';
  schedules: 'insert' | 'update' | 'deleteClosedOfRole';
  requests: 'insert' | 'applyTransition' | 'setExpiresAt';
  approvals: 'insert' | 'update' | 'addDecision' | 'addApprovers' | 'deactivateApprovers';
  timeline: 'schedule' | 'unschedule' | 'complete' | 'fail';
  audit: 'append';
  feed: 'append';
  feedReader: 'advance';
  deliveries: 'add' | 'claim' | 'sent' | 'postpone' | 'retry' | 'fail' | 'skip';
  linkUses: 'use' | 'release';
  activity: never;
  accounts: 'setPassword' | 'upgradeHash' | 'saveSignInState' | 'recordSignIn' | 'setAccountEnabled';
  totp: 'putPending' | 'activate' | 'useStep' | 'remove' | 'replaceRecoveryCodes' | 'useRecoveryCode';
  clientSecrets: 'insert' | 'remove';
  clientKeys: 'insert' | 'remove' | 'useAssertion';
  webauthn: 'insert' | 'use' | 'remove' | 'putChallenge' | 'takeChallenge';
  provisioning: 'insertToken' | 'revokeToken' | 'update' | 'markDeleted';
  federation: 'link' | 'recordSignIn' | 'putFlow' | 'takeFlow';
  sessions: 'insert' | 'redeemCode' | 'touch' | 'updateAuthentication' | 'revoke' | 'revokeAllOf';
  breakGlassUses: 'record';
}>;

/** Every repository named once, each with method names of its own only. */
type WriteMethods<T extends { readonly [P in keyof Repositories]: keyof Repositories[P] } & { readonly [P in Exclude<keyof T, keyof Repositories>]: never }> =
  T;

/** The repositories named `K` without their writes: what a read outside a transaction may do. */
export type ReadRepositories<K extends keyof Repositories = keyof Repositories> = {
  readonly [P in K]: Omit<Repositories[P], Writes[P]>;
};

/**
 * Runs work in one transaction: all of it happens, or none. `K` names the repositories the work
 * may touch: a use case declares them (`UnitOfWork<'requests' | 'schedules'>`), and any wider unit
 * of work, the store's included, is assignable to it.
 */
export interface UnitOfWork<K extends keyof Repositories = keyof Repositories> {
  run<T>(work: (tx: Pick<Repositories, K>) => Promise<T>): Promise<T>;
  /** The same repositories outside any transaction, for reads: their writes are left out. */
  readonly read: ReadRepositories<K>;
}

/**
 * A unit of work whose `read` also makes the writes of `W`, each a statement of its own outside any
 * transaction (the store's `read` can). Only for the few writes that need neither a transaction nor
 * an audit event: a browser session's last-seen time, a notification delivery's attempt state.
 */
export type AutocommitUnitOfWork<K extends keyof Repositories, W extends K> = UnitOfWork<K> & { readonly read: Pick<Repositories, W> };
