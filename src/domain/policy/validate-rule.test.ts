import { describe, expect, it } from 'vitest';
import { defaultPolicyRules } from './defaults.ts';
import { RULE_IDS, kindOfRule, type PolicyRule } from './rules.ts';
import { validateRule } from './validate-rule.ts';

const rules = defaultPolicyRules();
const check = (rule: PolicyRule, approverRequired = false) => validateRule(rule, { approverRequired });

describe('default policy', () => {
  it('holds all 17 rules, each of the kind its id says, each valid', () => {
    expect(Object.keys(rules).sort()).toEqual([...RULE_IDS].sort());
    for (const id of RULE_IDS) {
      expect(rules[id].id).toBe(id);
      expect(rules[id].kind).toBe(kindOfRule(id));
      expect(check(rules[id])).toEqual([]);
    }
  });
});

describe('validateRule', () => {
  const endUser = rules.Expiration_EndUser_Assignment as Extract<PolicyRule, { kind: 'expiration' }>;
  it.each([
    ['PT29M', 1],
    ['PT30M', 0],
    ['PT24H', 0],
    ['PT25H', 1],
    ['P1Y', 1],
  ])('activation maximum %s → %d problem(s)', (max, n) => {
    expect(check({ ...endUser, maximumDuration: max })).toHaveLength(n);
  });
  it('an admin maximum is at most 100 years, with a message naming the rule and field', () => {
    const admin = rules.Expiration_Admin_Eligibility as Extract<PolicyRule, { kind: 'expiration' }>;
    expect(check({ ...admin, maximumDuration: 'P36525D' })).toEqual([]);
    expect(check({ ...admin, maximumDuration: 'P14300000W' })).toEqual([expect.stringMatching(/^Expiration_Admin_Eligibility: maximumDuration: .*100 years/)]);
  });
  it('activations must always expire', () => {
    expect(check({ ...endUser, isExpirationRequired: false })).toHaveLength(1);
  });
  it('Ticketing is for activation only', () => {
    const admin = rules.Enablement_Admin_Assignment as Extract<PolicyRule, { kind: 'enablement' }>;
    expect(check({ ...admin, enabledRules: ['Ticketing'] })).toHaveLength(1);
    expect(check({ ...(rules.Enablement_EndUser_Assignment as typeof admin), enabledRules: ['Ticketing', 'Justification'] })).toEqual([]);
  });
  it('an enabled authentication context needs a claim value', () => {
    const rule = rules.AuthenticationContext_EndUser_Assignment as Extract<PolicyRule, { kind: 'authenticationContext' }>;
    expect(check({ ...rule, isEnabled: true, claimValue: null })).toHaveLength(1);
    expect(check({ ...rule, isEnabled: true, claimValue: 'c1' })).toEqual([]);
  });
  it('approval: stages, approvers where required, time-outs, escalation', () => {
    const rule = rules.Approval_EndUser_Assignment as Extract<PolicyRule, { kind: 'approval' }>;
    const stage = rule.setting.approvalStages[0]!;
    const required = { ...rule, setting: { ...rule.setting, isApprovalRequired: true } };
    expect(check(required)).toEqual([]);
    expect(check(required, true)).toHaveLength(1);
    expect(check({ ...required, setting: { ...required.setting, approvalStages: [] } })).toHaveLength(1);
    expect(check({ ...required, setting: { ...required.setting, approvalStages: [{ ...stage, approvalStageTimeOutInDays: 0 }] } })).toHaveLength(1);
    expect(
      check({ ...required, setting: { ...required.setting, approvalStages: [{ ...stage, isEscalationEnabled: true, escalationTimeInMinutes: 30 }] } }),
    ).toHaveLength(1);
    const backup = { '@odata.type': '#microsoft.graph.singleUser' as const, userId: 'u1' };
    expect(
      check({
        ...required,
        setting: { ...required.setting, approvalStages: [{ ...stage, isEscalationEnabled: true, escalationTimeInMinutes: 0, escalationApprovers: [backup] }] },
      }),
    ).toHaveLength(1);
    expect(
      check({
        ...required,
        setting: { ...required.setting, approvalStages: [{ ...stage, isEscalationEnabled: true, escalationTimeInMinutes: 30, escalationApprovers: [backup] }] },
      }),
    ).toEqual([]);
    // Escalation after the longest time-out (14 days) never happens, and its instant could overflow.
    expect(
      check({
        ...required,
        setting: {
          ...required.setting,
          approvalStages: [{ ...stage, isEscalationEnabled: true, escalationTimeInMinutes: 20_160, escalationApprovers: [backup] }],
        },
      }),
    ).toEqual([]);
    expect(
      check({
        ...required,
        setting: {
          ...required.setting,
          approvalStages: [{ ...stage, isEscalationEnabled: true, escalationTimeInMinutes: 20_161, escalationApprovers: [backup] }],
        },
      }),
    ).toHaveLength(1);
  });
  it('approval quorum: a whole number, at most the named approvers', () => {
    const rule = rules.Approval_EndUser_Assignment as Extract<PolicyRule, { kind: 'approval' }>;
    const stage = rule.setting.approvalStages[0]!;
    const users = ['u1', 'u2', 'u3'].map((userId) => ({ '@odata.type': '#microsoft.graph.singleUser' as const, userId }));
    const withStage = (s: object) => ({ ...rule, setting: { ...rule.setting, isApprovalRequired: true, approvalStages: [{ ...stage, ...s }] } });
    expect(check(withStage({ primaryApprovers: users, approvalsRequired: 2 }))).toEqual([]);
    expect(check(withStage({ primaryApprovers: users, approvalsRequired: 4 }))).toHaveLength(1);
    expect(check(withStage({ primaryApprovers: users, approvalsRequired: 0 }))).toHaveLength(1);
    expect(check(withStage({ primaryApprovers: [{ '@odata.type': '#microsoft.graph.groupMembers', groupId: 'g1' }], approvalsRequired: 5 }))).toEqual([]);
  });
  it('notification recipients are email addresses', () => {
    const rule = rules.Notification_Admin_Admin_Assignment as Extract<PolicyRule, { kind: 'notification' }>;
    expect(check({ ...rule, notificationRecipients: ['ops@contoso.example'] })).toEqual([]);
    expect(check({ ...rule, notificationRecipients: ['not an address'] })).toHaveLength(1);
  });
});
