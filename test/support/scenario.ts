/**
 * Small vocabulary for scenario tables in the medium tier: schedules written as durations,
 * policy changes through the real use case, failures as codes, and what the audit log recorded
 * since a point.
 */
import { afterEach, expect } from 'vitest';
import { reviewApprovalStep } from '../../src/app/requests/review-approval-step.ts';
import { verifyAudit } from '../../src/app/audit/verify-audit.ts';
import { addGroupMember } from '../../src/app/directory/change-group-members.ts';
import { createGroup } from '../../src/app/directory/create-group.ts';
import { setManager } from '../../src/app/directory/set-manager.ts';
import { updatePolicyRule } from '../../src/app/policies/update-policy-rule.ts';
import type { ListQuery } from '../../src/app/query.ts';
import { isDomainError, type ErrorCode } from '../../src/domain/errors.ts';
import type { Principal, RequestSchedule, Schedule, ScheduleKind, ScheduleRequest } from '../../src/domain/model.ts';
import type { Approval } from '../../src/domain/approvals/approval.ts';
import type { ApprovalStage, PolicyRule, RuleId, SubjectSet } from '../../src/domain/policy/rules.ts';
import { parseDuration } from '../../src/domain/time.ts';
import type { Harness } from './harness.ts';

/** Every row, in the store's order. */
export const ALL: ListQuery = { orderBy: [], top: 999, skip: 0, count: false };

/**
 * How long a grant lasts, as a table writes it: `'permanent'`, an ISO duration (`'PT8H'`:
 * afterDuration), or `{ endIn }` (afterDateTime that far from now).
 */
export type Span = 'permanent' | 'unspecified' | string | { readonly endIn: string };

/** A request's scheduleInfo for a span, optionally starting `startIn` from now. */
export function scheduleOf(h: Harness, span: Span, startIn?: string): RequestSchedule {
  const now = h.clock.now();
  const startDateTime = startIn ? now + parseDuration(startIn) : null;
  if (span === 'permanent') return { startDateTime, expiration: { type: 'noExpiration' } };
  if (span === 'unspecified') return { startDateTime, expiration: { type: 'notSpecified' } };
  if (typeof span === 'string') return { startDateTime, expiration: { type: 'afterDuration', duration: span } };
  return { startDateTime, expiration: { type: 'afterDateTime', endDateTime: now + parseDuration(span.endIn) } };
}

export interface Failure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** The domain error a promise rejects with; fails the test when it resolves or throws anything else. */
export async function failureOf(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
  } catch (error) {
    if (isDomainError(error)) return { code: error.code, message: error.message, details: error.details };
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The current end of the audit chain, to read what happens after it. */
export async function auditMark(h: Harness): Promise<number> {
  return (await h.store.read.audit.head()).seq;
}

/** Activity names recorded for the tenant after `mark`, in chain order. */
export async function activitiesSince(h: Harness, mark: number): Promise<string[]> {
  const rows = await h.store.db
    .selectFrom('audit_events')
    .select('activity')
    .where('tenant_id', '=', h.tenantId)
    .where('seq', '>', mark)
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.activity);
}

