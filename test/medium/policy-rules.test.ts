/**
 * Policy rules the core enforces (docs/guide.md, "Policies (role settings)"), as a table: the rule
 * changes an admin makes (through the update-policy-rule use case), then one request → granted, or
 * refused naming EVERY failing rule at once. Then approval's pending life (one at a time, timeout)
 * and the rule values an admin may not store.
 */
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/domain/errors.ts';
import type { RequestAction, RequestStatus, ScheduleKind } from '../../src/domain/model.ts';
import { defaultPolicyRules } from '../../src/domain/policy/defaults.ts';
import { ruleOf, type RuleId } from '../../src/domain/policy/rules.ts';
import type { FailedRule } from '../../src/domain/requests/evaluate-policy.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { DAY, parseDuration } from '../../src/domain/time.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import {
  activitiesSince,
  adminAssign,
  auditMark,
  failureOf,
  requireApproval,
  scheduleOf,
  selfActivate,
  setRule,
  stored,
  type Span,
  closeVerifiedAfterEach,
} from '../support/scenario.ts';

const ROLE_ID = ROLE.userAdministrator;

interface RuleChange {
  readonly rule: RuleId;
  readonly set: Readonly<Record<string, unknown>>;
}

const TICKETING: RuleChange = { rule: 'Enablement_EndUser_Assignment', set: { enabledRules: ['MultiFactorAuthentication', 'Justification', 'Ticketing'] } };
const ELIGIBILITY_ENDS_WITHIN_90D: RuleChange = { rule: 'Expiration_Admin_Eligibility', set: { isExpirationRequired: true, maximumDuration: 'P90D' } };
const STEP_UP: RuleChange = { rule: 'AuthenticationContext_EndUser_Assignment', set: { isEnabled: true, claimValue: 'c1' } };
const APPROVAL: RuleChange = {
  rule: 'Approval_EndUser_Assignment',
  set: { setting: { ...ruleOf(defaultPolicyRules(), 'Approval_EndUser_Assignment', 'approval').setting, isApprovalRequired: true } },
};

/** Approval required, with one named primary approver in its single stage. */
function approvalWith(approver: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const setting = ruleOf(defaultPolicyRules(), 'Approval_EndUser_Assignment', 'approval').setting;
  return { setting: { ...setting, isApprovalRequired: true, approvalStages: [{ ...setting.approvalStages[0]!, primaryApprovers: [approver] }] } };
}

interface PolicyCase {
  readonly name: string;
  readonly policy?: readonly RuleChange[];
  /** selfActivate is made by alice from a permanent eligibility; admin actions by the bootstrap admin. */
  readonly request: {
    readonly kind: ScheduleKind;
    readonly action: Extract<RequestAction, 'adminAssign' | 'selfActivate'>;
    readonly span?: Span;
    readonly justification?: string | null;
    readonly ticket?: string;
    readonly mfa?: boolean;
    readonly acrs?: string[];
  };
  readonly expect:
    | { readonly status: RequestStatus; readonly lasts?: string | 'permanent' }
    | { readonly error: ErrorCode; readonly failedRules: readonly FailedRule[]; readonly mentions?: readonly string[] };
}

const ACTIVATE = { kind: 'assignment', action: 'selfActivate' } as const;
const ELIGIBLE = { kind: 'eligibility', action: 'adminAssign' } as const;
const ASSIGN = { kind: 'assignment', action: 'adminAssign' } as const;
const POLICY_FAILED = 'RoleAssignmentRequestPolicyValidationFailed';

