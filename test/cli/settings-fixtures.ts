/**
 * The PIM state config.test.ts and import.test.ts both build on a live server, and the two servers
 * they compare: an administrator Dana signed in to the CLI, and users Alice, Bob and Carol.
 */
import { expect } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { DAY } from '../../src/domain/time.ts';
import { DIR, PASSWORD, startHarness, type Harness, type TestUser } from './cli-harness.ts';

export const GROUPS_PIM = '/v1.0/identityGovernance/privilegedAccess/group';
export const POLICIES = '/v1.0/policies/roleManagementPolicies';
export const EXPIRATION = '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule';

/** Makes a user Global Administrator (permanently) and signs them in to the CLI. */
async function administrator(h: Harness): Promise<TestUser> {
  const dana = await h.user('Dana', { login: false });
  await h.api(h.adminToken, 'POST', `${DIR}/roleAssignmentScheduleRequests`, {
    action: 'adminAssign',
    principalId: dana.id,
    roleDefinitionId: ROLE.globalAdministrator,
    directoryScopeId: '/',
    justification: 'config admin',
    scheduleInfo: { expiration: { type: 'noExpiration' } },
  });
  const login = await h.cli(dana, ['login', '--server', h.server.url, '--username', dana.upn, '--password-stdin'], { input: `${PASSWORD}\n` });
  expect(login.code, login.stderr).toBe(0);
  return dana;
}

export interface Side {
  readonly h: Harness;
  /** Global Administrator, signed in to the CLI. */
  readonly dana: TestUser;
  readonly users: { readonly alice: TestUser; readonly bob: TestUser; readonly carol: TestUser };
}

/** Two servers with the same administrator and users. */
export async function twoServers(nameA: string, nameB: string): Promise<[Side, Side]> {
  const servers = await Promise.all([startHarness(nameA), startHarness(nameB)]);
  const sides = await Promise.all(
    servers.map(async (h) => {
      const dana = await administrator(h);
      const [alice, bob, carol] = [await h.user('Alice', { login: false }), await h.user('Bob', { login: false }), await h.user('Carol', { login: false })];
      return { h, dana, users: { alice, bob, carol } };
    }),
  );
  return [sides[0]!, sides[1]!];
}

export const iso = (at: number) => new Date(Math.floor(at / 1000) * 1000).toISOString();
export const policyOf = async (h: Harness, roleId: string, scopeId = '/') =>
  (await h.server.store.read.policies.forRoleAt(h.server.tenant.id, roleId, scopeId))!.id;
/** The id of the tenant default role settings, as Graph lists them. */
export const tenantDefaultOf = async (h: Harness) =>
  (await h.api<{ value: { id: string }[] }>(h.adminToken, 'GET', `${POLICIES}?$filter=${encodeURIComponent('isOrganizationDefault eq true')}`)).value[0]!.id;
export const patchRule = (h: Harness, policyId: string, ruleId: string, body: Record<string, unknown>) =>
  h.api(h.adminToken, 'PATCH', `${POLICIES}/${policyId}/rules/${ruleId}`, { id: ruleId, ...body });
/** Resets a rule of a policy to inherit it. */
export const inheritRule = (h: Harness, policyId: string, ruleId: string) => h.api(h.adminToken, 'DELETE', `${POLICIES}/${policyId}/rules/${ruleId}`);

/**
 * What both files start from: groups Ops (role-assignable: Alice, Bob) and Readers (Carol);
 * activations of at most 4 hours by default (the tenant default), which Security Reader inherits;
 * User Administrator activations of at most 2 hours with MFA, justification and a ticket; Security
 * Reader activations approved by Carol or a member of Ops; Helpdesk Administrator activations of
 * at most 8 hours (set on the role: the built-in default, not the tenant's); Ops members'
 * activations at most 4 hours (set on the group, the same as it would inherit). Returns the groups
 * and a way to submit adminAssign requests.
 */
export async function commonState(h: Harness, users: Side['users']) {
  const { alice, bob, carol } = users;
  const now = h.clock.now();
  const ops = await h.api<{ id: string }>(h.adminToken, 'POST', '/v1.0/groups', {
    displayName: 'Ops',
    description: 'On-call operators',
    isAssignableToRole: true,
  });
  const readers = await h.api<{ id: string }>(h.adminToken, 'POST', '/v1.0/groups', { displayName: 'Readers' });
  for (const [group, user] of [
    [ops, alice],
    [ops, bob],
    [readers, carol],
  ] as const) {
    await h.api(h.adminToken, 'POST', `/v1.0/groups/${group.id}/members/$ref`, {
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user!.id}`,
    });
  }
  await patchRule(h, await tenantDefaultOf(h), 'Expiration_EndUser_Assignment', { '@odata.type': EXPIRATION, maximumDuration: 'PT4H' });
  await patchRule(h, await policyOf(h, ROLE.helpdeskAdministrator), 'Expiration_EndUser_Assignment', { '@odata.type': EXPIRATION, maximumDuration: 'PT8H' });
  const userAdmin = await policyOf(h, ROLE.userAdministrator);
  await patchRule(h, userAdmin, 'Expiration_EndUser_Assignment', { '@odata.type': EXPIRATION, maximumDuration: 'PT2H' });
  await patchRule(h, userAdmin, 'Enablement_EndUser_Assignment', {
    '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
    enabledRules: ['MultiFactorAuthentication', 'Justification', 'Ticketing'],
  });
  await patchRule(h, await policyOf(h, ROLE.securityReader), 'Approval_EndUser_Assignment', {
    '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyApprovalRule',
    setting: {
      isApprovalRequired: true,
      isApprovalRequiredForExtension: false,
      isRequestorJustificationRequired: true,
      approvalMode: 'SingleStage',
      approvalStages: [
        {
          approvalStageTimeOutInDays: 2,
          isApproverJustificationRequired: false,
          escalationTimeInMinutes: 0,
          isEscalationEnabled: false,
          approvalsRequired: 1,
          primaryApprovers: [
            { '@odata.type': '#microsoft.graph.singleUser', userId: carol.id },
            { '@odata.type': '#microsoft.graph.groupMembers', groupId: ops.id },
          ],
          escalationApprovers: [],
        },
      ],
    },
  });
  await patchRule(h, await policyOf(h, 'member', `/groups/${ops.id}`), 'Expiration_EndUser_Assignment', { '@odata.type': EXPIRATION, maximumDuration: 'PT4H' });
  const assign = (collection: string, body: Record<string, unknown>, expiration: Record<string, unknown> = { type: 'noExpiration' }, start?: number) =>
    h.api(h.adminToken, 'POST', collection, {
      action: 'adminAssign',
      justification: 'set up',
      ...body,
      scheduleInfo: { ...(start ? { startDateTime: iso(start) } : {}), expiration },
    });
  const until = (days: number) => ({ type: 'afterDateTime', endDateTime: iso(now + days * DAY) });
  return { now, ops, readers, assign, until };
}