/** How many rows each history table holds: a dry run must leave them all as they were. */
export async function rowCounts(h: Harness): Promise<Record<'requests' | 'schedules' | 'audit' | 'timeline' | 'feed', number>> {
  const count = async (table: 'schedule_requests' | 'schedules' | 'audit_events' | 'timeline' | 'change_feed') => {
    const row = await h.store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return {
    requests: await count('schedule_requests'),
    schedules: await count('schedules'),
    audit: await count('audit_events'),
    timeline: await count('timeline'),
    feed: await count('change_feed'),
  };
}

/** Changes one rule of a role's policy at `/` through the use case (as the admin). */
export async function setRule(h: Harness, roleId: string, ruleId: RuleId, change: Readonly<Record<string, unknown>>): Promise<PolicyRule> {
  const policy = await h.store.read.policies.forRoleAt(h.tenantId, roleId, '/');
  if (!policy) throw new Error(`no policy for role ${roleId}`);
  return updatePolicyRule(h.deps, h.admin, policy.id, ruleId, (current) => ({ ...current, ...change }) as PolicyRule);
}

/** Requires approval to activate a role (one stage, `timeoutDays`, the default approvers). */
export async function requireApproval(h: Harness, roleId: string, timeoutDays = 1): Promise<void> {
  const policy = await h.store.read.policies.forRoleAt(h.tenantId, roleId, '/');
  if (!policy) throw new Error(`no policy for role ${roleId}`);
  await updatePolicyRule(h.deps, h.admin, policy.id, 'Approval_EndUser_Assignment', (current) => {
    if (current.kind !== 'approval') throw new Error('not an approval rule');
    const stage = { ...current.setting.approvalStages[0]!, approvalStageTimeOutInDays: timeoutDays };
    return { ...current, setting: { ...current.setting, isApprovalRequired: true, approvalStages: [stage] } };
  });
}

/** An admin makes a principal eligible (or assigns it active) for a role. */
export function adminAssign(
  h: Harness,
  kind: ScheduleKind,
  principal: Principal,
  roleId: string,
  span: Span = 'permanent',
  startIn?: string,
): Promise<ScheduleRequest> {
  return h.submit(h.admin, { kind, action: 'adminAssign', principalId: principal.id, roleDefinitionId: roleId, scheduleInfo: scheduleOf(h, span, startIn) });
}

/** The principal activates an eligibility with MFA and a justification. */
export async function selfActivate(h: Harness, principal: Principal, roleId: string, span: Span = 'PT1H', startIn?: string): Promise<ScheduleRequest> {
  return h.submit(await h.caller(principal), {
    action: 'selfActivate',
    principalId: principal.id,
    roleDefinitionId: roleId,
    scheduleInfo: scheduleOf(h, span, startIn),
  });
}

/** What is in effect now (Graph's *ScheduleInstances) for one principal. */
export async function instancesOf(h: Harness, kind: ScheduleKind, principal: Principal): Promise<readonly Schedule[]> {
  return (await h.store.read.schedules.list(h.tenantId, { kind, view: 'instances', at: h.clock.now(), principalIds: [principal.id] }, ALL)).items;
}

/** Granted schedules, current or future, for one principal. */
export async function schedulesOf(h: Harness, kind: ScheduleKind, principal: Principal): Promise<readonly Schedule[]> {
  return (await h.store.read.schedules.list(h.tenantId, { kind, view: 'schedules', at: h.clock.now(), principalIds: [principal.id] }, ALL)).items;
}

/** The ids of the roles a principal holds at the tenant root now, as access checks see them. */
export async function rolesHeld(h: Harness, principal: Principal): Promise<string[]> {
  return (await h.caller(principal)).roles.map((r) => r.id);
}

/** A request as stored now. */
export async function stored(h: Harness, request: Pick<ScheduleRequest, 'kind' | 'id'>): Promise<ScheduleRequest> {
  const found = await h.store.read.requests.get(h.tenantId, request.kind, request.id);
  if (!found) throw new Error(`request ${request.id} is not stored`);
  return found;
}

/** Whatever a scenario did, the audit chain must still verify. */
export async function expectAuditChainIntact(h: Harness): Promise<void> {
  const result = await verifyAudit(h.store.read.audit);
  expect(result.break).toBeNull();
  expect(result.ok).toBe(true);
}

/**
 * The teardown every scenario file wants: after each test the audit chain still verifies, then the
 * harness is closed.
 */
export function closeVerifiedAfterEach(current: () => Harness | undefined): void {
  afterEach(async () => {
    const h = current();
    if (!h) return;
    await expectAuditChainIntact(h);
    await h.close();
  });
}

// ---- Approvals -------------------------------------------------------------------------------

/** Approver subject sets as a policy names them. */
export const approver = {
  user: (p: Pick<Principal, 'id'>): SubjectSet => ({ '@odata.type': '#microsoft.graph.singleUser', userId: p.id }),
  group: (g: Pick<Principal, 'id'>): SubjectSet => ({ '@odata.type': '#microsoft.graph.groupMembers', groupId: g.id }),
  manager: (managerLevel = 1): SubjectSet => ({ '@odata.type': '#microsoft.graph.requestorManager', managerLevel }),
};

/** One approval stage as a table writes it; unspecified fields take the policy defaults. */
export interface StageSpec {
  /** Primary approvers; none: the role's fallback (Privileged Role and Global Administrators). */
  readonly approvers?: readonly SubjectSet[];
  /** How many approvals the stage needs (OpenPIM's quorum; default 1). */
  readonly quorum?: number;
  readonly timeoutDays?: number;
  /** isApproverJustificationRequired (default false, so tables state it when they test it). */
  readonly justification?: boolean;
  /** Escalate to `escalation` after this many minutes. */
  readonly escalateAfterMinutes?: number;
  readonly escalation?: readonly SubjectSet[];
}

/**
 * Sets the Approval_EndUser_Assignment rule of a role's policy at `/` through the use case:
 * approval required, these stages in series, and the OpenPIM settings given.
 */
export async function setApproval(
  h: Harness,
  roleId: string,
  stages: readonly StageSpec[],
  options: { readonly grantStartsAt?: 'approval' | 'request'; readonly forExtension?: boolean; readonly forActivation?: boolean } = {},
): Promise<void> {
  await setRule(h, roleId, 'Approval_EndUser_Assignment', {
    setting: {
      isApprovalRequired: options.forActivation ?? true,
      isApprovalRequiredForExtension: options.forExtension ?? false,
      isRequestorJustificationRequired: true,
      approvalMode: stages.length > 1 ? 'Serial' : 'SingleStage',
      approvalStages: stages.map((s): ApprovalStage => ({
        approvalStageTimeOutInDays: s.timeoutDays ?? 1,
        isApproverJustificationRequired: s.justification ?? false,
        escalationTimeInMinutes: s.escalateAfterMinutes ?? 0,
        isEscalationEnabled: s.escalateAfterMinutes !== undefined,
        primaryApprovers: s.approvers ?? [],
        escalationApprovers: s.escalation ?? [],
        ...(s.quorum === undefined ? {} : { approvalsRequired: s.quorum }),
      })),
      ...(options.grantStartsAt ? { grantStartsAt: options.grantStartsAt } : {}),
    },
  });
}

/** A principal approves or denies a step (default: step 1) of a request's approval. */
export async function decide(
  h: Harness,
  who: Principal,
  request: Pick<ScheduleRequest, 'approvalId'>,
  reviewResult: 'Approve' | 'Deny',
  options: { readonly step?: string; readonly justification?: string | null } = {},
): Promise<ScheduleRequest> {
  if (!request.approvalId) throw new Error('the request has no approval');
  const justification = options.justification === undefined ? `${reviewResult} by ${who.displayName}` : options.justification;
  return reviewApprovalStep(h.deps, await h.caller(who), request.approvalId, options.step ?? '1', { reviewResult, justification });
}

/** The ids of the requests in a principal's approver inbox now. */
export async function inboxOf(h: Harness, who: Principal, kind: ScheduleKind = 'assignment'): Promise<string[]> {
  return (await h.store.read.requests.listForApprover(h.tenantId, kind, who.id, ALL)).items.map((r) => r.id);
}

/** A request's approval as stored now. */
export async function approvalOf(h: Harness, request: Pick<ScheduleRequest, 'approvalId'>): Promise<Approval> {
  const approval = request.approvalId ? await h.store.read.approvals.get(h.tenantId, request.approvalId) : null;
  if (!approval) throw new Error(`no approval ${request.approvalId}`);
  return approval;
}

/** A security group (role-assignable if asked) with these direct members, made by the admin. */
export async function groupWith(h: Harness, name: string, members: readonly Principal[], options: { readonly assignable?: boolean } = {}): Promise<Principal> {
  const group = await createGroup(h.deps, h.admin, {
    displayName: name,
    description: null,
    mailNickname: null,
    isAssignableToRole: options.assignable ?? false,
  });
  for (const m of members) await addGroupMember(h.deps, h.admin, group.id, m.id);
  return group;
}

/** The admin sets (or clears) a user's manager. */
export function setManagerOf(h: Harness, user: Principal, manager: Principal | null): Promise<void> {
  return setManager(h.deps, h.admin, user.id, manager?.id ?? null);
}
