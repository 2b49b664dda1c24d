/**
 * PIM for Groups over HTTP (docs/decisions/0007): eligible and active `member` / `owner` access to
 * groups under /v1.0/identityGovernance/privilegedAccess/group in Graph's shapes (groupId +
 * accessId, lower-case memberType and assignmentType), the roles an activated membership brings
 * (memberType Group, and the access check until the exact end), per-group policies and approvals,
 * cancel, the last-owner safeguard, who may manage a group's access, nesting cycles and bad input.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { HOUR, toIso } from '../../src/domain/time.ts';
import { json, openHttpHarness, type As, type CallOptions, type GraphErrorBody, type HttpHarness } from '../support/http-harness.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Kind = 'assignment' | 'eligibility';

const GROUP = '/v1.0/identityGovernance/privilegedAccess/group';
const DIR = '/v1.0/roleManagement/directory';
const MINE = "filterByCurrentUser(on='principal')";
const INBOX = "filterByCurrentUser(on='approver')";
const USERS_READ = 'openpim.directory/users/read';
const filter = (expr: string) => `$filter=${encodeURIComponent(expr)}`;

/** The properties Graph documents for each PIM for Groups resource (besides @odata annotations). */
const REQUEST_KEYS = [
  'id',
  'status',
  'completedDateTime',
  'createdDateTime',
  'approvalId',
  'customData',
  'createdBy',
  'action',
  'isValidationOnly',
  'justification',
  'scheduleInfo',
  'ticketInfo',
  'principalId',
  'accessId',
  'groupId',
  'targetScheduleId',
].sort();
const SCHEDULE_KEYS = [
  'id',
  'scheduleInfo',
  'createdDateTime',
  'modifiedDateTime',
  'createdUsing',
  'status',
  'principalId',
  'accessId',
  'groupId',
  'memberType',
];
const ASSIGNMENT_SCHEDULE_KEYS = [...SCHEDULE_KEYS, 'assignmentType'].sort();
const ELIGIBILITY_SCHEDULE_KEYS = [...SCHEDULE_KEYS].sort();
const ASSIGNMENT_INSTANCE_KEYS = [
  'id',
  'startDateTime',
  'endDateTime',
  'principalId',
  'accessId',
  'groupId',
  'memberType',
  'assignmentType',
  'assignmentScheduleId',
].sort();
const ELIGIBILITY_INSTANCE_KEYS = ['id', 'startDateTime', 'endDateTime', 'principalId', 'accessId', 'groupId', 'memberType', 'eligibilityScheduleId'].sort();
const keysOf = (o: Json) =>
  Object.keys(o)
    .filter((k) => !k.startsWith('@odata.'))
    .sort();

