import { describe, expect, it } from 'vitest';
import { defaultPolicyRules } from '../policy/defaults.ts';
import type { PolicyRules } from '../policy/rules.ts';
import { HOUR, MINUTE } from '../time.ts';
import { evaluatePolicy, needsApproval, policyError, type PolicyInput } from './evaluate-policy.ts';

const NOW = Date.UTC(2026, 0, 5, 9);
const base: PolicyInput = {
  action: 'selfActivate',
  kind: 'assignment',
  window: { startAt: NOW, endAt: NOW + HOUR },
  justification: 'Fix the mail flow',
  ticketInfo: { ticketNumber: null, ticketSystem: null },
  mfa: true,
  acrs: [],
};

const withRules = (change: (r: PolicyRules) => Partial<Record<keyof PolicyRules, unknown>>): PolicyRules => {
  const rules = defaultPolicyRules();
  return { ...rules, ...change(rules) } as PolicyRules;
};

const failing = (rules: PolicyRules, input: Partial<PolicyInput>) => evaluatePolicy(rules, { ...base, ...input }, NOW).map((f) => f.rule);

describe('evaluatePolicy: activation under the default policy', () => {
  const rules = defaultPolicyRules();
  it.each<[string, Partial<PolicyInput>, string[]]>([
    ['all given', {}, []],
    ['no justification', { justification: null }, ['JustificationRule']],
    ['blank justification', { justification: '   ' }, ['JustificationRule']],
    ['no MFA', { mfa: false }, ['MfaRule']],
    ['over PT8H', { window: { startAt: NOW, endAt: NOW + 9 * HOUR } }, ['ExpirationRule']],
    ['exactly PT8H', { window: { startAt: NOW, endAt: NOW + 8 * HOUR } }, []],
    ['under 5 minutes', { window: { startAt: NOW, endAt: NOW + 4 * MINUTE } }, ['ExpirationRule']],
    ['no end', { window: { startAt: NOW, endAt: null } }, ['ExpirationRule']],
    [
      'everything wrong',
      { justification: null, mfa: false, window: { startAt: NOW, endAt: NOW + 10 * HOUR } },
      ['ExpirationRule', 'JustificationRule', 'MfaRule'],
    ],
  ])('%s → %j', (_name, input, expected) => {
    expect(failing(rules, input)).toEqual(expected);
  });
});

describe('evaluatePolicy: other rules', () => {
  it('Ticketing requires a ticket number', () => {
    const rules = withRules((r) => ({ Enablement_EndUser_Assignment: { ...r.Enablement_EndUser_Assignment, enabledRules: ['Ticketing'] } }));
    expect(failing(rules, {})).toEqual(['TicketingRule']);
    expect(failing(rules, { ticketInfo: { ticketNumber: 'INC-1', ticketSystem: 'ServiceNow' } })).toEqual([]);
  });

  it('an authentication context needs its claim', () => {
    const rules = withRules((r) => ({
      AuthenticationContext_EndUser_Assignment: { ...r.AuthenticationContext_EndUser_Assignment, isEnabled: true, claimValue: 'c1' },
    }));
    expect(failing(rules, {})).toEqual(['AcrsRule']);
    expect(failing(rules, { acrs: ['c1'] })).toEqual([]);
    expect(policyError(evaluatePolicy(rules, base, NOW))?.code).toBe('RoleAssignmentRequestAcrsValidationFailed');
    expect(policyError(evaluatePolicy(rules, { ...base, mfa: false }, NOW))?.code).toBe('RoleAssignmentRequestPolicyValidationFailed');
  });

  it('admin eligibility: permanent allowed by default, refused when expiration is required, bounded by the maximum', () => {
    const admin = { ...base, action: 'adminAssign' as const, kind: 'eligibility' as const, justification: null, mfa: false };
    expect(evaluatePolicy(defaultPolicyRules(), { ...admin, window: { startAt: NOW, endAt: null } }, NOW)).toEqual([]);
    const strict = withRules((r) => ({
      Expiration_Admin_Eligibility: { ...r.Expiration_Admin_Eligibility, isExpirationRequired: true, maximumDuration: 'P30D' },
    }));
    expect(evaluatePolicy(strict, { ...admin, window: { startAt: NOW, endAt: null } }, NOW).map((f) => f.rule)).toEqual(['ExpirationRule']);
    expect(evaluatePolicy(strict, { ...admin, window: { startAt: NOW, endAt: NOW + 31 * 24 * HOUR } }, NOW).map((f) => f.rule)).toEqual(['ExpirationRule']);
  });

  it('admin active assignment needs a justification by default', () => {
    const admin = { ...base, action: 'adminAssign' as const, justification: null, window: { startAt: NOW, endAt: null } };
    expect(evaluatePolicy(defaultPolicyRules(), admin, NOW).map((f) => f.rule)).toEqual(['JustificationRule']);
  });

  it('removing needs nothing', () => {
    expect(evaluatePolicy(defaultPolicyRules(), { ...base, action: 'adminRemove', justification: null, mfa: false }, NOW)).toEqual([]);
  });
});

describe('policyError', () => {
  it('names every failing rule the way Entra starts its message, then says what would satisfy each', () => {
    const error = policyError(evaluatePolicy(defaultPolicyRules(), { ...base, justification: null, mfa: false }, NOW))!;
    expect(error.code).toBe('RoleAssignmentRequestPolicyValidationFailed');
    expect(error.message).toMatch(/^The following policy rules failed: \["JustificationRule","MfaRule"\]\. /);
    expect(error.message).toContain('a justification is required');
    expect(error.details.failedRules).toEqual(['JustificationRule', 'MfaRule']);
    expect(policyError([])).toBeNull();
  });
});

describe('needsApproval', () => {
  it('follows the approval rule for activation and always holds for self extend/renew', () => {
    const rules = defaultPolicyRules();
    expect(needsApproval(rules, 'selfActivate')).toBe(false);
    expect(needsApproval(rules, 'selfExtend')).toBe(true);
    expect(needsApproval(rules, 'selfRenew')).toBe(true);
    const approval = withRules((r) => ({
      Approval_EndUser_Assignment: {
        ...r.Approval_EndUser_Assignment,
        setting: { ...(r.Approval_EndUser_Assignment as { setting: object }).setting, isApprovalRequired: true },
      },
    }));
    expect(needsApproval(approval, 'selfActivate')).toBe(true);
  });
});
