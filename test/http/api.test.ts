/**
 * The rest of the HTTP API, shaped like Microsoft Graph: the directory, role definitions, the
 * schedule and request collections, OData options and paging, policies, the audit log, OpenAPI
 * and health — and who may read or write each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/model.ts';
import { RULE_IDS } from '../../src/domain/policy/rules.ts';
import { BUILT_IN_ROLES, ROLE } from '../../src/domain/roles/catalogue.ts';
import { HOUR, toIso } from '../../src/domain/time.ts';
import { json, openHttpHarness, type As, type GraphErrorBody, type HttpHarness } from '../support/http-harness.ts';

const DIR = '/v1.0/roleManagement/directory';
const MINE = "filterByCurrentUser(on='principal')";
const COLLECTIONS = ['roleAssignmentSchedules', 'roleEligibilitySchedules', 'roleAssignmentScheduleInstances', 'roleEligibilityScheduleInstances'] as const;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the Graph-shaped API', () => {
  let api: HttpHarness;
  let alice: Principal; // eligible for User Administrator and Helpdesk Administrator; User Administrator active
  let bob: Principal; // Global Reader, active
  let carol: Principal; // no roles at all
  let activationId: string;

  /** GET as `who`, expecting 200; the body. */
  const get = async (who: As, url: string): Promise<Json> => {
    const res = await api.call(who, 'GET', url);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return json(res);
  };
  const errorOf = async (who: As, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => {
    const res = await api.call(who, method, url, body);
    return { status: res.statusCode, code: json<GraphErrorBody>(res).error?.code };
  };
  const activate = (principal: Principal, roleId: string, start?: number) =>
    api.call(principal, 'POST', `${DIR}/roleAssignmentScheduleRequests`, {
      action: 'selfActivate',
      principalId: principal.id,
      roleDefinitionId: roleId,
      directoryScopeId: '/',
      justification: 'Ticket 12',
      scheduleInfo: { ...(start === undefined ? {} : { startDateTime: toIso(start) }), expiration: { type: 'afterDuration', duration: 'PT1H' } },
    });

  beforeAll(async () => {
    api = await openHttpHarness();
    const { h } = api;
    [alice, bob, carol] = [await h.user('alice@contoso.test', 'Alice'), await h.user('bob@contoso.test', 'Bob'), await h.user('carol@contoso.test', 'Carol')];
    for (const roleId of [ROLE.userAdministrator, ROLE.helpdeskAdministrator]) {
      await h.submit(h.admin, { kind: 'eligibility', action: 'adminAssign', principalId: alice.id, roleDefinitionId: roleId });
    }
    await h.submit(h.admin, {
      action: 'adminAssign',
      principalId: bob.id,
      roleDefinitionId: ROLE.globalReader,
      scheduleInfo: { startDateTime: null, expiration: { type: 'noExpiration' } },
    });
    const res = await activate(alice, ROLE.userAdministrator);
    expect(res.statusCode, res.body).toBe(201);
    activationId = json(res).id as string;
  });
  afterAll(async () => api?.close());

  it('creates, reads and lists users and groups, and manages members with $ref', async () => {
    const created = await api.call(api.admin, 'POST', '/v1.0/users', {
      displayName: 'Dave',
      userPrincipalName: 'dave@contoso.test',
      mail: 'dave@contoso.test',
    });
    expect(created.statusCode).toBe(201);
    const dave = json(created);
    expect(dave).toMatchObject({
      '@odata.context': expect.stringMatching(/\/v1\.0\/\$metadata#users\/\$entity$/),
      '@odata.type': '#microsoft.graph.user',
      displayName: 'Dave',
      accountEnabled: true,
    });
    expect(await get(carol, `/v1.0/users/${dave.id}`)).toMatchObject({ id: dave.id, userPrincipalName: 'dave@contoso.test' });
    expect(await get(carol, '/v1.0/users/dave@contoso.test')).toMatchObject({ id: dave.id });
    const filtered = await get(carol, `/v1.0/users?$filter=${encodeURIComponent("userPrincipalName eq 'dave@contoso.test'")}`);
    expect(filtered.value.map((u: Json) => u.id)).toEqual([dave.id]);
    expect(await errorOf(api.admin, 'POST', '/v1.0/users', { displayName: 'Dave 2', userPrincipalName: 'DAVE@contoso.test' })).toEqual({
      status: 409,
      code: 'ObjectConflict',
    });

    const group = json(
      await api.call(api.admin, 'POST', '/v1.0/groups', { displayName: 'Helpdesk', description: 'First line', mailEnabled: false, securityEnabled: true }),
    );
    expect(group).toMatchObject({ '@odata.type': '#microsoft.graph.group', displayName: 'Helpdesk', securityEnabled: true, isAssignableToRole: false });
    expect(await get(carol, `/v1.0/groups/${group.id}`)).toMatchObject({ id: group.id, description: 'First line' });
    expect((await get(carol, '/v1.0/groups')).value.map((g: Json) => g.id)).toContain(group.id);

    const members = `/v1.0/groups/${group.id}/members`;
    for (const who of [dave.id, alice.id]) {
      const add = await api.call(api.admin, 'POST', `${members}/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${who}` });
      expect(add.statusCode, add.body).toBe(204);
      expect(add.body).toBe('');
    }
    const listed = await get(carol, members);
    expect(listed.value.map((m: Json) => m.displayName)).toEqual(['Alice', 'Dave']);
    expect(listed.value[0]['@odata.type']).toBe('#microsoft.graph.user');
    expect(await errorOf(api.admin, 'POST', `${members}/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${dave.id}` })).toMatchObject({
      status: 409,
    });
    expect(await errorOf(carol, 'POST', `${members}/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${carol.id}` })).toEqual({
      status: 403,
      code: 'Authorization_RequestDenied',
    });

    expect((await api.call(api.admin, 'DELETE', `${members}/${dave.id}/$ref`)).statusCode).toBe(204);
    expect((await get(carol, members)).value.map((m: Json) => m.id)).toEqual([alice.id]);
  });

  it('lists the built-in role definitions and creates a custom one with its own policy', async () => {
    const roles = await get(carol, `${DIR}/roleDefinitions?$filter=${encodeURIComponent('isBuiltIn eq true')}&$count=true&$top=999`);
    const builtIn = BUILT_IN_ROLES.filter((r) => r.kind !== 'group').length;
    expect(roles['@odata.count']).toBe(builtIn);
    expect(roles.value).toHaveLength(builtIn);
    expect(roles.value.map((r: Json) => r.id).sort()).toEqual(
      BUILT_IN_ROLES.filter((r) => r.kind !== 'group')
        .map((r) => r.id)
        .sort(),
    );
    const ga = await get(carol, `${DIR}/roleDefinitions/62e90394-69f5-4237-9190-012177145e10`);
    expect(ga).toMatchObject({
      displayName: 'Global Administrator',
      isBuiltIn: true,
      isEnabled: true,
      isPrivileged: true,
      templateId: ROLE.globalAdministrator,
      rolePermissions: [{ allowedResourceActions: ['*'] }],
    });

    const body = {
      displayName: 'Password Helper',
      description: 'Resets passwords',
      isEnabled: true,
      rolePermissions: [{ allowedResourceActions: ['openpim.directory/users/password/update'] }],
    };
    expect(await errorOf(bob, 'POST', `${DIR}/roleDefinitions`, body)).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
    const created = await api.call(api.admin, 'POST', `${DIR}/roleDefinitions`, body);
    expect(created.statusCode, created.body).toBe(201);
    const role = json(created);
    expect(role).toMatchObject({
      displayName: 'Password Helper',
      isBuiltIn: false,
      rolePermissions: [{ allowedResourceActions: ['openpim.directory/users/password/update'], excludedResourceActions: [] }],
    });
    expect(await get(carol, `${DIR}/roleDefinitions/${role.id}`)).toMatchObject({ id: role.id, displayName: 'Password Helper' });
    const policy = await get(
      carol,
      `/v1.0/policies/roleManagementPolicyAssignments?$filter=${encodeURIComponent(`roleDefinitionId eq '${role.id}'`)}&$expand=policy`,
    );
    expect(policy.value).toHaveLength(1);
    expect(policy.value[0].policy.rules).toHaveLength(17);
    expect(await errorOf(api.admin, 'POST', `${DIR}/roleDefinitions`, body)).toMatchObject({ status: 409, code: 'ObjectConflict' });
  });

  it("shows schedules and instances: everyone's to readers, one's own with filterByCurrentUser", async () => {
    const later = api.clock.now() + 2 * HOUR;
    const granted = await activate(alice, ROLE.helpdeskAdministrator, later);
    expect(json(granted)).toMatchObject({ status: 'Granted' });

    const principals = async (who: As, path: string, roleId?: string) =>
      (await get(who, `${DIR}/${path}`)).value.filter((s: Json) => !roleId || s.roleDefinitionId === roleId).map((s: Json) => s.principalId);
    for (const reader of [api.admin, bob]) {
      expect(await principals(reader, 'roleAssignmentSchedules', ROLE.globalAdministrator)).toEqual([api.admin.id]);
      expect(await principals(reader, 'roleAssignmentSchedules', ROLE.globalReader)).toEqual([bob.id]);
      expect(await principals(reader, 'roleAssignmentSchedules', ROLE.helpdeskAdministrator)).toEqual([alice.id]); // future start: a schedule…
      expect(await principals(reader, 'roleAssignmentScheduleInstances', ROLE.helpdeskAdministrator)).toEqual([]); // …not yet an instance
      expect(await principals(reader, 'roleAssignmentScheduleInstances', ROLE.userAdministrator)).toEqual([alice.id]);
      expect((await principals(reader, 'roleEligibilitySchedules')).sort()).toEqual([alice.id, alice.id]);
      expect(await principals(reader, 'roleEligibilityScheduleInstances', ROLE.userAdministrator)).toEqual([alice.id]);
    }
    const own = await get(alice, `${DIR}/roleAssignmentSchedules/${MINE}`);
    expect(own['@odata.context']).toContain('roleManagement/directory/roleAssignmentSchedules');
    expect(own.value.map((s: Json) => [s.roleDefinitionId, s.assignmentType]).sort()).toEqual(
      [
        [ROLE.helpdeskAdministrator, 'Activated'],
        [ROLE.userAdministrator, 'Activated'],
      ].sort(),
    );
    const schedule = own.value.find((s: Json) => s.roleDefinitionId === ROLE.helpdeskAdministrator);
    expect(schedule).toMatchObject({
      memberType: 'Direct',
      status: 'Provisioned',
      scheduleInfo: { startDateTime: toIso(later), expiration: { type: 'afterDateTime', endDateTime: toIso(later + HOUR) } },
    });
    expect(await get(alice, `${DIR}/roleAssignmentSchedules/${schedule.id}`)).toMatchObject({ id: schedule.id, principalId: alice.id });
    expect((await get(alice, `${DIR}/roleEligibilityScheduleInstances/${MINE}`)).value).toHaveLength(2);
    for (const c of COLLECTIONS) {
      expect(
        (await get(bob, `${DIR}/${c}/${MINE}`)).value.every((s: Json) => s.principalId === bob.id),
        c,
      ).toBe(true);
      expect((await get(carol, `${DIR}/${c}/${MINE}`)).value, c).toEqual([]);
    }

    const assignments = await get(api.admin, `${DIR}/roleAssignments`);
    expect(assignments.value.map((a: Json) => a.principalId).sort()).toEqual([api.admin.id, alice.id, bob.id].sort());
    expect(assignments.value[0]).toEqual({
      id: expect.any(String),
      principalId: expect.any(String),
      roleDefinitionId: expect.any(String),
      directoryScopeId: '/',
      appScopeId: null,
      condition: null,
    });
    expect((await get(alice, `${DIR}/roleAssignments`)).value.map((a: Json) => a.roleDefinitionId)).toEqual([ROLE.userAdministrator]);

    // Cancel the granted request: 204, the request reads Canceled and its schedule is gone.
    const requestId = json(granted).id as string;
    const cancel = await api.call(alice, 'POST', `${DIR}/roleAssignmentScheduleRequests/${requestId}/cancel`);
    expect(cancel.statusCode, cancel.body).toBe(204);
    expect(await get(alice, `${DIR}/roleAssignmentScheduleRequests/${requestId}`)).toMatchObject({ status: 'Canceled' });
    expect(await principals(api.admin, 'roleAssignmentSchedules', ROLE.helpdeskAdministrator)).toEqual([]);
    expect(await errorOf(alice, 'POST', `${DIR}/roleAssignmentScheduleRequests/${requestId}/cancel`)).toEqual({ status: 409, code: 'RequestCannotBeCanceled' });
  });

  it('gets a request by id, expands and selects, and refuses to cancel one already provisioned', async () => {
    const url = `${DIR}/roleAssignmentScheduleRequests/${activationId}`;
    const request = await get(alice, url);
    expect(request).toMatchObject({
      '@odata.context': expect.stringContaining('roleManagement/directory/roleAssignmentScheduleRequests/$entity'),
      id: activationId,
      action: 'selfActivate',
      status: 'Provisioned',
      principalId: alice.id,
      roleDefinitionId: ROLE.userAdministrator,
      directoryScopeId: '/',
      justification: 'Ticket 12',
      isValidationOnly: false,
      createdBy: { user: { id: alice.id } },
      scheduleInfo: { startDateTime: toIso(api.clock.now()), expiration: { type: 'afterDuration', duration: 'PT1H' } },
    });
    const expanded = await get(api.admin, `${url}?$expand=principal,roleDefinition`);
    expect(expanded.principal).toMatchObject({ id: alice.id, userPrincipalName: 'alice@contoso.test' });
    expect(expanded.roleDefinition).toMatchObject({ id: ROLE.userAdministrator, displayName: 'User Administrator' });
    const selected = await get(alice, `${url}?$select=status,action`);
    expect(
      Object.keys(selected)
        .filter((k) => !k.startsWith('@odata.'))
        .sort(),
    ).toEqual(['action', 'id', 'status']);

    const list = await get(
      api.admin,
      `${DIR}/roleAssignmentScheduleInstances?$expand=principal,roleDefinition&$filter=${encodeURIComponent(`principalId eq '${alice.id}'`)}`,
    );
    expect(list.value).toHaveLength(1);
    expect(list.value[0]).toMatchObject({
      principal: { displayName: 'Alice' },
      roleDefinition: { displayName: 'User Administrator' },
      assignmentType: 'Activated',
    });

    expect(await errorOf(alice, 'POST', `${url}/cancel`)).toEqual({ status: 409, code: 'RequestCannotBeCanceled' });
    expect(await errorOf(bob, 'POST', `${url}/cancel`)).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
    expect(await errorOf(carol, 'GET', url)).toEqual({ status: 404, code: 'Request_ResourceNotFound' }); // someone else's request
  });

  it('pages with $top and @odata.nextLink, counts with $count, sorts with $orderby and projects with $select', async () => {
    const all = await get(carol, `${DIR}/roleDefinitions?$top=999&$count=true`);
    const total = all['@odata.count'] as number;
    expect(total).toBe(all.value.length);
    expect(all['@odata.nextLink']).toBeUndefined();

    const seen: string[] = [];
    let next: string | undefined = `${DIR}/roleDefinitions?$top=5&$select=displayName&$orderby=displayName desc`;
    let pages = 0;
    while (next) {
      const page = await get(carol, next);
      expect(page.value.length).toBeLessThanOrEqual(5);
      for (const r of page.value) expect(Object.keys(r).sort()).toEqual(['displayName', 'id']);
      seen.push(...page.value.map((r: Json) => r.displayName));
      const link = page['@odata.nextLink'] as string | undefined;
      if (link) expect(link).toMatch(/^http:\/\/[^/]+\/v1\.0\/roleManagement\/directory\/roleDefinitions\?.*\$skiptoken=/);
      next = link ? link.slice(new URL(link).origin.length) : undefined;
      pages++;
    }
    expect(pages).toBe(Math.ceil(total / 5));
    expect(seen).toHaveLength(total);
    // The database's own order (its collation decides where "AI Administrator" goes against "Agent ID Administrator").
    const descending = await get(carol, `${DIR}/roleDefinitions?$top=999&$orderby=displayName desc`);
    expect(seen).toEqual(descending.value.map((r: Json) => r.displayName));
    expect(new Set(seen)).toEqual(new Set(all.value.map((r: Json) => r.displayName)));

    const byName = await get(
      carol,
      `${DIR}/roleDefinitions?$filter=${encodeURIComponent("displayName in ('Global Reader', 'Reader') and isBuiltIn eq true")}&$orderby=displayName`,
    );
    expect(byName.value.map((r: Json) => r.displayName)).toEqual(['Global Reader', 'Reader']);

    // Paging keeps the filter: every page of alice's requests is alice's.
    const mine = await get(
      api.admin,
      `${DIR}/roleEligibilityScheduleRequests?$filter=${encodeURIComponent(`principalId eq '${alice.id}'`)}&$top=1&$count=true`,
    );
    expect(mine['@odata.count']).toBe(2);
    const second = await get(api.admin, mine['@odata.nextLink'].slice(new URL(mine['@odata.nextLink']).origin.length));
    expect(second.value).toHaveLength(1);
    expect(second.value[0].principalId).toBe(alice.id);
    expect(second.value[0].id).not.toBe(mine.value[0].id);
    expect(second['@odata.nextLink']).toBeUndefined();
  });

  it('serves role management policies with their 17 rules, one rule at a time, and policy assignments', async () => {
    const policies = await get(
      carol,
      `/v1.0/policies/roleManagementPolicies?$expand=rules&$top=999&$filter=${encodeURIComponent("scopeType eq 'DirectoryRole'")}`,
    );
    expect(policies.value.length).toBeGreaterThanOrEqual(17);
    for (const p of policies.value) {
      expect(p.rules.map((r: Json) => r.id).sort()).toEqual([...RULE_IDS].sort());
      expect(p).toMatchObject({ scopeId: '/', scopeType: 'DirectoryRole', isOrganizationDefault: false });
    }
    const policyId = (await api.h.store.read.policies.forRoleAt(api.h.tenantId, ROLE.globalAdministrator, '/'))!.id;
    expect((await get(carol, `/v1.0/policies/roleManagementPolicies/${policyId}`)).rules).toBeUndefined();
    expect((await get(carol, `/v1.0/policies/roleManagementPolicies/${policyId}/rules`)).value).toHaveLength(17);
    const rule = await get(carol, `/v1.0/policies/roleManagementPolicies/${policyId}/rules/Enablement_EndUser_Assignment`);
    expect(rule).toMatchObject({
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
      id: 'Enablement_EndUser_Assignment',
      enabledRules: expect.arrayContaining(['MultiFactorAuthentication', 'Justification']),
      target: { caller: 'EndUser', level: 'Assignment' },
    });
    const assignment = `${policyId}_${ROLE.globalAdministrator}`;
    expect(await get(carol, `/v1.0/policies/roleManagementPolicyAssignments/${assignment}`)).toMatchObject({
      id: assignment,
      policyId,
      roleDefinitionId: ROLE.globalAdministrator,
      scopeId: '/',
    });
    const filtered = await get(
      carol,
      `/v1.0/policies/roleManagementPolicyAssignments?$filter=${encodeURIComponent(`scopeId eq '/' and scopeType eq 'Directory' and roleDefinitionId eq '${ROLE.globalAdministrator}'`)}`,
    );
    expect(filtered.value.map((a: Json) => a.policyId)).toEqual([policyId]);
  });

  it('shows the audit log and its verification to readers only', async () => {
    expect(await errorOf(carol, 'GET', '/v1.0/auditLogs/directoryAudits')).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
    expect(await errorOf(alice, 'GET', '/openpim/audit/verify')).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
    const audits = await get(
      bob,
      `/v1.0/auditLogs/directoryAudits?$filter=${encodeURIComponent("activityDisplayName eq 'Add member to role completed (PIM activation)'")}`,
    );
    expect(audits.value.length).toBeGreaterThanOrEqual(1);
    const event = audits.value.find((e: Json) => e.additionalDetails.some((d: Json) => d.value === activationId));
    expect(event).toMatchObject({
      category: 'RoleManagement',
      result: 'success',
      loggedByService: 'PIM',
      initiatedBy: { user: { id: alice.id, userPrincipalName: 'alice@contoso.test' } },
      targetResources: expect.arrayContaining([expect.objectContaining({ id: ROLE.userAdministrator })]),
    });
    expect(await get(api.admin, `/v1.0/auditLogs/directoryAudits/${event.id}`)).toMatchObject({ id: event.id });
    const newestFirst = (await get(api.admin, '/v1.0/auditLogs/directoryAudits?$top=999')).value.map((e: Json) => e.activityDateTime);
    expect(newestFirst).toEqual([...newestFirst].sort().reverse());
    const verify = await get(bob, '/openpim/audit/verify');
    expect(verify).toEqual({ ok: true, events: expect.any(Number), firstBrokenEvent: null });
    expect(verify.events).toBeGreaterThan(5);
  });

  it("lets a user read their own requests but no one else's, and a Global Reader read all but write nothing", async () => {
    for (const kind of ['roleAssignmentScheduleRequests', 'roleEligibilityScheduleRequests']) {
      const own = await get(alice, `${DIR}/${kind}/${MINE}`);
      expect(own.value.length).toBeGreaterThan(0);
      expect(own.value.every((r: Json) => r.principalId === alice.id)).toBe(true);
      expect((await get(bob, `${DIR}/${kind}`)).value.some((r: Json) => r.principalId === alice.id)).toBe(true);
    }
    for (const path of ['roleAssignmentScheduleRequests', 'roleEligibilityScheduleRequests', ...COLLECTIONS]) {
      for (const user of [alice, carol])
        expect(await errorOf(user, 'GET', `${DIR}/${path}`), path).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
    }

    const before = await api.counts();
    const policyId = (await api.h.store.read.policies.forRoleAt(api.h.tenantId, ROLE.userAdministrator, '/'))!.id;
    const writes: [string, 'POST' | 'PATCH', string, unknown][] = [
      [
        'adminAssign',
        'POST',
        `${DIR}/roleEligibilityScheduleRequests`,
        {
          action: 'adminAssign',
          principalId: carol.id,
          roleDefinitionId: ROLE.userAdministrator,
          directoryScopeId: '/',
          justification: 'x',
          scheduleInfo: { expiration: { type: 'noExpiration' } },
        },
      ],
      [
        'adminRemove',
        'POST',
        `${DIR}/roleEligibilityScheduleRequests`,
        { action: 'adminRemove', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator, directoryScopeId: '/' },
      ],
      ['create user', 'POST', '/v1.0/users', { displayName: 'Eve', userPrincipalName: 'eve@contoso.test' }],
      ['create group', 'POST', '/v1.0/groups', { displayName: 'Admins' }],
      ['change a rule', 'PATCH', `/v1.0/policies/roleManagementPolicies/${policyId}/rules/Expiration_EndUser_Assignment`, { maximumDuration: 'PT1H' }],
    ];
    for (const [label, method, url, body] of writes) {
      expect(await errorOf(bob, method, url, body), label).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
      expect(await errorOf(carol, method, url, body), label).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
    }
    expect(await api.counts()).toEqual(before);
  });

  it('serves the OpenAPI document and /healthz without a token', async () => {
    const doc = await get(null, '/openapi.json');
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1.0/users', `${DIR}/roleAssignmentScheduleRequests`, '/v1.0/policies/roleManagementPolicies']),
    );
    expect(doc.paths['/healthz']).toBeUndefined();
    expect(await get(null, '/healthz')).toEqual({ status: 'ready' });

    const starting = await openHttpHarness({ isReady: () => false });
    try {
      const res = await starting.call(null, 'GET', '/healthz');
      expect(res.statusCode).toBe(503);
      expect(json(res)).toEqual({ status: 'starting' });
    } finally {
      await starting.close();
    }
  });
});
