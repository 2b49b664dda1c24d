/**
 * Graph fidelity (issue 13): Microsoft's kiota Graph SDKs (v1.0 and beta) drive OpenPIM's PIM paths
 * over loopback through their fluent request builders (test/support/kiota-graph.ts) — `$count` on
 * every collection, the same paths under /beta, the navigations of requests, schedules, instances
 * and role assignments (as paths and as `$expand`), roleAssignments by id (GET, POST, DELETE), the
 * PIM for Groups approver inbox of approvals, and a policy rule read with the SDK and sent back.
 */
import { Duration } from '@microsoft/kiota-abstractions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { kiotaFailure, kiotaGraph, type Fluent } from '../support/kiota-graph.ts';
import { json, openHttpHarness, type HttpHarness } from '../support/http-harness.ts';

type Model = Record<string, unknown> & { id?: string; odataType?: string; value?: Model[]; additionalData?: Record<string, unknown> };

describe("the kiota Graph SDKs against OpenPIM's PIM paths", () => {
  let api: HttpHarness;
  let baseUrl: string;
  let alice: Principal;
  let bob: Principal;
  let groupId: string;
  let unitId: string;
  const sdk = (who: Principal, version: 'v1.0' | 'beta' = 'v1.0'): Promise<Fluent> => kiotaGraph(baseUrl, () => api.token(who), version);
  const dir = (g: Fluent) => g.roleManagement.directory;
  const grp = (g: Fluent) => g.identityGovernance.privilegedAccess.group;
  const forever = { expiration: { type: 'noExpiration' } };
  const lasting = (iso: string) => ({ expiration: { type: 'afterDuration', duration: Duration.parse(iso) } });

  /** Eligibility ids, activation ids: what the tests below navigate from. */
  const made: Record<string, string> = {};

  beforeAll(async () => {
    api = await openHttpHarness();
    baseUrl = await api.listen();
    alice = await api.h.user('alice@contoso.test', 'Alice');
    bob = await api.h.user('bob@contoso.test', 'Bob');
    const group = await api.call(api.admin, 'POST', '/v1.0/groups', { displayName: 'Operators' });
    groupId = json<{ id: string }>(group).id;
    const unit = await api.call(api.admin, 'POST', '/v1.0/directory/administrativeUnits', { displayName: 'Paris' });
    unitId = json<{ id: string }>(unit).id;

    // Everything the tests read is made through the SDK, as a script would.
    const admin = await sdk(api.admin);
    const eligible = await dir(admin).roleEligibilityScheduleRequests.post({
      action: 'adminAssign',
      principalId: alice.id,
      roleDefinitionId: ROLE.userAdministrator,
      directoryScopeId: '/',
      justification: 'Rota',
      scheduleInfo: forever,
    });
    made.eligibilityRequest = eligible.id;
    made.eligibility = eligible.targetScheduleId;
    const scoped = await dir(admin).roleEligibilityScheduleRequests.post({
      action: 'adminAssign',
      principalId: alice.id,
      roleDefinitionId: ROLE.helpdeskAdministrator,
      directoryScopeId: `/administrativeUnits/${unitId}`,
      justification: 'Paris desk',
      scheduleInfo: forever,
    });
    made.scopedEligibility = scoped.targetScheduleId;
    const activation = await dir(await sdk(alice)).roleAssignmentScheduleRequests.post({
      action: 'selfActivate',
      principalId: alice.id,
      roleDefinitionId: ROLE.userAdministrator,
      directoryScopeId: '/',
      justification: 'Incident 4711',
      scheduleInfo: lasting('PT1H'),
    });
    expect(activation.status).toBe('Provisioned');
    made.activationRequest = activation.id;
    made.activation = activation.targetScheduleId;
    const groupEligible = await grp(admin).eligibilityScheduleRequests.post({
      action: 'adminAssign',
      principalId: alice.id,
      groupId,
      accessId: 'member',
      justification: 'Rota',
      scheduleInfo: forever,
    });
    made.groupEligibility = groupEligible.targetScheduleId;
    const groupActivation = await grp(await sdk(alice)).assignmentScheduleRequests.post({
      action: 'selfActivate',
      principalId: alice.id,
      groupId,
      accessId: 'member',
      justification: 'On call',
      scheduleInfo: lasting('PT2H'),
    });
    made.groupActivationRequest = groupActivation.id;
    made.groupActivation = groupActivation.targetScheduleId;
  });
  afterAll(async () => api?.close());

  /** Policy set-up, as JSON (what is tested here is not how the rule is changed). */
  async function patchRule(roleId: string, ruleId: string, body: unknown, scopeId = '/') {
    const policy = (await api.h.store.read.policies.forRoleAt(api.h.tenantId, roleId, scopeId))!;
    const res = await api.call(api.admin, 'PATCH', `/v1.0/policies/roleManagementPolicies/${policy.id}/rules/${ruleId}`, body);
    expect(res.statusCode, res.body).toBe(204);
  }

  it('counts every PIM collection with $count, honouring $filter, as text/plain', async () => {
    const admin = await sdk(api.admin);
    const mine = { queryParameters: { filter: `principalId eq '${alice.id}'` } };
    expect(await dir(admin).roleEligibilitySchedules.count.get(mine)).toBe(2);
    expect(await dir(admin).roleEligibilitySchedules.count.get({ queryParameters: { filter: `roleDefinitionId eq '${ROLE.helpdeskAdministrator}'` } })).toBe(1);
    expect(await dir(admin).roleEligibilityScheduleInstances.count.get(mine)).toBe(2);
    expect(await dir(admin).roleAssignmentSchedules.count.get(mine)).toBe(1);
    expect(await dir(admin).roleAssignmentScheduleInstances.count.get(mine)).toBe(1);
    expect(await dir(admin).roleAssignmentScheduleRequests.count.get(mine)).toBe(1);
    expect(await dir(admin).roleEligibilityScheduleRequests.count.get(mine)).toBe(2);
    expect(await dir(admin).roleAssignments.count.get(mine)).toBe(1);
    const roles = await dir(admin).roleDefinitions.get({ queryParameters: { top: 999 } });
    expect(await dir(admin).roleDefinitions.count.get()).toBe(roles.value.length);
    expect(await dir(admin).roleDefinitions.count.get({ queryParameters: { filter: 'isBuiltIn eq false' } })).toBe(0);
    const groupOnly = { queryParameters: { filter: `groupId eq '${groupId}'` } };
    expect(await grp(admin).eligibilitySchedules.count.get(groupOnly)).toBe(1);
    expect(await grp(admin).eligibilityScheduleInstances.count.get(groupOnly)).toBe(1);
    expect(await grp(admin).assignmentSchedules.count.get(groupOnly)).toBe(1);
    expect(await grp(admin).assignmentScheduleInstances.count.get(groupOnly)).toBe(1);
    expect(await grp(admin).assignmentScheduleRequests.count.get(groupOnly)).toBe(1);
    expect(await grp(admin).eligibilityScheduleRequests.count.get(groupOnly)).toBe(1);
    const policies = await admin.policies.roleManagementPolicies.get({ queryParameters: { top: 999 } });
    expect(await admin.policies.roleManagementPolicies.count.get()).toBe(policies.value.length);
    expect(await admin.policies.roleManagementPolicies.count.get({ queryParameters: { filter: `scopeId eq '${groupId}' and scopeType eq 'Group'` } })).toBe(2);
    // Every policy has an assignment to its role but the tenant default, which has no role.
    expect(await admin.policies.roleManagementPolicyAssignments.count.get()).toBe(policies.value.filter((p: Model) => !p.isOrganizationDefault).length);
    expect(policies.value.filter((p: Model) => p.isOrganizationDefault)).toHaveLength(1);
    const policyId = policies.value[0].id;
    expect(await admin.policies.roleManagementPolicies.byUnifiedRoleManagementPolicyId(policyId).rules.count.get()).toBeGreaterThan(10);

    // Who may not list a collection may not count it either.
    expect(await kiotaFailure(dir(await sdk(alice)).roleEligibilitySchedules.count.get())).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
    // On the wire: a bare number as text/plain.
    const res = await fetch(
      `${baseUrl}/v1.0/roleManagement/directory/roleEligibilitySchedules/$count?$filter=${encodeURIComponent(`principalId eq '${alice.id}'`)}`,
      {
        headers: { authorization: `Bearer ${await api.token(api.admin)}` },
      },
    );
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('2');
  });

  it('serves the PIM paths under /beta as under /v1.0, through the beta SDK', async () => {
    const beta = await sdk(api.admin, 'beta');
    const v1 = await sdk(api.admin);
    for (const path of [
      'roleEligibilitySchedules',
      'roleAssignmentScheduleInstances',
      'roleAssignmentScheduleRequests',
      'roleEligibilityScheduleRequests',
      'roleAssignments',
    ] as const) {
      const [b, v] = [await dir(beta)[path].get(), await dir(v1)[path].get()];
      expect(
        b.value.map((x: Model) => x.id),
        path,
      ).toEqual(v.value.map((x: Model) => x.id));
    }
    expect(await dir(beta).roleEligibilitySchedules.count.get()).toBe(await dir(v1).roleEligibilitySchedules.count.get());
    expect((await grp(beta).assignmentSchedules.get()).value.length).toBeGreaterThan(0);
    expect((await beta.policies.roleManagementPolicies.get()).value.length).toBeGreaterThan(0);
    const mine = await dir(await sdk(alice, 'beta'))
      .roleEligibilityScheduleInstances.filterByCurrentUserWithOn('principal')
      .get();
    expect(mine.value).toHaveLength(2);
    // Writes too: alice deactivates nothing yet (too early), the same refusal as v1.0.
    const early = await kiotaFailure(
      dir(await sdk(alice, 'beta')).roleAssignmentScheduleRequests.post({
        action: 'selfDeactivate',
        principalId: alice.id,
        roleDefinitionId: ROLE.userAdministrator,
        directoryScopeId: '/',
      }),
    );
    expect(early).toMatchObject({ status: 400, code: 'ActiveDurationTooShort' });
    // The context names the version asked.
    const raw = await fetch(`${baseUrl}/beta/roleManagement/directory/roleEligibilitySchedules/${made.eligibility}`, {
      headers: { authorization: `Bearer ${await api.token(api.admin)}` },
    });
    expect(((await raw.json()) as Record<string, unknown>)['@odata.context']).toMatch(
      /\/beta\/\$metadata#roleManagement\/directory\/roleEligibilitySchedules\/\$entity$/,
    );
  });

  it('follows the navigations of requests, schedules and instances as paths', async () => {
    const admin = await sdk(api.admin);
    const request = dir(admin).roleAssignmentScheduleRequests.byUnifiedRoleAssignmentScheduleRequestId(made.activationRequest);
    expect(await request.principal.get()).toMatchObject({ id: alice.id, odataType: '#microsoft.graph.user', displayName: 'Alice' });
    expect(await request.roleDefinition.get()).toMatchObject({ id: ROLE.userAdministrator, displayName: 'User Administrator' });
    expect(await request.targetSchedule.get()).toMatchObject({ id: made.activation, assignmentType: 'Activated' });
    expect(await request.activatedUsing.get()).toMatchObject({ id: made.eligibility, principalId: alice.id });
    expect(await kiotaFailure(request.directoryScope.get())).toMatchObject({ status: 404, code: 'Request_ResourceNotFound' });
    expect(await kiotaFailure(request.appScope.get())).toMatchObject({ status: 404 });

    const eligibilityRequest = dir(admin).roleEligibilityScheduleRequests.byUnifiedRoleEligibilityScheduleRequestId(made.eligibilityRequest);
    expect(await eligibilityRequest.targetSchedule.get()).toMatchObject({ id: made.eligibility, memberType: 'Direct' });

    const schedule = dir(admin).roleAssignmentSchedules.byUnifiedRoleAssignmentScheduleId(made.activation);
    expect(await schedule.activatedUsing.get()).toMatchObject({ id: made.eligibility });
    expect(await schedule.principal.get()).toMatchObject({ id: alice.id });
    const instance = dir(admin).roleAssignmentScheduleInstances.byUnifiedRoleAssignmentScheduleInstanceId(made.activation);
    expect(await instance.activatedUsing.get()).toMatchObject({ id: made.eligibility, roleEligibilityScheduleId: made.eligibility });
    expect(await instance.roleDefinition.get()).toMatchObject({ displayName: 'User Administrator' });

    const scoped = dir(admin).roleEligibilitySchedules.byUnifiedRoleEligibilityScheduleId(made.scopedEligibility);
    expect(await scoped.directoryScope.get()).toMatchObject({ id: unitId, odataType: '#microsoft.graph.administrativeUnit', displayName: 'Paris' });
    expect(
      await dir(admin).roleEligibilityScheduleInstances.byUnifiedRoleEligibilityScheduleInstanceId(made.scopedEligibility).directoryScope.get(),
    ).toMatchObject({ id: unitId });

    // The holder follows their own; someone else's is not there for them.
    expect(
      await dir(await sdk(alice))
        .roleAssignmentSchedules.byUnifiedRoleAssignmentScheduleId(made.activation)
        .roleDefinition.get(),
    ).toMatchObject({ id: ROLE.userAdministrator });
    expect(
      await kiotaFailure(
        dir(await sdk(bob))
          .roleAssignmentSchedules.byUnifiedRoleAssignmentScheduleId(made.activation)
          .principal.get(),
      ),
    ).toMatchObject({ status: 404 });
  });

  it('expands the navigations on collections and items', async () => {
    const admin = await sdk(api.admin);
    const expand = ['principal', 'roleDefinition', 'directoryScope', 'appScope', 'activatedUsing', 'targetSchedule'];
    const requests = await dir(admin).roleAssignmentScheduleRequests.get({ queryParameters: { expand, filter: `principalId eq '${alice.id}'` } });
    expect(requests.value[0]).toMatchObject({
      principal: { id: alice.id },
      roleDefinition: { id: ROLE.userAdministrator },
      targetSchedule: { id: made.activation },
      activatedUsing: { id: made.eligibility },
    });
    const schedules = await dir(admin).roleEligibilitySchedules.get({
      queryParameters: { expand: ['directoryScope', 'principal'], filter: `principalId eq '${alice.id}'`, orderby: ['roleDefinitionId'] },
    });
    const paris = schedules.value.find((s: Model) => s.id === made.scopedEligibility);
    expect(paris).toMatchObject({ directoryScope: { id: unitId }, principal: { userPrincipalName: 'alice@contoso.test' } });
    const item = await dir(admin)
      .roleAssignmentScheduleInstances.byUnifiedRoleAssignmentScheduleInstanceId(made.activation)
      .get({ queryParameters: { expand: ['activatedUsing', 'principal'] } });
    expect(item).toMatchObject({ id: made.activation, activatedUsing: { id: made.eligibility }, principal: { id: alice.id } });
    const roles = await dir(admin).roleDefinitions.get({ queryParameters: { expand: ['inheritsPermissionsFrom'], top: 2 } });
    expect(roles.value[0].inheritsPermissionsFrom).toEqual([]);
    expect((await dir(admin).roleDefinitions.byUnifiedRoleDefinitionId(ROLE.userAdministrator).inheritsPermissionsFrom.get()).value).toEqual([]);
    const policy = await admin.policies.roleManagementPolicies.get({ queryParameters: { expand: ['effectiveRules', 'rules'], top: 1 } });
    expect(policy.value[0].effectiveRules.length).toBe(policy.value[0].rules.length);
    expect(policy.value[0].effectiveRules.length).toBeGreaterThan(10);
    // An unknown navigation is refused, as Graph does.
    expect(await kiotaFailure(dir(admin).roleEligibilitySchedules.get({ queryParameters: { expand: ['targetSchedule'] } }))).toMatchObject({ status: 400 });
  });

  it('follows and expands PIM for Groups navigations: group, principal, activatedUsing, targetSchedule', async () => {
    const admin = await sdk(api.admin);
    const request = grp(admin).assignmentScheduleRequests.byPrivilegedAccessGroupAssignmentScheduleRequestId(made.groupActivationRequest);
    expect(await request.group.get()).toMatchObject({ id: groupId, odataType: '#microsoft.graph.group', displayName: 'Operators' });
    expect(await request.principal.get()).toMatchObject({ id: alice.id });
    expect(await request.targetSchedule.get()).toMatchObject({ id: made.groupActivation, accessId: 'member', assignmentType: 'activated' });
    expect(await request.activatedUsing.get()).toMatchObject({ id: made.groupEligibility, groupId });
    expect(
      await grp(admin).assignmentScheduleInstances.byPrivilegedAccessGroupAssignmentScheduleInstanceId(made.groupActivation).activatedUsing.get(),
    ).toMatchObject({ id: made.groupEligibility, eligibilityScheduleId: made.groupEligibility });
    expect(await grp(admin).eligibilitySchedules.byPrivilegedAccessGroupEligibilityScheduleId(made.groupEligibility).group.get()).toMatchObject({
      id: groupId,
    });
    const expanded = await grp(admin).assignmentSchedules.get({ queryParameters: { expand: ['group', 'principal', 'activatedUsing'] } });
    expect(expanded.value[0]).toMatchObject({ group: { id: groupId }, principal: { id: alice.id }, activatedUsing: { id: made.groupEligibility } });
    const mine = await grp(await sdk(alice))
      .eligibilityScheduleInstances.filterByCurrentUserWithOn('principal')
      .get({ queryParameters: { expand: ['group'] } });
    expect(mine.value[0].group).toMatchObject({ id: groupId });
  });

  it('reads, creates and deletes roleAssignments by id, through the schedule request machinery', async () => {
    const admin = await sdk(api.admin);
    // The role's policy applies, as to any adminAssign: by default it wants a justification, which a roleAssignment cannot carry.
    const refused = await kiotaFailure(dir(admin).roleAssignments.post({ principalId: bob.id, roleDefinitionId: ROLE.globalReader, directoryScopeId: '/' }));
    expect(refused).toMatchObject({ status: 400, code: 'RoleAssignmentRequestPolicyValidationFailed', message: expect.stringContaining('JustificationRule') });
    await patchRule(ROLE.globalReader, 'Enablement_Admin_Assignment', {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
      enabledRules: [],
    });
    const created = await dir(admin).roleAssignments.post({ principalId: bob.id, roleDefinitionId: ROLE.globalReader, directoryScopeId: '/' });
    expect(created).toMatchObject({ principalId: bob.id, roleDefinitionId: ROLE.globalReader, directoryScopeId: '/' });
    const item = dir(admin).roleAssignments.byUnifiedRoleAssignmentId(created.id);
    expect(await item.get({ queryParameters: { expand: ['principal', 'roleDefinition'] } })).toMatchObject({
      id: created.id,
      principal: { id: bob.id },
      roleDefinition: { displayName: 'Global Reader' },
    });
    expect(await item.principal.get()).toMatchObject({ id: bob.id });
    expect(await item.roleDefinition.get()).toMatchObject({ id: ROLE.globalReader });
    // Made as an adminAssign request without end, audited as one; Bob reads his own assignment.
    const requests = await dir(admin).roleAssignmentScheduleRequests.get({ queryParameters: { filter: `principalId eq '${bob.id}'` } });
    expect(requests.value).toHaveLength(1);
    expect(requests.value[0]).toMatchObject({ action: 'adminAssign', status: 'Provisioned', targetScheduleId: created.id });
    expect(requests.value[0].scheduleInfo.expiration.type).toBe('noExpiration');
    expect(
      await dir(await sdk(bob))
        .roleAssignments.byUnifiedRoleAssignmentId(created.id)
        .get(),
    ).toMatchObject({ id: created.id });
    expect(
      await kiotaFailure(dir(admin).roleAssignments.post({ principalId: bob.id, roleDefinitionId: ROLE.globalReader, directoryScopeId: '/' })),
    ).toMatchObject({ status: 409, code: 'RoleAssignmentExists' });
    // Bob may not assign or remove.
    expect(await kiotaFailure(dir(await sdk(bob)).roleAssignments.post({ principalId: bob.id, roleDefinitionId: ROLE.globalAdministrator }))).toMatchObject({
      status: 403,
    });
    expect(
      await kiotaFailure(
        dir(await sdk(bob))
          .roleAssignments.byUnifiedRoleAssignmentId(created.id)
          .delete(),
      ),
    ).toMatchObject({ status: 403 });

    api.clock.advance('PT6M'); // nothing is ended in its first five minutes
    await item.delete();
    expect(await kiotaFailure(item.get())).toMatchObject({ status: 404, code: 'Request_ResourceNotFound' });
    const after = await dir(admin).roleAssignmentScheduleRequests.get({
      queryParameters: { filter: `principalId eq '${bob.id}'`, orderby: ['createdDateTime desc'] },
    });
    expect(after.value.map((r: Model) => r.action)).toEqual(['adminRemove', 'adminAssign']);
    const audit = await api.call(api.admin, 'GET', `/v1.0/auditLogs/directoryAudits?$filter=${encodeURIComponent(`targetResources/id eq '${bob.id}'`)}`);
    expect(json<{ value: { activityDisplayName: string }[] }>(audit).value.map((e) => e.activityDisplayName)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Add member to role/), expect.stringMatching(/^Remove member from role/)]),
    );
    // A PIM for Groups role is not a directory role assignment.
    expect(await kiotaFailure(dir(admin).roleAssignments.post({ principalId: bob.id, roleDefinitionId: 'member' }))).toMatchObject({ status: 400 });
  });

  it("lists the PIM for Groups approvals the caller may decide, with filterByCurrentUser(on='approver'), and decides one", async () => {
    const admin = await sdk(api.admin);
    await patchRule(
      'member',
      'Approval_EndUser_Assignment',
      {
        '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyApprovalRule',
        setting: {
          isApprovalRequired: true,
          isApprovalRequiredForExtension: false,
          isRequestorJustificationRequired: true,
          approvalMode: 'SingleStage',
          approvalStages: [
            {
              approvalStageTimeOutInDays: 1,
              isApproverJustificationRequired: false,
              escalationTimeInMinutes: 0,
              isEscalationEnabled: false,
              primaryApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: bob.id }],
              escalationApprovers: [],
            },
          ],
        },
      },
      `/groups/${groupId}`,
    );
    // Graph beta names a singleUser approver's object `id` (v1.0: `userId`): read with the beta SDK's models.
    const memberPolicy = (await api.h.store.read.policies.forRoleAt(api.h.tenantId, 'member', `/groups/${groupId}`))!.id;
    const betaRule = await (
      await sdk(api.admin, 'beta')
    ).policies.roleManagementPolicies
      .byUnifiedRoleManagementPolicyId(memberPolicy)
      .rules.byUnifiedRoleManagementPolicyRuleId('Approval_EndUser_Assignment')
      .get();
    expect(betaRule.setting.approvalStages[0].primaryApprovers[0]).toMatchObject({ odataType: '#microsoft.graph.singleUser', id: bob.id });
    expect(betaRule.setting.approvalStages[0].primaryApprovers[0].additionalData ?? {}).toEqual({});
    // And a beta-shaped approver is taken back, under either prefix.
    const betaPatch = await api.call(api.admin, 'PATCH', `/beta/policies/roleManagementPolicies/${memberPolicy}/rules/Approval_EndUser_Assignment`, {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyApprovalRule',
      setting: {
        ...(
          (await (
            await fetch(`${baseUrl}/beta/policies/roleManagementPolicies/${memberPolicy}/rules/Approval_EndUser_Assignment`, {
              headers: { authorization: `Bearer ${await api.token(api.admin)}` },
            })
          ).json()) as { setting: object }
        ).setting,
      },
    });
    expect(betaPatch.statusCode, betaPatch.body).toBe(204);
    const v1Rule = json<{ setting: { approvalStages: { primaryApprovers: object[] }[] } }>(
      await api.call(api.admin, 'GET', `/v1.0/policies/roleManagementPolicies/${memberPolicy}/rules/Approval_EndUser_Assignment`),
    );
    expect(v1Rule.setting.approvalStages[0]!.primaryApprovers[0]).toEqual({ '@odata.type': '#microsoft.graph.singleUser', userId: bob.id });

    const carol = await api.h.user('carol@contoso.test', 'Carol');
    await grp(admin).eligibilityScheduleRequests.post({
      action: 'adminAssign',
      principalId: carol.id,
      groupId,
      accessId: 'member',
      scheduleInfo: forever,
      justification: 'Rota',
    });
    const pending = await grp(await sdk(carol)).assignmentScheduleRequests.post({
      action: 'selfActivate',
      principalId: carol.id,
      groupId,
      accessId: 'member',
      justification: 'Change 9',
      scheduleInfo: lasting('PT1H'),
    });
    expect(pending.status).toBe('PendingApproval');

    const inbox = await grp(await sdk(bob))
      .assignmentApprovals.filterByCurrentUserWithOn('approver')
      .get();
    expect(inbox.value.map((a: Model) => a.id)).toEqual([pending.approvalId]);
    expect(inbox.value[0].stages[0]).toMatchObject({ status: 'InProgress', assignedToMe: true });
    expect(
      (
        await grp(await sdk(carol))
          .assignmentApprovals.filterByCurrentUserWithOn('approver')
          .get()
      ).value,
    ).toEqual([]);
    expect(
      await kiotaFailure(
        grp(await sdk(bob))
          .assignmentApprovals.filterByCurrentUserWithOn('principal')
          .get(),
      ),
    ).toMatchObject({ status: 400 });
    // Also under beta.
    expect(
      (
        await grp(await sdk(bob, 'beta'))
          .assignmentApprovals.filterByCurrentUserWithOn('approver')
          .get()
      ).value,
    ).toHaveLength(1);

    await grp(await sdk(bob))
      .assignmentApprovals.byApprovalId(pending.approvalId)
      .stages.byApprovalStageId('1')
      .patch({ reviewResult: 'Approve', justification: 'ok' });
    expect(
      (
        await grp(await sdk(bob))
          .assignmentApprovals.filterByCurrentUserWithOn('approver')
          .get()
      ).value,
    ).toEqual([]);
    expect(await grp(admin).assignmentScheduleRequests.byPrivilegedAccessGroupAssignmentScheduleRequestId(pending.id).get()).toMatchObject({
      status: 'Provisioned',
    });
  });

  it("takes back a policy rule read with the SDK: kiota's own body, and the raw JSON with its @odata.context", async () => {
    const admin = await sdk(api.admin);
    const policies = await admin.policies.roleManagementPolicyAssignments.get({
      queryParameters: { filter: `scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${ROLE.helpdeskAdministrator}'` },
    });
    const rules = admin.policies.roleManagementPolicies.byUnifiedRoleManagementPolicyId(policies.value[0].policyId).rules;
    // kiota's builder serializes a rule as the base type: id, @odata.type, target and what it kept in
    // additionalData (the @odata.context of the GET) — all accepted, nothing changed.
    for (const ruleId of [
      'Expiration_EndUser_Assignment',
      'Enablement_EndUser_Assignment',
      'Approval_EndUser_Assignment',
      'Notification_Admin_Admin_Eligibility',
      'AuthenticationContext_EndUser_Assignment',
    ]) {
      const rule = await rules.byUnifiedRoleManagementPolicyRuleId(ruleId).get();
      expect(rule).toMatchObject({ id: ruleId, additionalData: { '@odata.context': expect.stringContaining('$metadata#') } });
      await rules.byUnifiedRoleManagementPolicyRuleId(ruleId).patch(rule);
    }
    expect((await rules.byUnifiedRoleManagementPolicyRuleId('Expiration_EndUser_Assignment').get()).maximumDuration.toString()).toBe('PT8H');

    // A script that GETs the JSON and PATCHes it back, changed, sends @odata.context and @odata.type at the top.
    const url = `${baseUrl}/v1.0/policies/roleManagementPolicies/${policies.value[0].policyId}/rules/Expiration_EndUser_Assignment`;
    const headers = { authorization: `Bearer ${await api.token(api.admin)}`, 'content-type': 'application/json' };
    const read = (await (await fetch(url, { headers })).json()) as Record<string, unknown>;
    expect(read['@odata.context']).toBeDefined();
    const patched = await fetch(url, { method: 'PATCH', headers, body: JSON.stringify({ ...read, maximumDuration: 'PT9H' }) });
    expect(patched.status, await patched.text()).toBe(204);
    expect((await rules.byUnifiedRoleManagementPolicyRuleId('Expiration_EndUser_Assignment').get()).maximumDuration.toString()).toBe('PT9H');
  });

  it('changes and deletes a custom role definition with PATCH and DELETE, under v1.0 and beta; built-in and used roles are refused', async () => {
    const [admin, adminBeta] = [await sdk(api.admin), await sdk(api.admin, 'beta')];
    const roles = (g: Fluent) => dir(g).roleDefinitions;
    const made = await roles(admin).post({
      displayName: 'Kiota Things',
      description: 'Reads things',
      rolePermissions: [{ allowedResourceActions: ['contoso.app/things/read'] }],
    });
    const item = (g: Fluent) => roles(g).byUnifiedRoleDefinitionId(made.id);

    // PATCH answers 204 as Graph does (the SDK resolves without a body); fields left out keep their values.
    expect(
      await item(admin).patch({
        displayName: 'Kiota Things Writer',
        rolePermissions: [{ allowedResourceActions: ['contoso.app/things/*'], excludedResourceActions: ['contoso.app/things/delete'] }],
      }),
    ).toBeUndefined();
    expect(await item(admin).get()).toMatchObject({
      displayName: 'Kiota Things Writer',
      description: 'Reads things',
      isBuiltIn: false,
      isEnabled: true,
      rolePermissions: [{ allowedResourceActions: ['contoso.app/things/*'] }],
    });
    await item(adminBeta).patch({ description: 'Writes things', isEnabled: false });
    const read = await item(adminBeta).get();
    expect(read).toMatchObject({
      displayName: 'Kiota Things Writer',
      description: 'Writes things',
      isEnabled: false,
      rolePermissions: [{ excludedResourceActions: ['contoso.app/things/delete'] }],
    });
    // A role read with the SDK goes back as it came, read-only properties and all.
    await item(admin).patch({ ...(await item(admin).get()), isEnabled: true });
    expect((await item(admin).get()).isEnabled).toBe(true);
    const audit = await api.call(api.admin, 'GET', `/v1.0/auditLogs/directoryAudits?$filter=${encodeURIComponent(`targetResources/id eq '${made.id}'`)}`);
    const events = json<{ value: { activityDisplayName: string; targetResources: { modifiedProperties: { displayName: string }[] }[] }[] }>(audit).value;
    // One instant on the test clock: compared as a set.
    expect(events.map((e) => e.activityDisplayName).sort()).toEqual([
      'Add role definition',
      'Update role definition',
      'Update role definition',
      'Update role definition',
    ]);
    expect(events.map((e) => e.targetResources[0]!.modifiedProperties.map((p) => p.displayName).join()).sort()).toEqual([
      '',
      'Description,IsEnabled',
      'DisplayName,RolePermissions',
      'IsEnabled',
    ]);

    // Refusals, the same under both versions.
    for (const g of [admin, adminBeta]) {
      expect(await kiotaFailure(roles(g).byUnifiedRoleDefinitionId(ROLE.globalAdministrator).patch({ description: 'mine' }))).toMatchObject({
        status: 400,
        code: 'Request_BadRequest',
      });
      expect(await kiotaFailure(roles(g).byUnifiedRoleDefinitionId(ROLE.userAdministrator).delete())).toMatchObject({
        status: 400,
        code: 'Request_BadRequest',
      });
      expect(await kiotaFailure(item(g).patch({ displayName: 'Global Reader' }))).toMatchObject({ status: 409, code: 'ObjectConflict' });
      expect(await kiotaFailure(item(g).patch({ rolePermissions: [{ allowedResourceActions: ['not an action'] }] }))).toMatchObject({
        status: 400,
        code: 'Request_BadRequest',
      });
      expect(await kiotaFailure(roles(g).byUnifiedRoleDefinitionId('00000000-0000-0000-0000-00000000dead').delete())).toMatchObject({
        status: 404,
        code: 'Request_ResourceNotFound',
      });
    }
    expect(await kiotaFailure(item(await sdk(bob)).patch({ description: 'mine' }))).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
    expect(await kiotaFailure(item(await sdk(bob, 'beta')).delete())).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });

    // Bob is eligible for it: the role cannot go until he is not.
    const eligible = await dir(admin).roleEligibilityScheduleRequests.post({
      action: 'adminAssign',
      principalId: bob.id,
      roleDefinitionId: made.id,
      directoryScopeId: '/',
      justification: 'Things',
      scheduleInfo: forever,
    });
    const inUse = await kiotaFailure(item(admin).delete());
    expect(inUse).toMatchObject({ status: 409, code: 'RoleDefinitionHasAssignments', message: expect.stringContaining('1 eligible or active assignment') });
    await dir(admin).roleEligibilityScheduleRequests.post({
      action: 'adminRemove',
      principalId: bob.id,
      roleDefinitionId: made.id,
      directoryScopeId: '/',
      targetScheduleId: eligible.targetScheduleId,
    });
    expect(await item(adminBeta).delete()).toBeUndefined();
    expect(await kiotaFailure(item(admin).get())).toMatchObject({ status: 404, code: 'Request_ResourceNotFound' });
    expect(await kiotaFailure(item(admin).delete())).toMatchObject({ status: 404, code: 'Request_ResourceNotFound' });
    const policies = await admin.policies.roleManagementPolicyAssignments.get({ queryParameters: { filter: `roleDefinitionId eq '${made.id}'` } });
    expect(policies.value).toEqual([]);
    const after = await api.call(
      api.admin,
      'GET',
      `/v1.0/auditLogs/directoryAudits?$filter=${encodeURIComponent(`targetResources/id eq '${made.id}' and operationType eq 'Delete'`)}`,
    );
    expect(json<{ value: { activityDisplayName: string }[] }>(after).value.map((e) => e.activityDisplayName)).toEqual(['Delete role definition']);
  });
});
