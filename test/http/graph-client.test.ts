/**
 * Acceptance: Microsoft's own Graph JavaScript client drives OpenPIM over real HTTP on loopback,
 * through the life of an activation — eligibility, the policy refusals (each naming its rule),
 * the MFA step-up challenge, activation, the hard rules, a policy change, and authorization.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { HOUR } from '../../src/domain/time.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { graphClient, graphFailure as failure } from '../support/graph-client.ts';
import { openHttpHarness, type HttpHarness } from '../support/http-harness.ts';

const DIR = '/roleManagement/directory';
const MINE = "filterByCurrentUser(on='principal')";

const activation = (principalId: string, roleDefinitionId: string, duration: string, justification: string | null = 'Incident 4711') => ({
  action: 'selfActivate',
  principalId,
  roleDefinitionId,
  directoryScopeId: '/',
  justification,
  scheduleInfo: { expiration: { type: 'afterDuration', duration } },
});

describe.each(TEST_DATABASES)('the Microsoft Graph client against OpenPIM on $name', (database) => {
  let api: HttpHarness;
  let baseUrl: string;
  const clientFor = (principal: Principal, mfa = true) => graphClient(baseUrl, () => api.token(principal, { mfa }));
  let admin: Client;

  beforeAll(async () => {
    api = await openHttpHarness({ database });
    baseUrl = await api.listen();
    admin = clientFor(api.admin);
  });
  afterAll(async () => api?.close());

  it('runs eligibility → refused activations → activation → policy change, every step over HTTP', async () => {
    // The admin creates a user and makes them eligible for two roles.
    const created = await admin
      .api('/users')
      .post({ displayName: 'Alice Martin', userPrincipalName: 'alice@contoso.test', mail: 'alice@contoso.test', accountEnabled: true });
    expect(created).toMatchObject({ '@odata.type': '#microsoft.graph.user', displayName: 'Alice Martin', userPrincipalName: 'alice@contoso.test' });
    const alice = (await api.h.store.read.principals.get(api.h.tenantId, created.id))!;
    for (const roleId of [ROLE.userAdministrator, ROLE.helpdeskAdministrator]) {
      const eligible = await admin.api(`${DIR}/roleEligibilityScheduleRequests`).post({
        action: 'adminAssign',
        principalId: alice.id,
        roleDefinitionId: roleId,
        directoryScopeId: '/',
        justification: 'On-call rota',
        scheduleInfo: { expiration: { type: 'afterDuration', duration: 'P90D' } },
      });
      expect(eligible).toMatchObject({ action: 'adminAssign', status: 'Provisioned', principalId: alice.id, roleDefinitionId: roleId });
    }

    const me = clientFor(alice);
    const mine = await me.api(`${DIR}/roleEligibilityScheduleInstances/${MINE}`).get();
    expect(mine.value.map((i: { roleDefinitionId: string }) => i.roleDefinitionId).sort()).toEqual([ROLE.userAdministrator, ROLE.helpdeskAdministrator].sort());
    expect(mine.value.every((i: { principalId: string }) => i.principalId === alice.id)).toBe(true);

    // A non-admin may not make anyone eligible.
    const denied = await failure(
      me.api(`${DIR}/roleEligibilityScheduleRequests`).post({
        action: 'adminAssign',
        principalId: alice.id,
        roleDefinitionId: ROLE.globalAdministrator,
        directoryScopeId: '/',
        scheduleInfo: { expiration: { type: 'noExpiration' } },
      }),
    );
    expect(denied).toMatchObject({ statusCode: 403, code: 'Authorization_RequestDenied' });

    // Each policy refusal names the rule that failed, and only that one.
    const requests = `${DIR}/roleAssignmentScheduleRequests`;
    const noReason = await failure(me.api(requests).post(activation(alice.id, ROLE.userAdministrator, 'PT1H', null)));
    expect(noReason).toMatchObject({ statusCode: 400, code: 'RoleAssignmentRequestPolicyValidationFailed' });
    expect(noReason.message).toContain('JustificationRule');
    expect(noReason.message).not.toMatch(/ExpirationRule|MfaRule/);
    expect(noReason.body).toMatchObject({ code: 'RoleAssignmentRequestPolicyValidationFailed', innerError: { 'request-id': expect.any(String) } });

    const tooLong = await failure(me.api(requests).post(activation(alice.id, ROLE.userAdministrator, 'PT9H')));
    expect(tooLong).toMatchObject({ statusCode: 400, code: 'RoleAssignmentRequestPolicyValidationFailed' });
    expect(tooLong.message).toContain('ExpirationRule');
    expect(tooLong.message).toContain('PT8H');
    expect(tooLong.message).not.toMatch(/JustificationRule|MfaRule/);

    const noMfa = await failure(
      clientFor(alice, false)
        .api(requests)
        .post(activation(alice.id, ROLE.userAdministrator, 'PT1H')),
    );
    expect(noMfa).toMatchObject({ statusCode: 400, code: 'RoleAssignmentRequestPolicyValidationFailed' });
    expect(noMfa.message).toContain('MfaRule');
    expect(noMfa.message).not.toMatch(/JustificationRule|ExpirationRule/);
    expect(noMfa.headers?.get('www-authenticate')).toContain('error="insufficient_claims"');
    // The same challenge seen on the wire, without the client in between.
    const raw = await fetch(`${baseUrl}/v1.0${requests}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await api.token(alice, { mfa: false })}`, 'content-type': 'application/json' },
      body: JSON.stringify(activation(alice.id, ROLE.userAdministrator, 'PT1H')),
    });
    expect(raw.status).toBe(400);
    const challenge = raw.headers.get('www-authenticate')!;
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="insufficient_claims"');
    const claims = JSON.parse(Buffer.from(/claims="([^"]+)"/.exec(challenge)![1]!, 'base64').toString());
    expect(claims).toEqual({ access_token: { amr: { essential: true, values: ['mfa'] } } });

    // Nothing was granted by the refusals.
    expect((await me.api(`${DIR}/roleAssignmentScheduleInstances/${MINE}`).get()).value).toEqual([]);

    // A valid activation: in effect at once, for exactly one hour.
    const activated = await me.api(requests).post(activation(alice.id, ROLE.userAdministrator, 'PT1H'));
    expect(activated).toMatchObject({ action: 'selfActivate', status: 'Provisioned', principalId: alice.id, justification: 'Incident 4711' });
    const active = (await me.api(`${DIR}/roleAssignmentScheduleInstances/${MINE}`).get()).value;
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ principalId: alice.id, roleDefinitionId: ROLE.userAdministrator, assignmentType: 'Activated', memberType: 'Direct' });
    expect(Date.parse(active[0].endDateTime) - Date.parse(active[0].startDateTime)).toBe(HOUR);
    expect(Date.parse(active[0].startDateTime)).toBe(api.clock.now());

    // One activation at a time.
    const again = await failure(me.api(requests).post(activation(alice.id, ROLE.userAdministrator, 'PT2H')));
    expect(again).toMatchObject({ statusCode: 409, code: 'RoleAssignmentExists' });

    // Not deactivated in its first five minutes.
    const deactivate = { action: 'selfDeactivate', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator, directoryScopeId: '/' };
    const early = await failure(me.api(requests).post(deactivate));
    expect(early).toMatchObject({ statusCode: 400, code: 'ActiveDurationTooShort' });
    api.clock.advance('PT6M');
    expect(await me.api(requests).post(deactivate)).toMatchObject({ action: 'selfDeactivate', status: 'Revoked' });
    expect((await me.api(`${DIR}/roleAssignmentScheduleInstances/${MINE}`).get()).value).toEqual([]);

    // Role settings: PT9H is refused for Helpdesk Administrator until its policy allows PT10H.
    const nineHours = () => me.api(requests).post(activation(alice.id, ROLE.helpdeskAdministrator, 'PT9H'));
    expect(await failure(nineHours())).toMatchObject({
      statusCode: 400,
      code: 'RoleAssignmentRequestPolicyValidationFailed',
      message: expect.stringContaining('ExpirationRule'),
    });

    const assignments = await admin
      .api('/policies/roleManagementPolicyAssignments')
      .filter(`scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${ROLE.helpdeskAdministrator}'`)
      .expand('policy($expand=rules)')
      .get();
    expect(assignments.value).toHaveLength(1);
    const policy = assignments.value[0].policy;
    expect(assignments.value[0]).toMatchObject({ roleDefinitionId: ROLE.helpdeskAdministrator, scopeId: '/', policyId: policy.id });
    const rule = policy.rules.find((r: { id: string }) => r.id === 'Expiration_EndUser_Assignment');
    expect(rule).toMatchObject({ '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule', maximumDuration: 'PT8H' });

    const rulePath = `/policies/roleManagementPolicies/${policy.id}/rules/Expiration_EndUser_Assignment`;
    await admin.api(rulePath).patch({
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
      id: 'Expiration_EndUser_Assignment',
      isExpirationRequired: true,
      maximumDuration: 'PT10H',
      target: { caller: 'EndUser', operations: ['All'], level: 'Assignment', inheritableSettings: [], enforcedSettings: [] },
    });
    expect(await admin.api(rulePath).get()).toMatchObject({
      id: 'Expiration_EndUser_Assignment',
      maximumDuration: 'PT10H',
      target: { caller: 'EndUser', level: 'Assignment' },
    });

    // The user may not change role settings.
    const userPatch = await failure(
      me.api(rulePath).patch({ '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule', maximumDuration: 'P1D' }),
    );
    expect(userPatch).toMatchObject({ statusCode: 403, code: 'Authorization_RequestDenied' });

    const nine = await nineHours();
    expect(nine).toMatchObject({ status: 'Provisioned', roleDefinitionId: ROLE.helpdeskAdministrator });
    expect(nine.scheduleInfo.expiration).toMatchObject({ type: 'afterDuration', duration: 'PT9H' });
    const helpdesk = (await me.api(`${DIR}/roleAssignmentScheduleInstances/${MINE}`).get()).value;
    expect(helpdesk).toHaveLength(1);
    expect(Date.parse(helpdesk[0].endDateTime) - Date.parse(helpdesk[0].startDateTime)).toBe(9 * HOUR);

    // The admin sees the whole story in the audit log.
    const audit = await admin.api('/auditLogs/directoryAudits').top(100).get();
    const activities = audit.value.map((e: { activityDisplayName: string }) => e.activityDisplayName);
    expect(activities).toContain('Add member to role completed (PIM activation)');
    expect(activities.filter((a: string) => a === 'Add member to role completed (PIM activation)')).toHaveLength(2);
  });
});
