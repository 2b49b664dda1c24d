/**
 * Role settings inherit rule by rule (docs/guide.md, "Policies (role settings)"; decision 0017): a
 * policy sets some rules, inherits the rest from the role's policies above it and last from the
 * tenant default — and requests obey what is in force. On SQLite and PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { createAdministrativeUnit } from '../../src/app/directory/create-administrative-unit.ts';
import { createScopedPolicy } from '../../src/app/policies/create-scoped-policy.ts';
import { inheritPolicyRule } from '../../src/app/policies/inherit-policy-rule.ts';
import { resolvePolicy } from '../../src/app/policies/resolve-policy.ts';
import { updatePolicyRule } from '../../src/app/policies/update-policy-rule.ts';
import type { Policy } from '../../src/app/ports/repositories.ts';
import { groupScope, GROUP_ROLE } from '../../src/domain/group-access.ts';
import { defaultPolicyRules } from '../../src/domain/policy/defaults.ts';
import { RULE_IDS, ruleOf, type PolicyRule, type RuleId } from '../../src/domain/policy/rules.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { adminAssign, closeVerifiedAfterEach, failureOf, groupWith, selfActivate } from '../support/scenario.ts';

const MAX = 'Expiration_EndUser_Assignment';
const maxOf = (p: Policy) => ruleOf(p.rules, MAX, 'expiration').maximumDuration;

describe.each(TEST_DATABASES)('policy inheritance on $name', (db) => {
  let h: Harness;
  closeVerifiedAfterEach(() => h);

  const tenantDefault = async () => (await h.store.read.policies.organizationDefault(h.tenantId))!;
  const rootOf = async (roleId: string) => (await h.store.read.policies.forRoleAt(h.tenantId, roleId, '/'))!;
  const inForce = (roleId: string, scopeId = '/') => resolvePolicy(h.store.read, h.tenantId, roleId, scopeId);
  const change = (policyId: string, ruleId: RuleId, set: Readonly<Record<string, unknown>>) =>
    updatePolicyRule(h.deps, h.admin, policyId, ruleId, (current) => ({ ...current, ...set }) as PolicyRule);
  const feedOf = (policyId: string) =>
    h.store.db.selectFrom('change_feed').select(['topic', 'payload']).where('entity_id', '=', policyId).orderBy('seq').execute();

  it('a new tenant has one default that sets all 17 rules; every role policy sets none and inherits them from it', async () => {
    h = await openHarness(db);
    const fallback = await tenantDefault();
    expect(fallback).toMatchObject({ isOrganizationDefault: true, roleDefinitionId: null, scopeId: '/', scopeType: 'Directory' });
    expect(fallback.rules).toEqual(defaultPolicyRules());
    const root = await rootOf(ROLE.userAdministrator);
    expect(root.rules).toEqual({});
    const policy = await inForce(ROLE.userAdministrator);
    expect(policy.id).toBe(root.id);
    expect(policy.rules).toEqual(defaultPolicyRules());
    expect(Object.keys(policy.inheritedFrom).sort()).toEqual([...RULE_IDS].sort());
    expect(policy.inheritedFrom[MAX]).toEqual({ policyId: fallback.id, scopeId: '/', isOrganizationDefault: true });
  });

  it('a change to the tenant default reaches every role that does not set the rule, and the next activation obeys it', async () => {
    h = await openHarness(db);
    const alice = await h.user('alice@contoso.test');
    await adminAssign(h, 'eligibility', alice, ROLE.userAdministrator, 'permanent');
    await change((await tenantDefault()).id, MAX, { maximumDuration: 'PT2H' });
    expect(maxOf(await inForce(ROLE.userAdministrator))).toBe('PT2H');
    expect(maxOf(await inForce(ROLE.helpdeskAdministrator))).toBe('PT2H');
    const refused = await failureOf(selfActivate(h, alice, ROLE.userAdministrator, 'PT3H'));
    expect(refused.code).toBe('RoleAssignmentRequestPolicyValidationFailed');
    expect(refused.message).toContain('at most PT2H');
    expect((await selfActivate(h, alice, ROLE.userAdministrator, 'PT2H')).status).toBe('Provisioned');
  });

  it('a rule set on a role wins over the default there only; resetting it makes the role follow the default again', async () => {
    h = await openHarness(db);
    const root = await rootOf(ROLE.userAdministrator);
    await change(root.id, MAX, { maximumDuration: 'PT1H' });
    await change((await tenantDefault()).id, MAX, { maximumDuration: 'PT4H' });
    const own = await inForce(ROLE.userAdministrator);
    expect(maxOf(own)).toBe('PT1H');
    expect(own.inheritedFrom[MAX]).toBeUndefined();
    expect(maxOf(await inForce(ROLE.helpdeskAdministrator))).toBe('PT4H');

    const reset = await inheritPolicyRule(h.deps, h.admin, root.id, MAX);
    expect(reset).toEqual({ rule: expect.objectContaining({ maximumDuration: 'PT4H' }), changed: true });
    const after = await inForce(ROLE.userAdministrator);
    expect(maxOf(after)).toBe('PT4H');
    expect(after.inheritedFrom[MAX]?.isOrganizationDefault).toBe(true);
    expect((await rootOf(ROLE.userAdministrator)).rules).toEqual({});
    // Once more: nothing to reset, nothing written.
    expect((await inheritPolicyRule(h.deps, h.admin, root.id, MAX)).changed).toBe(false);
    const feed = await feedOf(root.id);
    expect(feed.map((f) => f.topic)).toEqual(['policy.updated', 'policy.updated']);
    expect(JSON.parse(String(feed[1]!.payload))).toMatchObject({ ruleId: MAX, inherited: true, rule: { maximumDuration: 'PT4H' } });
    const audit = await h.store.db.selectFrom('audit_events').select(['activity', 'details']).where('targets', 'like', `%${root.id}%`).execute();
    expect(audit).toHaveLength(2);
    expect(String(audit[1]!.details)).toContain('InheritedFrom');
  });

  it('a scoped policy starts setting nothing and follows its role at `/`, then the default, rule by rule', async () => {
    h = await openHarness(db);
    const europe = (await createAdministrativeUnit(h.deps, h.admin, { displayName: 'Europe' })).id;
    const scoped = await createScopedPolicy(h.deps, h.admin, { roleDefinitionId: ROLE.userAdministrator, scopeId: europe });
    expect((await h.store.read.policies.get(h.tenantId, scoped.id))!.rules).toEqual({});
    const root = await rootOf(ROLE.userAdministrator);
    await change(root.id, MAX, { maximumDuration: 'PT3H' });
    await change((await tenantDefault()).id, 'Enablement_EndUser_Assignment', { enabledRules: ['MultiFactorAuthentication', 'Justification', 'Ticketing'] });
    const there = await inForce(ROLE.userAdministrator, europe);
    expect(there.id).toBe(scoped.id);
    expect(maxOf(there)).toBe('PT3H');
    expect(there.inheritedFrom[MAX]).toEqual({ policyId: root.id, scopeId: '/', isOrganizationDefault: false });
    expect(ruleOf(there.rules, 'Enablement_EndUser_Assignment', 'enablement').enabledRules).toContain('Ticketing');
    expect(there.inheritedFrom.Enablement_EndUser_Assignment?.isOrganizationDefault).toBe(true);
    await change(scoped.id, MAX, { maximumDuration: 'PT30M' });
    expect(maxOf(await inForce(ROLE.userAdministrator, europe))).toBe('PT30M');
    expect(maxOf(await inForce(ROLE.userAdministrator))).toBe('PT3H');
  });

  it("a group's policies inherit from the defaults for groups, then from the tenant default", async () => {
    h = await openHarness(db);
    const team = await groupWith(h, 'Team', []);
    const memberRoot = await rootOf(GROUP_ROLE.member);
    await change(memberRoot.id, MAX, { maximumDuration: 'PT5H' });
    await change((await tenantDefault()).id, MAX, { maximumDuration: 'PT6H' });
    const member = await inForce(GROUP_ROLE.member, groupScope(team.id));
    expect(maxOf(member)).toBe('PT5H');
    expect(member.inheritedFrom[MAX]?.policyId).toBe(memberRoot.id);
    expect(maxOf(await inForce(GROUP_ROLE.owner, groupScope(team.id)))).toBe('PT6H');
  });

  it('the tenant default inherits nothing, and its approval rule must name an approver (groups and resource roles inherit it)', async () => {
    h = await openHarness(db);
    const fallback = await tenantDefault();
    expect((await failureOf(inheritPolicyRule(h.deps, h.admin, fallback.id, MAX))).code).toBe('Request_BadRequest');
    const approval = ruleOf(defaultPolicyRules(), 'Approval_EndUser_Assignment', 'approval');
    const unnamed = await failureOf(change(fallback.id, 'Approval_EndUser_Assignment', { setting: { ...approval.setting, isApprovalRequired: true } }));
    expect(unnamed.code).toBe('Request_BadRequest');
    expect((await tenantDefault()).rules.Approval_EndUser_Assignment).toEqual(approval);
    // A directory role's own approval rule may leave approvers to the administrators.
    await change((await rootOf(ROLE.userAdministrator)).id, 'Approval_EndUser_Assignment', { setting: { ...approval.setting, isApprovalRequired: true } });
  });

  it('only an administrator of policies may change or reset the tenant default', async () => {
    h = await openHarness(db);
    const bob = await h.caller(await h.user('bob@contoso.test'), { mfa: true });
    const fallback = await tenantDefault();
    const denied = await failureOf(updatePolicyRule(h.deps, bob, fallback.id, MAX, (r) => ({ ...r, maximumDuration: 'PT1H' }) as PolicyRule));
    expect(denied.code).toBe('Authorization_RequestDenied');
    expect((await failureOf(inheritPolicyRule(h.deps, bob, (await rootOf(ROLE.userAdministrator)).id, MAX))).code).toBe('Authorization_RequestDenied');
  });
});