const CASES: readonly PolicyCase[] = [
  // Expiration_EndUser_Assignment: activations last at most the maximum (default PT8H).
  { name: 'activation meeting the default policy', request: { ...ACTIVATE, span: 'PT1H' }, expect: { status: 'Provisioned', lasts: 'PT1H' } },
  { name: 'activation for exactly the maximum', request: { ...ACTIVATE, span: 'PT8H' }, expect: { status: 'Provisioned', lasts: 'PT8H' } },
  {
    name: 'activation with no expiration given lasts the maximum',
    request: { ...ACTIVATE, span: 'unspecified' },
    expect: { status: 'Provisioned', lasts: 'PT8H' },
  },
  {
    name: 'activation 1 minute over the maximum',
    request: { ...ACTIVATE, span: 'PT8H1M' },
    expect: { error: POLICY_FAILED, failedRules: ['ExpirationRule'], mentions: ['at most PT8H'] },
  },
  { name: 'activation asking to be permanent', request: { ...ACTIVATE, span: 'permanent' }, expect: { error: POLICY_FAILED, failedRules: ['ExpirationRule'] } },
  {
    name: 'activation for PT9H after the maximum is raised to PT10H',
    policy: [{ rule: 'Expiration_EndUser_Assignment', set: { maximumDuration: 'PT10H' } }],
    request: { ...ACTIVATE, span: 'PT9H' },
    expect: { status: 'Provisioned', lasts: 'PT9H' },
  },

  // Enablement_EndUser_Assignment: MFA + Justification by default, Ticketing when enabled.
  {
    name: 'activation without a justification',
    request: { ...ACTIVATE, justification: null },
    expect: { error: POLICY_FAILED, failedRules: ['JustificationRule'] },
  },
  {
    name: 'activation with a blank justification',
    request: { ...ACTIVATE, justification: '   ' },
    expect: { error: POLICY_FAILED, failedRules: ['JustificationRule'] },
  },
  {
    name: 'activation without a recent MFA',
    request: { ...ACTIVATE, mfa: false },
    expect: { error: POLICY_FAILED, failedRules: ['MfaRule'], mentions: ['multi-factor'] },
  },
  {
    name: 'activation with Ticketing enabled and no ticket',
    policy: [TICKETING],
    request: { ...ACTIVATE },
    expect: { error: POLICY_FAILED, failedRules: ['TicketingRule'], mentions: ['ticketNumber'] },
  },
  { name: 'activation with Ticketing enabled and a ticket', policy: [TICKETING], request: { ...ACTIVATE, ticket: 'CHG-1' }, expect: { status: 'Provisioned' } },
  {
    name: 'activation with no justification, no ticket and no MFA: all three named',
    policy: [TICKETING],
    request: { ...ACTIVATE, justification: null, mfa: false },
    expect: { error: POLICY_FAILED, failedRules: ['JustificationRule', 'TicketingRule', 'MfaRule'] },
  },
  {
    name: '…and too long as well: all four named',
    policy: [TICKETING],
    request: { ...ACTIVATE, span: 'PT9H', justification: null, mfa: false },
    expect: { error: POLICY_FAILED, failedRules: ['ExpirationRule', 'JustificationRule', 'TicketingRule', 'MfaRule'] },
  },

  // Expiration_Admin_Eligibility: permanent allowed by default; when an end is required, the maximum applies.
  {
    name: 'eligibility for 400 days while permanent is allowed (the maximum binds only when an end is required)',
    request: { ...ELIGIBLE, span: 'P400D' },
    expect: { status: 'Provisioned', lasts: 'P400D' },
  },
  {
    name: 'eligibility with an end required, asked permanent',
    policy: [ELIGIBILITY_ENDS_WITHIN_90D],
    request: { ...ELIGIBLE, span: 'permanent' },
    expect: { error: POLICY_FAILED, failedRules: ['ExpirationRule'], mentions: ['an end is required', 'P90D'] },
  },
  {
    name: 'eligibility with an end required, 1 day over the maximum',
    policy: [ELIGIBILITY_ENDS_WITHIN_90D],
    request: { ...ELIGIBLE, span: 'P91D' },
    expect: { error: POLICY_FAILED, failedRules: ['ExpirationRule'], mentions: ['at most P90D'] },
  },
  {
    name: 'eligibility with an end required, exactly the maximum',
    policy: [ELIGIBILITY_ENDS_WITHIN_90D],
    request: { ...ELIGIBLE, span: 'P90D' },
    expect: { status: 'Provisioned', lasts: 'P90D' },
  },
  {
    name: 'eligibility with an end required and none given lasts the maximum',
    policy: [ELIGIBILITY_ENDS_WITHIN_90D],
    request: { ...ELIGIBLE, span: 'unspecified' },
    expect: { status: 'Provisioned', lasts: 'P90D' },
  },
  { name: 'permanent eligibility with no end given', request: { ...ELIGIBLE, span: 'unspecified' }, expect: { status: 'Provisioned', lasts: 'permanent' } },

  // Enablement_Admin_*: a justification to assign active (default), nothing to make eligible.
  {
    name: 'active assignment without a justification',
    request: { ...ASSIGN, justification: null },
    expect: { error: POLICY_FAILED, failedRules: ['JustificationRule'] },
  },
  { name: 'eligibility without a justification', request: { ...ELIGIBLE, justification: null }, expect: { status: 'Provisioned' } },
  {
    name: 'active assignment with MFA required, by an admin without MFA or justification',
    policy: [{ rule: 'Enablement_Admin_Assignment', set: { enabledRules: ['Justification', 'MultiFactorAuthentication'] } }],
    request: { ...ASSIGN, justification: null, mfa: false },
    expect: { error: POLICY_FAILED, failedRules: ['JustificationRule', 'MfaRule'] },
  },
  {
    name: 'eligibility with MFA required, by an admin without MFA',
    policy: [{ rule: 'Enablement_Admin_Eligibility', set: { enabledRules: ['MultiFactorAuthentication'] } }],
    request: { ...ELIGIBLE, mfa: false },
    expect: { error: POLICY_FAILED, failedRules: ['MfaRule'] },
  },
  {
    name: 'permanent active assignment when active assignments must end',
    policy: [{ rule: 'Expiration_Admin_Assignment', set: { isExpirationRequired: true } }],
    request: { ...ASSIGN, span: 'permanent' },
    expect: { error: POLICY_FAILED, failedRules: ['ExpirationRule'], mentions: ['P180D'] },
  },

  // AuthenticationContext_EndUser_Assignment: a step-up context the token must carry.
  {
    name: 'activation without the required authentication context (only that fails)',
    policy: [STEP_UP],
    request: { ...ACTIVATE },
    expect: { error: 'RoleAssignmentRequestAcrsValidationFailed', failedRules: ['AcrsRule'], mentions: ["'c1'"] },
  },
  { name: 'activation with the required authentication context', policy: [STEP_UP], request: { ...ACTIVATE, acrs: ['c1'] }, expect: { status: 'Provisioned' } },
  {
    name: 'activation without the context nor a justification: a policy failure naming both',
    policy: [STEP_UP],
    request: { ...ACTIVATE, justification: null },
    expect: { error: POLICY_FAILED, failedRules: ['JustificationRule', 'AcrsRule'] },
  },

  // Approval_EndUser_Assignment: the activation waits; other rules still refuse it at once.
  { name: 'activation requiring approval', policy: [APPROVAL], request: { ...ACTIVATE }, expect: { status: 'PendingApproval' } },
  {
    name: 'activation requiring approval but without MFA: refused, not queued',
    policy: [APPROVAL],
    request: { ...ACTIVATE, mfa: false },
    expect: { error: POLICY_FAILED, failedRules: ['MfaRule'] },
  },
];

