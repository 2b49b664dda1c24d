/**
 * Acceptance: Microsoft's own Graph JavaScript client drives an approval over real HTTP on
 * loopback, in Graph's shapes throughout — the policy's Approval_EndUser_Assignment rule PATCHed
 * as Graph documents it, the activation waiting as PendingApproval, the approver finding it with
 * filterByCurrentUser(on='approver'), reading and deciding the step on the beta
 * roleAssignmentApprovals endpoint, and the requester seeing the activation in effect.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { HOUR } from '../../src/domain/time.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { graphClient, graphFailure } from '../support/graph-client.ts';
import { openHttpHarness, type HttpHarness } from '../support/http-harness.ts';

const DIR = '/roleManagement/directory';
const REQUESTS = `${DIR}/roleAssignmentScheduleRequests`;
const INBOX = `${REQUESTS}/filterByCurrentUser(on='approver')`;
const MINE = "filterByCurrentUser(on='principal')";
const approvalPath = (id: string) => `${DIR}/roleAssignmentApprovals/${id}`;

describe.each(TEST_DATABASES)('an approval through the Microsoft Graph client on $name', (database) => {
  let api: HttpHarness;
  let baseUrl: string;
  let admin: Client;
  const clientFor = (principal: Principal) => graphClient(baseUrl, () => api.token(principal));
  const user = async (name: string) => {
    const created = await admin.api('/users').post({ displayName: name, userPrincipalName: `${name.toLowerCase()}@contoso.test`, accountEnabled: true });
    return (await api.h.store.read.principals.get(api.h.tenantId, created.id))!;
  };

  beforeAll(async () => {
    api = await openHttpHarness({ database });
    baseUrl = await api.listen();
    admin = clientFor(api.admin);
  });
  afterAll(async () => api?.close());

  it("policy PATCHed in Graph's shape → PendingApproval → the approver's inbox → approve on the beta step → activation in effect", async () => {
    const alice = await user('Alice');
    const carol = await user('Carol');
    await admin.api(`${DIR}/roleEligibilityScheduleRequests`).post({
      action: 'adminAssign',
      principalId: alice.id,
      roleDefinitionId: ROLE.userAdministrator,
      directoryScopeId: '/',
      justification: 'On-call rota',
      scheduleInfo: { expiration: { type: 'afterDuration', duration: 'P90D' } },
    });

    // The admin requires carol's approval, exactly as Graph's documentation writes the rule.
    const assignments = await admin
      .api('/policies/roleManagementPolicyAssignments')
      .filter(`scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${ROLE.userAdministrator}'`)
      .get();
    const rulePath = `/policies/roleManagementPolicies/${assignments.value[0].policyId}/rules/Approval_EndUser_Assignment`;
    await admin.api(rulePath).patch({
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyApprovalRule',
      id: 'Approval_EndUser_Assignment',
      target: { caller: 'EndUser', operations: ['All'], level: 'Assignment', inheritableSettings: [], enforcedSettings: [] },
      setting: {
        isApprovalRequired: true,
        isApprovalRequiredForExtension: false,
        isRequestorJustificationRequired: true,
        approvalMode: 'SingleStage',
        approvalStages: [
          {
            approvalStageTimeOutInDays: 1,
            isApproverJustificationRequired: true,
            escalationTimeInMinutes: 0,
            isEscalationEnabled: false,
            primaryApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: carol.id }],
            escalationApprovers: [],
          },
        ],
      },
    });
    expect(await admin.api(rulePath).get()).toMatchObject({
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyApprovalRule',
      setting: {
        isApprovalRequired: true,
        approvalMode: 'SingleStage',
        approvalStages: [{ primaryApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: carol.id }] }],
      },
    });

    // Alice activates: the request waits for carol.
    const me = clientFor(alice);
    const asked = await me.api(REQUESTS).post({
      action: 'selfActivate',
      principalId: alice.id,
      roleDefinitionId: ROLE.userAdministrator,
      directoryScopeId: '/',
      justification: 'Incident 4711',
      scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
    });
    expect(asked).toMatchObject({ action: 'selfActivate', status: 'PendingApproval', principalId: alice.id, approvalId: expect.any(String) });
    const approvalId: string = asked.approvalId;
    expect((await me.api(`${DIR}/roleAssignmentScheduleInstances/${MINE}`).get()).value).toEqual([]);
    expect((await me.api(INBOX).get()).value).toEqual([]);

    // Carol finds it in her inbox and reads the approval on beta: one step, assigned to her.
    const approverClient = clientFor(carol);
    const inbox = await approverClient.api(INBOX).get();
    expect(inbox.value.map((r: { id: string }) => r.id)).toEqual([asked.id]);
    expect(inbox.value[0]).toMatchObject({ status: 'PendingApproval', principalId: alice.id, approvalId, justification: 'Incident 4711' });
    const approval = await approverClient.api(approvalPath(approvalId)).version('beta').get();
    expect(approval).toMatchObject({
      id: approvalId,
      steps: [{ id: '1', status: 'InProgress', reviewResult: 'NotReviewed', assignedToMe: true, reviewedBy: null }],
    });
    expect((await me.api(approvalPath(approvalId)).version('beta').get()).steps[0].assignedToMe).toBe(false);

    // Alice may not approve herself; carol must give a reason, as the stage asks.
    const step = `${approvalPath(approvalId)}/steps/1`;
    expect(await graphFailure(me.api(step).version('beta').patch({ reviewResult: 'Approve', justification: 'me' }))).toMatchObject({
      statusCode: 403,
      code: 'SelfApprovalNotAllowed',
    });
    expect(await graphFailure(approverClient.api(step).version('beta').patch({ reviewResult: 'Approve' }))).toMatchObject({
      statusCode: 400,
      code: 'Request_BadRequest',
    });

    api.clock.advance('PT5M');
    await approverClient.api(step).version('beta').patch({ reviewResult: 'Approve', justification: 'Incident 4711 confirmed' });

    const decided = await approverClient.api(step).version('beta').get();
    expect(decided).toMatchObject({
      id: '1',
      status: 'Completed',
      reviewResult: 'Approve',
      assignedToMe: false,
      justification: 'Incident 4711 confirmed',
      reviewedBy: { id: carol.id, displayName: 'Carol' },
      reviewedDateTime: new Date(api.clock.now()).toISOString(),
    });
    expect((await approverClient.api(INBOX).get()).value).toEqual([]);

    // The activation is in effect for the hour asked, counted from the approval.
    const active = (await me.api(`${DIR}/roleAssignmentScheduleInstances/${MINE}`).get()).value;
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ principalId: alice.id, roleDefinitionId: ROLE.userAdministrator, assignmentType: 'Activated', memberType: 'Direct' });
    expect(Date.parse(active[0].startDateTime)).toBe(api.clock.now());
    expect(Date.parse(active[0].endDateTime) - Date.parse(active[0].startDateTime)).toBe(HOUR);
    expect(await me.api(`${REQUESTS}/${asked.id}`).get()).toMatchObject({ status: 'Provisioned', approvalId });

    // The outcome is final.
    expect(await graphFailure(approverClient.api(step).version('beta').patch({ reviewResult: 'Deny', justification: 'changed my mind' }))).toMatchObject({
      statusCode: 409,
      code: 'ApprovalStepNotActive',
    });
    const audit = await admin.api('/auditLogs/directoryAudits').top(100).get();
    const activities = audit.value.map((e: { activityDisplayName: string }) => e.activityDisplayName);
    expect(activities.filter((a: string) => a === 'Add member to role request approved')).toHaveLength(1);
  });
});