describe('PIM for Groups over HTTP', () => {
  let api: HttpHarness;
  let bob: Principal; // gets eligible / active access to groups
  let carol: Principal; // a second user
  let dave: Principal; // named approver
  let roleGroup: string; // role-assignable group ("G")
  let plainGroup: string; // not role-assignable ("H")

  const get = async (who: As, url: string): Promise<Json> => {
    const res = await api.call(who, 'GET', url);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return json(res);
  };
  const errorOf = async (who: As, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, options?: CallOptions) => {
    const res = await api.call(who, method, url, body, options);
    return { status: res.statusCode, code: json<GraphErrorBody>(res).error?.code };
  };
  /** A refused call leaves every table and the audit chain as they were. */
  const unchanged = async <T>(call: () => Promise<T>): Promise<T> => {
    const before = await api.counts();
    const result = await call();
    expect(await api.counts()).toEqual(before);
    return result;
  };
  const groupRequest = (who: As, kind: Kind, body: Json, options?: CallOptions) => api.call(who, 'POST', `${GROUP}/${kind}ScheduleRequests`, body, options);
  const created = async (res: Awaited<ReturnType<HttpHarness['call']>>): Promise<Json> => {
    expect(res.statusCode, res.body).toBe(201);
    return json(res);
  };
  const createGroup = async (displayName: string, isAssignableToRole: boolean): Promise<string> => {
    const group = await created(await api.call(api.admin, 'POST', '/v1.0/groups', { displayName, isAssignableToRole }));
    expect(group.isAssignableToRole).toBe(isAssignableToRole);
    return group.id as string;
  };
  /** The admin grants `accessId` to a group (eligible for 30 days, or active and permanent). */
  const adminGrant = (kind: Kind, principalId: string, groupId: string, accessId = 'member', who: As = api.admin) =>
    groupRequest(who, kind, {
      action: 'adminAssign',
      principalId,
      accessId,
      groupId,
      justification: 'Team change 42',
      scheduleInfo: { expiration: kind === 'eligibility' ? { type: 'afterDuration', duration: 'P30D' } : { type: 'noExpiration' } },
    });
  const activate = (who: Principal, groupId: string, duration = 'PT2H', over: Json = {}, options?: CallOptions) =>
    groupRequest(
      who,
      'assignment',
      {
        action: 'selfActivate',
        principalId: who.id,
        accessId: 'member',
        groupId,
        justification: 'On call tonight',
        scheduleInfo: { expiration: { type: 'afterDuration', duration } },
        ...over,
      },
      options,
    );
  const check = async (principal: Principal, action = USERS_READ, scope = '/'): Promise<Json> => {
    const res = await api.call(api.admin, 'POST', '/openpim/access/check', { principalId: principal.id, action, scope });
    expect(res.statusCode, res.body).toBe(200);
    return json(res);
  };
  const memberPolicyOf = async (groupId: string): Promise<string> => {
    const assignments = await get(
      api.admin,
      `/v1.0/policies/roleManagementPolicyAssignments?${filter(`scopeId eq '${groupId}' and scopeType eq 'Group' and roleDefinitionId eq 'member'`)}`,
    );
    expect(assignments.value).toHaveLength(1);
    return assignments.value[0].policyId as string;
  };

  beforeEach(async () => {
    api = await openHttpHarness();
    const { h } = api;
    [bob, carol, dave] = [await h.user('bob@contoso.test', 'Bob'), await h.user('carol@contoso.test', 'Carol'), await h.user('dave@contoso.test', 'Dave')];
    roleGroup = await createGroup('Security operators', true);
    plainGroup = await createGroup('Build team', false);
  });
  afterEach(async () => api?.close());

  it("makes bob eligible, lets him activate with MFA and a justification, and grants the group's role exactly while active", async () => {
    // The admin makes bob an eligible member: Graph's shape, no role or directory scope keys.
    const eligible = await created(await adminGrant('eligibility', bob.id, roleGroup));
    expect(eligible).toMatchObject({
      '@odata.context': expect.stringMatching(/\/v1\.0\/\$metadata#identityGovernance\/privilegedAccess\/group\/eligibilityScheduleRequests\/\$entity$/),
      action: 'adminAssign',
      status: 'Provisioned',
      principalId: bob.id,
      accessId: 'member',
      groupId: roleGroup,
      approvalId: null,
      createdBy: { user: { id: api.admin.id } },
    });
    expect(keysOf(eligible)).toEqual(REQUEST_KEYS);

    const eligibleNow = await get(bob, `${GROUP}/eligibilityScheduleInstances/${MINE}`);
    expect(eligibleNow['@odata.context']).toContain('identityGovernance/privilegedAccess/group/eligibilityScheduleInstances');
    expect(eligibleNow.value).toHaveLength(1);
    expect(eligibleNow.value[0]).toMatchObject({
      principalId: bob.id,
      accessId: 'member',
      groupId: roleGroup,
      memberType: 'direct',
      eligibilityScheduleId: eligible.targetScheduleId,
      startDateTime: toIso(api.clock.now()),
      endDateTime: toIso(api.clock.now() + 30 * 24 * HOUR),
    });
    expect(keysOf(eligibleNow.value[0])).toEqual(ELIGIBILITY_INSTANCE_KEYS);
    const eligibleSchedules = await get(bob, `${GROUP}/eligibilitySchedules/${MINE}`);
    expect(eligibleSchedules.value.map((s: Json) => [s.id, s.memberType, s.status, s.createdUsing])).toEqual([
      [eligible.targetScheduleId, 'direct', 'Provisioned', eligible.id],
    ]);
    expect(keysOf(eligibleSchedules.value[0])).toEqual(ELIGIBILITY_SCHEDULE_KEYS);
    // Eligibility alone brings nothing.
    expect((await get(bob, `${GROUP}/assignmentScheduleInstances/${MINE}`)).value).toEqual([]);

    // The role-assignable group holds Security Reader, permanently.
    const groupRole = await created(
      await api.call(api.admin, 'POST', `${DIR}/roleAssignmentScheduleRequests`, {
        action: 'adminAssign',
        principalId: roleGroup,
        roleDefinitionId: ROLE.securityReader,
        directoryScopeId: '/',
        justification: 'SOC rota',
        scheduleInfo: { expiration: { type: 'noExpiration' } },
      }),
    );
    expect(groupRole.status).toBe('Provisioned');
    expect((await get(bob, `${DIR}/roleAssignmentScheduleInstances/${MINE}`)).value).toEqual([]);
    expect(await check(bob)).toEqual({ allowed: false, reasons: [] });

    // The member policy (defaults) asks for MFA and a justification: refused without either, nothing written.
    const noMfa = await unchanged(async () =>
      api.call(
        bob,
        'POST',
        `${GROUP}/assignmentScheduleRequests`,
        {
          action: 'selfActivate',
          principalId: bob.id,
          accessId: 'member',
          groupId: roleGroup,
          justification: 'On call tonight',
          scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT2H' } },
        },
        { mfa: false },
      ),
    );
    expect(noMfa.statusCode, noMfa.body).toBe(400);
    expect(json<GraphErrorBody>(noMfa).error.code).toBe('RoleAssignmentRequestPolicyValidationFailed');
    expect(json<GraphErrorBody>(noMfa).error.message).toContain('MfaRule');
    const noJustification = await unchanged(async () => activate(bob, roleGroup, 'PT2H', { justification: null }));
    expect(noJustification.statusCode, noJustification.body).toBe(400);
    expect(json<GraphErrorBody>(noJustification).error).toMatchObject({
      code: 'RoleAssignmentRequestPolicyValidationFailed',
      message: expect.stringContaining('JustificationRule'),
    });

    // With both: provisioned at once.
    const start = api.clock.now();
    const end = start + 2 * HOUR;
    const activation = await created(await activate(bob, roleGroup));
    expect(activation).toMatchObject({
      '@odata.context': expect.stringContaining('identityGovernance/privilegedAccess/group/assignmentScheduleRequests/$entity'),
      action: 'selfActivate',
      status: 'Provisioned',
      principalId: bob.id,
      accessId: 'member',
      groupId: roleGroup,
      justification: 'On call tonight',
      scheduleInfo: { startDateTime: toIso(start), expiration: { type: 'afterDuration', duration: 'PT2H' } },
    });
    expect(keysOf(activation)).toEqual(REQUEST_KEYS);

    const active = await get(bob, `${GROUP}/assignmentScheduleInstances/${MINE}`);
    expect(active.value).toHaveLength(1);
    expect(active.value[0]).toEqual({
      id: expect.any(String),
      principalId: bob.id,
      accessId: 'member',
      groupId: roleGroup,
      assignmentType: 'activated',
      memberType: 'direct',
      startDateTime: toIso(start),
      endDateTime: toIso(end),
      assignmentScheduleId: activation.targetScheduleId,
    });
    expect(keysOf(active.value[0])).toEqual(ASSIGNMENT_INSTANCE_KEYS);
    const schedules = await get(bob, `${GROUP}/assignmentSchedules/${MINE}`);
    expect(schedules.value).toHaveLength(1);
    expect(schedules.value[0]).toMatchObject({
      id: activation.targetScheduleId,
      assignmentType: 'activated',
      memberType: 'direct',
      status: 'Provisioned',
      createdUsing: activation.id,
      scheduleInfo: { startDateTime: toIso(start), expiration: { type: 'afterDateTime', endDateTime: toIso(end) } },
    });
    expect(keysOf(schedules.value[0])).toEqual(ASSIGNMENT_SCHEDULE_KEYS);

    // Membership brings the group's role: bob's own view lists it with memberType Group…
    const roles = await get(bob, `${DIR}/roleAssignmentScheduleInstances/${MINE}`);
    expect(roles.value).toEqual([
      expect.objectContaining({
        principalId: roleGroup,
        roleDefinitionId: ROLE.securityReader,
        directoryScopeId: '/',
        memberType: 'Group',
        assignmentType: 'Assigned',
        roleAssignmentScheduleId: groupRole.targetScheduleId,
      }),
    ]);
    // …and the access check allows until the exact end of the membership, with no timeline run.
    const allowed = await check(bob);
    expect(allowed.allowed).toBe(true);
    expect(allowed.reasons).toEqual([
      expect.objectContaining({
        roleDefinitionId: ROLE.securityReader,
        scopeId: '/',
        via: 'group',
        groupId: roleGroup,
        memberType: 'Group',
        endDateTime: toIso(end),
      }),
    ]);
    expect((await check(bob, 'openpim.directory/users/create')).allowed).toBe(false); // Security Reader reads only

    api.clock.set(end - 1);
    expect((await check(bob)).allowed).toBe(true);
    api.clock.set(end);
    expect(await check(bob)).toEqual({ allowed: false, reasons: [] });
    expect((await get(bob, `${GROUP}/assignmentScheduleInstances/${MINE}`)).value).toEqual([]);
    expect((await get(bob, `${DIR}/roleAssignmentScheduleInstances/${MINE}`)).value).toEqual([]);
    // Still eligible: the activation ended, the eligibility did not.
    expect((await get(bob, `${GROUP}/eligibilityScheduleInstances/${MINE}`)).value).toHaveLength(1);
  });

  it('filters the group collections by groupId and accessId, and keeps them apart from the directory ones', async () => {
    const bobMember = await created(await adminGrant('eligibility', bob.id, roleGroup));
    const carolOwner = await created(await adminGrant('eligibility', carol.id, roleGroup, 'owner'));
    const bobPlain = await created(await adminGrant('eligibility', bob.id, plainGroup));
    const directory = await created(
      await api.call(api.admin, 'POST', `${DIR}/roleEligibilityScheduleRequests`, {
        action: 'adminAssign',
        principalId: bob.id,
        roleDefinitionId: ROLE.helpdeskAdministrator,
        directoryScopeId: '/',
        scheduleInfo: { expiration: { type: 'noExpiration' } },
      }),
    );

    const ids = async (path: string, expr?: string) =>
      (await get(api.admin, `${GROUP}/${path}${expr ? `?${filter(expr)}` : ''}`)).value
        .map((r: Json) => r.targetScheduleId ?? r.eligibilityScheduleId ?? r.id)
        .sort();
    const sorted = (...xs: string[]) => [...xs].sort();
    for (const path of ['eligibilityScheduleInstances', 'eligibilitySchedules', 'eligibilityScheduleRequests']) {
      expect(await ids(path), path).toEqual(sorted(bobMember.targetScheduleId, carolOwner.targetScheduleId, bobPlain.targetScheduleId));
      expect(await ids(path, `groupId eq '${roleGroup}'`), path).toEqual(sorted(bobMember.targetScheduleId, carolOwner.targetScheduleId));
      expect(await ids(path, `groupId eq '${plainGroup}'`), path).toEqual([bobPlain.targetScheduleId]);
      expect(await ids(path, "accessId eq 'owner'"), path).toEqual([carolOwner.targetScheduleId]);
      expect(await ids(path, `groupId eq '${roleGroup}' and accessId eq 'member'`), path).toEqual([bobMember.targetScheduleId]);
      expect(await ids(path, `groupId eq '${plainGroup}' and accessId eq 'owner'`), path).toEqual([]);
      expect(await ids(path, `principalId eq '${carol.id}'`), path).toEqual([carolOwner.targetScheduleId]);
    }
    expect(await ids('eligibilityScheduleInstances', "memberType eq 'direct'")).toHaveLength(3);
    expect(await ids('eligibilityScheduleInstances', `groupId in ('${plainGroup}', '${roleGroup}') and accessId eq 'member'`)).toEqual(
      sorted(bobMember.targetScheduleId, bobPlain.targetScheduleId),
    );
    // The group lists never carry directory rows, nor directory keys.
    for (const path of ['eligibilityScheduleInstances', 'eligibilitySchedules', 'eligibilityScheduleRequests']) {
      for (const row of (await get(api.admin, `${GROUP}/${path}`)).value) {
        expect(row).not.toHaveProperty('roleDefinitionId');
        expect(row).not.toHaveProperty('directoryScopeId');
      }
    }
    // The directory lists never carry group rows.
    for (const path of ['roleEligibilityScheduleInstances', 'roleEligibilitySchedules', 'roleEligibilityScheduleRequests']) {
      const rows = (await get(api.admin, `${DIR}/${path}`)).value;
      expect(
        rows.map((r: Json) => r.roleDefinitionId),
        path,
      ).toEqual([ROLE.helpdeskAdministrator]);
      expect(
        rows.map((r: Json) => r.directoryScopeId),
        path,
      ).toEqual(['/']);
    }
    expect((await get(bob, `${DIR}/roleEligibilityScheduleInstances/${MINE}`)).value.map((r: Json) => r.roleDefinitionId)).toEqual([
      ROLE.helpdeskAdministrator,
    ]);
    expect((await get(bob, `${GROUP}/eligibilityScheduleInstances/${MINE}`)).value.map((r: Json) => r.groupId).sort()).toEqual(sorted(roleGroup, plainGroup));

    // An id of one provider is unknown to the other's collections.
    const notFound = { status: 404, code: 'Request_ResourceNotFound' };
    expect(await get(api.admin, `${GROUP}/eligibilitySchedules/${bobMember.targetScheduleId}`)).toMatchObject({
      id: bobMember.targetScheduleId,
      groupId: roleGroup,
      accessId: 'member',
    });
    expect(await errorOf(api.admin, 'GET', `${DIR}/roleEligibilitySchedules/${bobMember.targetScheduleId}`)).toEqual(notFound);
    expect(await errorOf(api.admin, 'GET', `${DIR}/roleEligibilityScheduleInstances/${bobMember.targetScheduleId}`)).toEqual(notFound);
    expect(await errorOf(bob, 'GET', `${DIR}/roleEligibilitySchedules/${bobMember.targetScheduleId}`)).toEqual(notFound);
    expect(await errorOf(api.admin, 'GET', `${DIR}/roleEligibilityScheduleRequests/${bobMember.id}`)).toEqual(notFound);
    expect(await errorOf(api.admin, 'GET', `${GROUP}/eligibilitySchedules/${directory.targetScheduleId}`)).toEqual(notFound);
    expect(await errorOf(api.admin, 'GET', `${GROUP}/eligibilityScheduleRequests/${directory.id}`)).toEqual(notFound);
    expect(await errorOf(api.admin, 'GET', `${GROUP}/assignmentSchedules/${bobMember.targetScheduleId}`)).toEqual(notFound); // eligibility, not assignment
    // Like the directory collections, the unfiltered lists are for readers only.
    expect(await errorOf(bob, 'GET', `${GROUP}/eligibilityScheduleInstances`)).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
    expect(await errorOf(carol, 'GET', `${GROUP}/eligibilityScheduleRequests`)).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
    // Unknown fields to filter on are refused rather than ignored.
    expect(
      await errorOf(api.admin, 'GET', `${GROUP}/eligibilityScheduleInstances?${filter(`roleDefinitionId eq '${ROLE.helpdeskAdministrator}'`)}`),
    ).toMatchObject({ status: 400 });
  });

  it("gives each group its two policies; an approval rule on the member policy sends bob's activation to a named approver", async () => {
    const url = `/v1.0/policies/roleManagementPolicyAssignments?${filter(`scopeId eq '${roleGroup}' and scopeType eq 'Group'`)}`;
    const assignments = (await get(bob, url)).value as Json[];
    expect(assignments.map((a) => a.roleDefinitionId).sort()).toEqual(['member', 'owner']);
    for (const a of assignments) {
      expect(a).toEqual({
        id: `${a.policyId}_${a.roleDefinitionId}`,
        policyId: expect.stringMatching(new RegExp(`^Group_${roleGroup}_`)),
        roleDefinitionId: a.roleDefinitionId,
        scopeId: roleGroup,
        scopeType: 'Group',
      });
    }
    expect(new Set(assignments.map((a) => a.policyId)).size).toBe(2);
    const policies = (await get(bob, `/v1.0/policies/roleManagementPolicies?${filter(`scopeId eq '${roleGroup}' and scopeType eq 'Group'`)}&$expand=rules`))
      .value as Json[];
    expect(policies.map((p) => p.id).sort()).toEqual(assignments.map((a) => a.policyId).sort());
    for (const p of policies) {
      expect(p).toMatchObject({ scopeId: roleGroup, scopeType: 'Group' });
      expect(p.rules).toHaveLength(17);
    }
    const enablement = policies
      .find((p) => p.id === assignments.find((a) => a.roleDefinitionId === 'member')!.policyId)!
      .rules.find((r: Json) => r.id === 'Enablement_EndUser_Assignment');
    expect(enablement.enabledRules.sort()).toEqual(['Justification', 'MultiFactorAuthentication']);
    // The other group has policies of its own.
    expect(
      (await get(bob, `/v1.0/policies/roleManagementPolicyAssignments?${filter(`scopeId eq '${plainGroup}' and scopeType eq 'Group'`)}`)).value
        .map((a: Json) => a.policyId)
        .sort(),
    ).not.toEqual(assignments.map((a) => a.policyId).sort());

    await created(await adminGrant('eligibility', bob.id, roleGroup));
    await created(await adminGrant('eligibility', bob.id, plainGroup));
    const policyId = await memberPolicyOf(roleGroup);
    const rule = `/v1.0/policies/roleManagementPolicies/${policyId}/rules/Approval_EndUser_Assignment`;
    const stage = (approvers: Json[]) => ({
      approvalStageTimeOutInDays: 1,
      isApproverJustificationRequired: true,
      escalationTimeInMinutes: 0,
      isEscalationEnabled: false,
      primaryApprovers: approvers,
      escalationApprovers: [],
    });
    const setting = (approvers: Json[]) => ({
      setting: {
        isApprovalRequired: true,
        isApprovalRequiredForExtension: false,
        isRequestorJustificationRequired: true,
        approvalMode: 'SingleStage',
        approvalStages: [stage(approvers)],
      },
    });
    // A group's approval rule must name an approver (no fallback to admins as for directory roles).
    expect(await unchanged(() => errorOf(api.admin, 'PATCH', rule, setting([])))).toEqual({ status: 400, code: 'Request_BadRequest' });
    expect(await unchanged(() => errorOf(bob, 'PATCH', rule, setting([{ '@odata.type': '#microsoft.graph.singleUser', userId: dave.id }])))).toEqual({
      status: 403,
      code: 'Authorization_RequestDenied',
    });
    const patched = await api.call(api.admin, 'PATCH', rule, setting([{ '@odata.type': '#microsoft.graph.singleUser', userId: dave.id }]));
    expect(patched.statusCode, patched.body).toBe(204);

    const asked = await created(await activate(bob, roleGroup));
    expect(asked).toMatchObject({ status: 'PendingApproval', approvalId: asked.id, targetScheduleId: null, accessId: 'member', groupId: roleGroup });
    expect((await get(bob, `${GROUP}/assignmentScheduleInstances/${MINE}`)).value).toEqual([]);
    // Only this group's policy changed: the other group's activation goes straight through.
    expect((await created(await activate(bob, plainGroup))).status).toBe('Provisioned');

    // The approver's inbox, on the group collection only.
    const inbox = await get(dave, `${GROUP}/assignmentScheduleRequests/${INBOX}`);
    expect(inbox.value.map((r: Json) => r.id)).toEqual([asked.id]);
    expect(inbox.value[0]).toMatchObject({ principalId: bob.id, accessId: 'member', groupId: roleGroup, status: 'PendingApproval' });
    expect(inbox.value[0]).not.toHaveProperty('roleDefinitionId');
    for (const who of [bob, carol, api.admin]) expect((await get(who, `${GROUP}/assignmentScheduleRequests/${INBOX}`)).value, who.displayName).toEqual([]);
    expect((await get(dave, `${DIR}/roleAssignmentScheduleRequests/${INBOX}`)).value).toEqual([]);

    const approval = `${GROUP}/assignmentApprovals/${asked.approvalId}`;
    expect(await get(dave, approval)).toMatchObject({
      '@odata.context': expect.stringContaining('identityGovernance/privilegedAccess/group/assignmentApprovals/$entity'),
      id: asked.id,
      steps: [{ id: '1', status: 'InProgress', reviewResult: 'NotReviewed', assignedToMe: true, approvalsRequired: 1, decisions: [] }],
    });
    expect(await get(bob, approval)).toMatchObject({ steps: [{ assignedToMe: false }] });
    expect(await errorOf(carol, 'GET', approval)).toEqual({ status: 404, code: 'Request_ResourceNotFound' });
    expect(await unchanged(() => errorOf(bob, 'PATCH', `${approval}/steps/1`, { reviewResult: 'Approve', justification: 'me' }))).toEqual({
      status: 403,
      code: 'SelfApprovalNotAllowed',
    });
    expect(await unchanged(() => errorOf(dave, 'PATCH', `${approval}/steps/1`, { reviewResult: 'Approve' }))).toEqual({
      status: 400,
      code: 'Request_BadRequest',
    }); // justification required

    api.clock.advance('PT10M');
    const approved = await api.call(dave, 'PATCH', `${approval}/steps/1`, { reviewResult: 'Approve', justification: 'Rota confirmed' });
    expect(approved.statusCode, approved.body).toBe(204);
    expect(await get(dave, `${approval}/steps/1`)).toMatchObject({
      status: 'Completed',
      reviewResult: 'Approve',
      reviewedBy: { id: dave.id, displayName: 'Dave' },
      assignedToMe: false,
    });
    expect(await get(bob, `${GROUP}/assignmentScheduleRequests/${asked.id}`)).toMatchObject({
      id: asked.id,
      status: 'Provisioned',
      targetScheduleId: expect.any(String),
    });
    const active = (await get(bob, `${GROUP}/assignmentScheduleInstances/${MINE}?${filter(`groupId eq '${roleGroup}'`)}`)).value;
    expect(active).toEqual([expect.objectContaining({ accessId: 'member', groupId: roleGroup, assignmentType: 'activated', memberType: 'direct' })]);
    expect((await get(dave, `${GROUP}/assignmentScheduleRequests/${INBOX}`)).value).toEqual([]);
  });

  it('cancels a pending group request with 204, once, and only through the group collection', async () => {
    await created(await adminGrant('eligibility', bob.id, plainGroup));
    const policyId = await memberPolicyOf(plainGroup);
    const patched = await api.call(api.admin, 'PATCH', `/v1.0/policies/roleManagementPolicies/${policyId}/rules/Approval_EndUser_Assignment`, {
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
            primaryApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: dave.id }],
            escalationApprovers: [],
          },
        ],
      },
    });
    expect(patched.statusCode, patched.body).toBe(204);
    const asked = await created(await activate(bob, plainGroup));
    expect(asked.status).toBe('PendingApproval');
    const url = `${GROUP}/assignmentScheduleRequests/${asked.id}`;

    expect(await unchanged(() => errorOf(bob, 'POST', `${DIR}/roleAssignmentScheduleRequests/${asked.id}/cancel`))).toEqual({
      status: 404,
      code: 'Request_ResourceNotFound',
    });
    expect(await unchanged(() => errorOf(carol, 'POST', `${url}/cancel`))).toEqual({ status: 404, code: 'Request_ResourceNotFound' });
    const cancel = await api.call(bob, 'POST', `${url}/cancel`);
    expect(cancel.statusCode, cancel.body).toBe(204);
    expect(cancel.body).toBe('');
    expect(await get(bob, url)).toMatchObject({ status: 'Canceled', accessId: 'member', groupId: plainGroup });
    expect((await get(dave, `${GROUP}/assignmentScheduleRequests/${INBOX}`)).value).toEqual([]);
    expect(await unchanged(() => errorOf(bob, 'POST', `${url}/cancel`))).toEqual({ status: 409, code: 'RequestCannotBeCanceled' });
    expect((await get(bob, `${GROUP}/assignmentScheduleInstances/${MINE}`)).value).toEqual([]);
  });

  it('never removes the last owner of a group (409 LastGroupOwner), but does once another owner exists', async () => {
    const owner = await created(await adminGrant('assignment', bob.id, roleGroup, 'owner'));
    expect(owner).toMatchObject({ status: 'Provisioned', accessId: 'owner', groupId: roleGroup });
    expect(owner.scheduleInfo.expiration.type).toBe('noExpiration');
    api.clock.advance('PT5M');
    const remove = { action: 'adminRemove', principalId: bob.id, accessId: 'owner', groupId: roleGroup, justification: 'Left the team' };
    const refused = await unchanged(() => groupRequest(api.admin, 'assignment', remove));
    expect(refused.statusCode, refused.body).toBe(409);
    expect(json<GraphErrorBody>(refused).error.code).toBe('LastGroupOwner');
    expect((await get(bob, `${GROUP}/assignmentScheduleInstances/${MINE}`)).value.map((i: Json) => [i.accessId, i.assignmentType])).toEqual([
      ['owner', 'assigned'],
    ]);

    // An eligible owner does not count: only owners in effect do.
    await created(await adminGrant('eligibility', carol.id, roleGroup, 'owner'));
    expect((await groupRequest(api.admin, 'assignment', remove)).statusCode).toBe(409);
    await created(await adminGrant('assignment', carol.id, roleGroup, 'owner'));
    const removed = await created(await groupRequest(api.admin, 'assignment', remove));
    expect(removed).toMatchObject({ action: 'adminRemove', status: 'Revoked', accessId: 'owner', groupId: roleGroup });
    expect((await get(bob, `${GROUP}/assignmentScheduleInstances/${MINE}`)).value).toEqual([]);
  });

  it('lets an owner manage the access of a group he owns unless it is role-assignable', async () => {
    await created(await adminGrant('assignment', bob.id, plainGroup, 'owner'));
    await created(await adminGrant('assignment', bob.id, roleGroup, 'owner'));
    const otherGroup = await createGroup('Finance', false);

    const viaBob = await created(await adminGrant('eligibility', carol.id, plainGroup, 'member', bob));
    expect(viaBob).toMatchObject({
      status: 'Provisioned',
      principalId: carol.id,
      accessId: 'member',
      groupId: plainGroup,
      createdBy: { user: { id: bob.id } },
    });
    expect((await get(carol, `${GROUP}/eligibilityScheduleInstances/${MINE}`)).value.map((i: Json) => i.groupId)).toEqual([plainGroup]);

    const denied = { status: 403, code: 'Authorization_RequestDenied' };
    await unchanged(async () => {
      expect(
        await errorOf(bob, 'POST', `${GROUP}/eligibilityScheduleRequests`, {
          action: 'adminAssign',
          principalId: carol.id,
          accessId: 'member',
          groupId: roleGroup,
          scheduleInfo: { expiration: { type: 'afterDuration', duration: 'P30D' } },
        }),
        'a role-assignable group',
      ).toEqual(denied);
      expect(
        await errorOf(bob, 'POST', `${GROUP}/eligibilityScheduleRequests`, {
          action: 'adminAssign',
          principalId: carol.id,
          accessId: 'member',
          groupId: otherGroup,
          scheduleInfo: { expiration: { type: 'afterDuration', duration: 'P30D' } },
        }),
        'a group bob does not own',
      ).toEqual(denied);
      expect(
        await errorOf(carol, 'POST', `${GROUP}/eligibilityScheduleRequests`, {
          action: 'adminAssign',
          principalId: dave.id,
          accessId: 'member',
          groupId: plainGroup,
          scheduleInfo: { expiration: { type: 'afterDuration', duration: 'P30D' } },
        }),
        'a member who is no owner',
      ).toEqual(denied);
      // Ownership of a group is no directory role.
      expect(
        await errorOf(bob, 'POST', `${DIR}/roleEligibilityScheduleRequests`, {
          action: 'adminAssign',
          principalId: carol.id,
          roleDefinitionId: ROLE.helpdeskAdministrator,
          directoryScopeId: '/',
          scheduleInfo: { expiration: { type: 'noExpiration' } },
        }),
        'a directory role',
      ).toEqual(denied);
    });
  });

  it('refuses a nesting cycle, statically or by PIM for Groups', async () => {
    const inner = await createGroup('Inner', false);
    // inner is a member of plainGroup (statically)…
    const ref = await api.call(api.admin, 'POST', `/v1.0/groups/${plainGroup}/members/$ref`, {
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${inner}`,
    });
    expect(ref.statusCode, ref.body).toBe(204);
    // …so plainGroup can be made neither an eligible nor an active member of inner, nor of itself.
    for (const kind of ['eligibility', 'assignment'] as const) {
      for (const [groupId, label] of [
        [inner, 'the group it contains'],
        [plainGroup, 'itself'],
      ] as const) {
        const res = await unchanged(() => adminGrant(kind, plainGroup, groupId));
        expect(res.statusCode, `${kind} of ${label}: ${res.body}`).toBe(400);
        expect(json<GraphErrorBody>(res).error).toMatchObject({ code: 'Request_BadRequest', message: expect.stringContaining('cycle') });
      }
    }
    // An active PIM membership is an edge too: inner → outer by PIM, then outer can't go below inner.
    const outer = await createGroup('Outer', false);
    await created(await adminGrant('assignment', inner, outer));
    const cycle = await unchanged(() =>
      api.call(api.admin, 'POST', `/v1.0/groups/${inner}/members/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${outer}` }),
    );
    expect(cycle.statusCode, cycle.body).toBe(400);
    expect(json<GraphErrorBody>(cycle).error.code).toBe('Request_BadRequest');
    // A group may still be a member of an unrelated group.
    expect((await created(await adminGrant('eligibility', inner, await createGroup('Unrelated', false)))).status).toBe('Provisioned');
  });

  it.each([
    { name: 'an unknown accessId', body: { accessId: 'admin' }, mentions: 'accessId' },
    { name: 'an accessId in the wrong case', body: { accessId: 'Member' }, mentions: 'accessId' },
    { name: 'a missing groupId', body: { groupId: undefined }, mentions: 'groupId' },
    { name: 'an empty groupId', body: { groupId: '' }, mentions: 'groupId' },
    { name: 'a missing accessId', body: { accessId: undefined }, mentions: 'accessId' },
    { name: 'a roleDefinitionId', body: { roleDefinitionId: ROLE.securityReader }, mentions: 'roleDefinitionId' },
    { name: 'a directoryScopeId', body: { directoryScopeId: '/' }, mentions: 'directoryScopeId' },
    { name: 'a groupId that names no group', body: { groupId: '00000000-0000-4000-8000-00000000abcd' }, mentions: 'groupId' },
    { name: 'a groupId that names a user', body: { groupId: 'USER' }, mentions: 'groupId' },
  ])('400 in Graph error shape for $name, writing nothing', async ({ body, mentions }) => {
    const base = {
      action: 'adminAssign',
      principalId: bob.id,
      accessId: 'member',
      groupId: plainGroup,
      justification: 'x',
      scheduleInfo: { expiration: { type: 'noExpiration' } },
    };
    const sent = { ...base, ...body, ...(body.groupId === 'USER' ? { groupId: carol.id } : {}) };
    for (const kind of ['eligibility', 'assignment'] as const) {
      const res = await unchanged(() => groupRequest(api.admin, kind, sent));
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const error = json<GraphErrorBody>(res);
      expect(Object.keys(error)).toEqual(['error']);
      expect(error.error).toMatchObject({
        code: 'Request_BadRequest',
        message: expect.stringContaining(mentions),
        innerError: { 'request-id': expect.any(String), date: expect.any(String) },
      });
    }
  });

  it('400 for group keys or group roles sent to a directory collection, writing nothing', async () => {
    const res = await unchanged(() =>
      api.call(api.admin, 'POST', `${DIR}/roleEligibilityScheduleRequests`, {
        action: 'adminAssign',
        principalId: bob.id,
        accessId: 'member',
        groupId: plainGroup,
        scheduleInfo: { expiration: { type: 'noExpiration' } },
      }),
    );
    expect(res.statusCode, res.body).toBe(400);
    expect(json<GraphErrorBody>(res).error.code).toBe('Request_BadRequest');
    // The group roles are not directory roles, even at a group's scope.
    const role = await unchanged(() =>
      api.call(api.admin, 'POST', `${DIR}/roleEligibilityScheduleRequests`, {
        action: 'adminAssign',
        principalId: bob.id,
        roleDefinitionId: 'member',
        directoryScopeId: `/groups/${plainGroup}`,
        scheduleInfo: { expiration: { type: 'noExpiration' } },
      }),
    );
    expect(role.statusCode, role.body).toBe(400);
    expect(json<GraphErrorBody>(role).error).toMatchObject({
      code: 'Request_BadRequest',
      message: expect.stringContaining('privilegedAccess/group/eligibilityScheduleRequests'),
    });
    const owner = await unchanged(() =>
      api.call(api.admin, 'POST', `${DIR}/roleAssignmentScheduleRequests`, {
        action: 'adminAssign',
        principalId: bob.id,
        roleDefinitionId: 'owner',
        directoryScopeId: `/groups/${plainGroup}`,
        justification: 'x',
        scheduleInfo: { expiration: { type: 'noExpiration' } },
      }),
    );
    expect(owner.statusCode, owner.body).toBe(400);
    expect(json<GraphErrorBody>(owner).error.code).toBe('Request_BadRequest');
  });
});