describe.each(TEST_DATABASES)('policy rules on $name', (db) => {
  let h: Harness;
  closeVerifiedAfterEach(() => h);

  it.each(CASES)('$name', async (c) => {
    h = await openHarness(db);
    const alice = await h.user('alice@contoso.test');
    const self = c.request.action === 'selfActivate';
    if (self) await adminAssign(h, 'eligibility', alice, ROLE_ID);
    for (const change of c.policy ?? []) await setRule(h, ROLE_ID, change.rule, change.set);

    const r = c.request;
    const options = { mfa: r.mfa ?? true, acrs: r.acrs ?? [] };
    const caller = await h.caller(self ? alice : h.admin.principal, options);
    const mark = await auditMark(h);
    const submitting = h.submit(caller, {
      kind: r.kind,
      action: r.action,
      principalId: alice.id,
      roleDefinitionId: ROLE_ID,
      scheduleInfo: scheduleOf(h, r.span ?? 'PT1H'),
      justification: r.justification === undefined ? 'Needed for work' : r.justification,
      ticketInfo: { ticketNumber: r.ticket ?? null, ticketSystem: r.ticket ? 'ServiceNow' : null },
    });

    if ('error' in c.expect) {
      const failure = await failureOf(submitting);
      expect(failure.code).toBe(c.expect.error);
      expect(failure.details.failedRules).toEqual(c.expect.failedRules);
      expect(failure.message).toContain(`The following policy rules failed: ${JSON.stringify(c.expect.failedRules)}`);
      for (const rule of c.expect.failedRules) expect(failure.message).toContain(`${rule}: `);
      for (const words of c.expect.mentions ?? []) expect(failure.message).toContain(words);
      expect(await activitiesSince(h, mark)).toEqual([]);
      return;
    }
    const request = await submitting;
    expect(request.status).toBe(c.expect.status);
    expect((await activitiesSince(h, mark)).length).toBe(1);
    if (c.expect.lasts && request.targetScheduleId) {
      const schedule = await h.store.read.schedules.get(h.tenantId, request.targetScheduleId);
      const length = schedule!.endAt === null ? 'permanent' : schedule!.endAt - schedule!.startAt;
      expect(length).toBe(c.expect.lasts === 'permanent' ? 'permanent' : parseDuration(c.expect.lasts));
    }
  });

  it('an activation needing approval waits as PendingApproval, blocks a second request, and times out after the stage timeout', async () => {
    h = await openHarness(db);
    const alice = await h.user('alice@contoso.test');
    await adminAssign(h, 'eligibility', alice, ROLE_ID);
    await requireApproval(h, ROLE_ID);
    const start = h.clock.now();
    const mark = await auditMark(h);

    const pending = await selfActivate(h, alice, ROLE_ID, 'PT2H');
    expect(pending).toMatchObject({ status: 'PendingApproval', approvalId: pending.id, targetScheduleId: null, completedAt: null, expiresAt: start + DAY });
    expect(await activitiesSince(h, mark)).toEqual(['Add member to role requested (PIM activation)']);
    expect(await h.caller(alice).then((c) => c.roles)).toEqual([]);
    expect((await failureOf(selfActivate(h, alice, ROLE_ID, 'PT1H'))).code).toBe('PendingRoleAssignmentRequest');

    h.clock.set(start + DAY - 1);
    expect(await h.tick()).toBe(0);
    expect((await stored(h, pending)).status).toBe('PendingApproval');

    h.clock.set(start + DAY);
    const beforeTimeout = await auditMark(h);
    expect(await h.tick()).toBe(1);
    expect(await stored(h, pending)).toMatchObject({ status: 'TimedOut', completedAt: start + DAY });
    expect(await activitiesSince(h, beforeTimeout)).toEqual(['PIM activation request expired']);
    expect(await h.tick()).toBe(0);

    // Once it timed out, a new request may wait in its place.
    expect((await selfActivate(h, alice, ROLE_ID, 'PT1H')).status).toBe('PendingApproval');
  });

  it("the pending timeout is the policy's stage timeout, not a fixed 24 h", async () => {
    h = await openHarness(db);
    const alice = await h.user('alice@contoso.test');
    await adminAssign(h, 'eligibility', alice, ROLE_ID);
    await requireApproval(h, ROLE_ID, 3);
    const pending = await selfActivate(h, alice, ROLE_ID, 'PT2H');
    h.clock.advance('P2D');
    await h.tick();
    expect((await stored(h, pending)).status).toBe('PendingApproval');
    h.clock.advance('P1D');
    await h.tick();
    expect((await stored(h, pending)).status).toBe('TimedOut');
  });

  it('a policy change is audited with the old and new rule', async () => {
    h = await openHarness(db);
    const mark = await auditMark(h);
    await setRule(h, ROLE_ID, 'Expiration_EndUser_Assignment', { maximumDuration: 'PT10H' });
    const [event] = (await h.store.read.audit.list(h.tenantId, { orderBy: [{ field: 'activityDateTime', direction: 'desc' }], top: 1, skip: 0, count: false }))
      .items;
    expect(await activitiesSince(h, mark)).toEqual(['Update role setting in PIM']);
    const change = event!.targets[0]!.modifiedProperties![0]!;
    expect(change.displayName).toBe('Expiration_EndUser_Assignment');
    expect(JSON.parse(change.oldValue!)).toMatchObject({ maximumDuration: 'PT8H' });
    expect(JSON.parse(change.newValue!)).toMatchObject({ maximumDuration: 'PT10H' });
  });

  const INVALID: readonly (RuleChange & { readonly why: string })[] = [
    { why: 'an activation maximum over 24 h', rule: 'Expiration_EndUser_Assignment', set: { maximumDuration: 'PT25H' } },
    { why: 'an activation maximum under 30 min', rule: 'Expiration_EndUser_Assignment', set: { maximumDuration: 'PT20M' } },
    { why: 'activations that need not expire', rule: 'Expiration_EndUser_Assignment', set: { isExpirationRequired: false } },
    { why: 'a calendar-month maximum', rule: 'Expiration_Admin_Eligibility', set: { maximumDuration: 'P1M' } },
    { why: 'an eligibility maximum under 5 minutes', rule: 'Expiration_Admin_Eligibility', set: { isExpirationRequired: true, maximumDuration: 'PT4M' } },
    {
      why: 'an authentication context enabled without a claimValue',
      rule: 'AuthenticationContext_EndUser_Assignment',
      set: { isEnabled: true, claimValue: null },
    },
    { why: 'an authentication context with a blank claimValue', rule: 'AuthenticationContext_EndUser_Assignment', set: { isEnabled: true, claimValue: ' ' } },
    { why: 'Ticketing for admin assignments', rule: 'Enablement_Admin_Assignment', set: { enabledRules: ['Ticketing'] } },
    { why: 'a rule listed twice', rule: 'Enablement_EndUser_Assignment', set: { enabledRules: ['Justification', 'Justification'] } },
    { why: 'a rule changing its kind', rule: 'Enablement_EndUser_Assignment', set: { kind: 'expiration' } },
    {
      why: 'an approver user that does not exist',
      rule: 'Approval_EndUser_Assignment',
      set: approvalWith({ '@odata.type': '#microsoft.graph.singleUser', userId: '00000000-0000-4000-8000-000000000001' }),
    },
    {
      why: 'an approver group that does not exist',
      rule: 'Approval_EndUser_Assignment',
      set: approvalWith({ '@odata.type': '#microsoft.graph.groupMembers', groupId: '00000000-0000-4000-8000-000000000002' }),
    },
  ];

  it.each(INVALID)('refuses $why (Request_BadRequest), stores nothing', async ({ rule, set }) => {
    h = await openHarness(db);
    const before = await h.store.read.policies.forRoleAt(h.tenantId, ROLE_ID, '/');
    const mark = await auditMark(h);
    expect((await failureOf(setRule(h, ROLE_ID, rule, set))).code).toBe('Request_BadRequest');
    expect(await h.store.read.policies.forRoleAt(h.tenantId, ROLE_ID, '/')).toEqual(before);
    expect(await activitiesSince(h, mark)).toEqual([]);
  });
});

describe.each(TEST_DATABASES)('approval rule approvers on $name', (db) => {
  it('stores an approval rule naming an existing user and group as approvers', async () => {
    const h = await openHarness(db);
    try {
      const approver = await h.user('approver@contoso.test');
      const rule = await setRule(
        h,
        ROLE_ID,
        'Approval_EndUser_Assignment',
        approvalWith({ '@odata.type': '#microsoft.graph.singleUser', userId: approver.id }),
      );
      expect(
        ruleOf({ Approval_EndUser_Assignment: rule } as never, 'Approval_EndUser_Assignment', 'approval').setting.approvalStages[0]!.primaryApprovers,
      ).toEqual([{ '@odata.type': '#microsoft.graph.singleUser', userId: approver.id }]);
    } finally {
      await h.close();
    }
  });
});
