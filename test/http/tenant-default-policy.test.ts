/**
 * The tenant default role settings over HTTP (docs/api.md; docs/guide.md, "Policies (role
 * settings)"): served as Graph's tenant-wide policy, every other policy's inherited rules marked with
 * where they come from, changed with PATCH, and a rule reset to inherit with DELETE — as a script
 * and as Microsoft's kiota SDK see them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/model.ts';
import { RULE_IDS } from '../../src/domain/policy/rules.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { kiotaGraph } from '../support/kiota-graph.ts';
import { json, openHttpHarness, type GraphErrorBody, type HttpHarness } from '../support/http-harness.ts';

const POLICIES = '/v1.0/policies/roleManagementPolicies';
const ASSIGNMENTS = '/v1.0/policies/roleManagementPolicyAssignments';
const MAX = 'Expiration_EndUser_Assignment';
type Rule = Record<string, unknown> & {
  id: string;
  maximumDuration?: string;
  inheritedFrom?: { policyId: string; scopeId: string; isOrganizationDefault: boolean };
};
type PolicyBody = Record<string, unknown> & { id: string; rules: Rule[] };

describe('the tenant default role settings over HTTP', () => {
  let api: HttpHarness;
  let baseUrl: string;
  let alice: Principal;
  let fallback: PolicyBody;
  let helpdesk: string;

  const get = async <T>(url: string, who: Principal | string = api.admin) => {
    const res = await api.call(who, 'GET', url);
    expect(res.statusCode, res.body).toBe(200);
    return json<T>(res);
  };
  const rule = (policyId: string, ruleId = MAX) => get<Rule>(`${POLICIES}/${policyId}/rules/${ruleId}`);
  const filtered = (filter: string) => `${POLICIES}?$filter=${encodeURIComponent(filter)}&$expand=rules`;

  beforeAll(async () => {
    api = await openHttpHarness();
    baseUrl = await api.listen();
    alice = await api.h.user('alice@contoso.test', 'Alice');
    const found = await get<{ value: PolicyBody[] }>(filtered('isOrganizationDefault eq true'));
    expect(found.value).toHaveLength(1);
    fallback = found.value[0]!;
    const assignment = await get<{ value: { policyId: string }[] }>(
      `${ASSIGNMENTS}?$filter=${encodeURIComponent(`scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${ROLE.helpdeskAdministrator}'`)}`,
    );
    helpdesk = assignment.value[0]!.policyId;
  });
  afterAll(async () => api?.close());

  it("is Graph's tenant-wide policy: isOrganizationDefault, scope / of type Directory, all 17 rules its own", () => {
    expect(fallback).toMatchObject({ isOrganizationDefault: true, scopeId: '/', scopeType: 'Directory', displayName: 'Tenant default' });
    expect(fallback.rules.map((r) => r.id)).toEqual([...RULE_IDS]);
    expect(fallback.rules.filter((r) => r.inheritedFrom)).toEqual([]);
  });

  it('has no role, so no policy assignment; a filter on role policies leaves it out', async () => {
    const assignments = await get<{ value: { policyId: string }[] }>(`${ASSIGNMENTS}?$top=999`);
    expect(assignments.value.map((a) => a.policyId)).not.toContain(fallback.id);
    const all = Number((await api.call(api.admin, 'GET', `${POLICIES}/$count`)).body);
    expect(Number((await api.call(api.admin, 'GET', `${ASSIGNMENTS}/$count`)).body)).toBe(all - 1);
    for (const scopeType of ['DirectoryRole', 'Directory']) {
      const roles = await get<{ value: PolicyBody[] }>(`${POLICIES}?$top=999&$filter=${encodeURIComponent(`scopeId eq '/' and scopeType eq '${scopeType}'`)}`);
      expect(roles.value.length).toBeGreaterThan(100);
      expect(roles.value.map((p) => p.id)).not.toContain(fallback.id);
    }
    const assignmentOf = await api.call(api.admin, 'GET', `${ASSIGNMENTS}/${fallback.id}_null`);
    expect(assignmentOf.statusCode).toBe(404);
  });

  it("marks each rule a role's policy inherits with where it comes from; rules and effectiveRules agree", async () => {
    const policy = await get<PolicyBody & { effectiveRules: Rule[] }>(`${POLICIES}/${helpdesk}?$expand=rules,effectiveRules`);
    expect(policy.rules).toHaveLength(17);
    for (const r of policy.rules) expect(r.inheritedFrom, r.id).toEqual({ policyId: fallback.id, scopeId: '/', isOrganizationDefault: true });
    expect(policy.effectiveRules).toEqual(policy.rules);
  });

  it('a PATCH of the default reaches the roles that inherit the rule, and their next activation obeys it', async () => {
    expect((await api.call(api.admin, 'PATCH', `${POLICIES}/${fallback.id}/rules/${MAX}`, { maximumDuration: 'PT3H' })).statusCode).toBe(204);
    expect(await rule(helpdesk)).toMatchObject({ maximumDuration: 'PT3H', inheritedFrom: { policyId: fallback.id } });
    const eligible = await api.call(api.admin, 'POST', '/v1.0/roleManagement/directory/roleEligibilityScheduleRequests', {
      action: 'adminAssign',
      principalId: alice.id,
      roleDefinitionId: ROLE.helpdeskAdministrator,
      directoryScopeId: '/',
      justification: 'Desk',
      scheduleInfo: { expiration: { type: 'noExpiration' } },
    });
    expect(eligible.statusCode, eligible.body).toBe(201);
    const activate = (duration: string) =>
      api.call(
        alice,
        'POST',
        '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests',
        {
          action: 'selfActivate',
          principalId: alice.id,
          roleDefinitionId: ROLE.helpdeskAdministrator,
          directoryScopeId: '/',
          justification: 'Ticket 1',
          scheduleInfo: { expiration: { type: 'afterDuration', duration } },
        },
        { mfa: true },
      );
    const refused = await activate('PT4H');
    expect(refused.statusCode).toBe(400);
    expect(json<GraphErrorBody>(refused).error.message).toContain('PT3H');
    expect((await activate('PT3H')).statusCode).toBe(201);
  });

  it("a PATCH of a role's rule — sent back as read, inheritedFrom and annotations included — sets it there; DELETE inherits it again", async () => {
    const read = await get<Rule>(`${POLICIES}/${helpdesk}/rules/${MAX}`);
    expect(read.inheritedFrom).toBeDefined();
    const patched = await api.call(api.admin, 'PATCH', `${POLICIES}/${helpdesk}/rules/${MAX}`, { ...read, maximumDuration: 'PT1H' });
    expect(patched.statusCode, patched.body).toBe(204);
    const own = await rule(helpdesk);
    expect(own.maximumDuration).toBe('PT1H');
    expect(own).not.toHaveProperty('inheritedFrom');
    expect((await rule(fallback.id)).maximumDuration).toBe('PT3H');

    expect((await api.call(api.admin, 'DELETE', `${POLICIES}/${helpdesk}/rules/${MAX}`)).statusCode).toBe(204);
    expect(await rule(helpdesk)).toMatchObject({ maximumDuration: 'PT3H', inheritedFrom: { policyId: fallback.id, isOrganizationDefault: true } });
    // Already inherited: nothing to do, still 204.
    expect((await api.call(api.admin, 'DELETE', `${POLICIES}/${helpdesk}/rules/${MAX}`)).statusCode).toBe(204);
  });

  it('refuses to reset a rule of the default (400), an unknown rule (404), and a caller without the right (403)', async () => {
    const onDefault = await api.call(api.admin, 'DELETE', `${POLICIES}/${fallback.id}/rules/${MAX}`);
    expect(onDefault.statusCode).toBe(400);
    expect(json<GraphErrorBody>(onDefault).error.code).toBe('Request_BadRequest');
    expect((await api.call(api.admin, 'DELETE', `${POLICIES}/${helpdesk}/rules/No_Such_Rule`)).statusCode).toBe(404);
    expect((await api.call(api.admin, 'DELETE', `${POLICIES}/no-such-policy/rules/${MAX}`)).statusCode).toBe(404);
    expect((await api.call(alice, 'DELETE', `${POLICIES}/${helpdesk}/rules/${MAX}`, undefined, { mfa: true })).statusCode).toBe(403);
    expect((await api.call(alice, 'PATCH', `${POLICIES}/${fallback.id}/rules/${MAX}`, { maximumDuration: 'PT1H' }, { mfa: true })).statusCode).toBe(403);
  });

  it("reads the default and writes back an inherited rule with Microsoft's kiota SDK", async () => {
    const admin = await kiotaGraph(baseUrl, () => api.token(api.admin), 'v1.0');
    const found = await admin.policies.roleManagementPolicies.get({ queryParameters: { filter: 'isOrganizationDefault eq true', expand: ['rules'] } });
    expect(found.value).toHaveLength(1);
    expect(found.value[0]).toMatchObject({ id: fallback.id, isOrganizationDefault: true, scopeType: 'Directory' });
    const rules = admin.policies.roleManagementPolicies.byUnifiedRoleManagementPolicyId(helpdesk).rules;
    const inherited = await rules.byUnifiedRoleManagementPolicyRuleId('Enablement_Admin_Assignment').get();
    // kiota keeps inheritedFrom among the rule's additional data and sends it back with the PATCH.
    expect(inherited.additionalData.inheritedFrom).toEqual({ policyId: fallback.id, scopeId: '/', isOrganizationDefault: true });
    await rules.byUnifiedRoleManagementPolicyRuleId('Enablement_Admin_Assignment').patch(inherited);
    expect(await rule(helpdesk, 'Enablement_Admin_Assignment')).not.toHaveProperty('inheritedFrom');
  });
});
