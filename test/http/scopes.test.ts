/**
 * Resource scopes over HTTP (docs/guide.md "The model", docs/api.md "Scopes", decision 0007):
 * registering the tree under /openpim/scopes (explicit parents, refused paths, duplicates, who
 * may), resource roles assigned through the Graph directory-role endpoints with a resource
 * `directoryScopeId` and inherited below, activation narrowed to a child scope, Owner / User Access
 * Administrator managing at their scope, and a role's own policy at a narrower scope (POST
 * /openpim/policies) resolved most-specific-first.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { json, openHttpHarness, type As, type GraphErrorBody, type HttpHarness } from '../support/http-harness.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Res = Awaited<ReturnType<HttpHarness['call']>>;

const DIR = '/v1.0/roleManagement/directory';
const MINE = "filterByCurrentUser(on='principal')";
const SCOPES = '/openpim/scopes';
const MG1 = '/managementGroups/mg1';
const S1 = '/subscriptions/s1';
const S2 = '/subscriptions/s2';
const RG1 = `${S1}/resourceGroups/rg1`;
const VM1 = `${RG1}/virtualMachines/vm1`;
const VM_READ = 'openpim.resources/virtualMachines/read';
const VM_WRITE = 'openpim.resources/virtualMachines/write';
const filter = (expr: string) => `$filter=${encodeURIComponent(expr)}`;

describe('resource scopes over HTTP', () => {
  let api: HttpHarness;
  let bob: Principal; // gets resource roles
  let carol: Principal; // User Access Administrator at S1 where a test says so
  let dave: Principal; // assigned by carol

  const get = async (who: As, url: string): Promise<Json> => {
    const res = await api.call(who, 'GET', url);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return json(res);
  };
  const created = (res: Res): Json => {
    expect(res.statusCode, res.body).toBe(201);
    return json(res);
  };
  const errorOf = (res: Res) => ({ status: res.statusCode, code: json<GraphErrorBody>(res).error?.code });
  /** A refused call leaves every table and the audit chain as they were. */
  const unchanged = async (call: () => Promise<Res>): Promise<Res> => {
    const before = await api.counts();
    const res = await call();
    expect(await api.counts(), res.body).toEqual(before);
    return res;
  };
  const register = (who: As, body: Json) => api.call(who, 'POST', SCOPES, body);
  /** An admin-style request (adminAssign by default) for a role at a scope. */
  const assign = (who: As, kind: 'assignment' | 'eligibility', principalId: string, roleDefinitionId: string, directoryScopeId: string, over: Json = {}) =>
    api.call(who, 'POST', `${DIR}/role${kind === 'assignment' ? 'Assignment' : 'Eligibility'}ScheduleRequests`, {
      action: 'adminAssign',
      principalId,
      roleDefinitionId,
      directoryScopeId,
      justification: 'Change 7',
      scheduleInfo: { expiration: { type: 'noExpiration' } },
      ...over,
    });
  const activate = (who: Principal, roleDefinitionId: string, directoryScopeId: string, duration = 'PT1H') =>
    api.call(who, 'POST', `${DIR}/roleAssignmentScheduleRequests`, {
      action: 'selfActivate',
      principalId: who.id,
      roleDefinitionId,
      directoryScopeId,
      justification: 'Deploy hotfix',
      scheduleInfo: { expiration: { type: 'afterDuration', duration } },
    });
  const check = async (principal: Principal, action: string, scope: string): Promise<Json> => {
    const res = await api.call(api.admin, 'POST', '/openpim/access/check', { principalId: principal.id, action, scope });
    expect(res.statusCode, res.body).toBe(200);
    return json(res);
  };
  const createPolicy = (who: As, roleDefinitionId: string, scopeId: string) => api.call(who, 'POST', '/openpim/policies', { roleDefinitionId, scopeId });
  const setMaximum = async (who: As, policyId: string, maximumDuration: string) => {
    const res = await api.call(who, 'PATCH', `/v1.0/policies/roleManagementPolicies/${policyId}/rules/Expiration_EndUser_Assignment`, { maximumDuration });
    expect(res.statusCode, res.body).toBe(204);
  };

  beforeEach(async () => {
    api = await openHttpHarness();
    [bob, carol, dave] = [
      await api.h.user('bob@contoso.test', 'Bob'),
      await api.h.user('carol@contoso.test', 'Carol'),
      await api.h.user('dave@contoso.test', 'Dave'),
    ];
    created(await register(api.admin, { id: MG1, displayName: 'Management group 1' }));
    created(await register(api.admin, { id: S1, parentId: MG1 }));
    created(await register(api.admin, { id: RG1 }));
    created(await register(api.admin, { id: S2 }));
  });
  afterEach(async () => api?.close());

  describe('/openpim/scopes', () => {
    it('registers scopes with their parents, lists them and gets one by path, plain or URL-encoded', async () => {
      const third = created(await register(api.admin, { id: '/subscriptions/s3', displayName: 'Sandbox', parentId: MG1 }));
      expect(third).toEqual({
        '@odata.context': expect.stringMatching(/\/\$metadata#scopes\/\$entity$/),
        id: '/subscriptions/s3',
        displayName: 'Sandbox',
        parentId: MG1,
        type: 'resource',
      });

      const list = await get(bob, SCOPES);
      expect(list.value.map((s: Json) => [s.id, s.parentId, s.displayName])).toEqual(
        [
          [MG1, '/', 'Management group 1'],
          [S1, MG1, 's1'],
          [RG1, S1, 'rg1'],
          [S2, '/', 's2'],
          ['/subscriptions/s3', MG1, 'Sandbox'],
        ].sort((a, b) => a[0]!.localeCompare(b[0]!)),
      );
      expect(list.value.every((s: Json) => s.type === 'resource')).toBe(true);
      expect((await get(bob, `${SCOPES}?${filter(`parentId eq '${MG1}'`)}`)).value.map((s: Json) => s.id)).toEqual([S1, '/subscriptions/s3']);

      const expected = { id: S1, displayName: 's1', parentId: MG1, type: 'resource' };
      expect(await get(bob, `${SCOPES}/subscriptions/s1`)).toMatchObject(expected);
      expect(await get(bob, `${SCOPES}/${encodeURIComponent(S1)}`)).toMatchObject(expected);
      expect(await get(bob, `${SCOPES}/${encodeURIComponent(RG1)}`)).toMatchObject({ id: RG1, parentId: S1 });
      expect(await get(bob, `${SCOPES}/managementGroups/mg1`)).toMatchObject({ id: MG1, parentId: '/' });
      for (const path of ['subscriptions/s9', 'subscriptions', encodeURIComponent('/subscriptions/s1/resourceGroups/rg9')]) {
        expect(errorOf(await api.call(bob, 'GET', `${SCOPES}/${path}`)), path).toEqual({ status: 404, code: 'Request_ResourceNotFound' });
      }
      expect((await api.call(null, 'GET', SCOPES)).statusCode).toBe(401);
    });

    it.each([
      { name: 'an odd number of segments', body: { id: '/subscriptions' } },
      { name: 'a type without its name', body: { id: '/subscriptions/s9/resourceGroups' } },
      { name: 'the root', body: { id: '/' } },
      { name: 'a group scope', body: { id: '/groups/x' } },
      { name: 'an administrative unit', body: { id: '/administrativeUnits/x' } },
      { name: 'an empty first segment', body: { id: '//a/b' } },
      { name: 'an empty segment inside', body: { id: '/subscriptions//resourceGroups/x' } },
      { name: 'a trailing slash', body: { id: '/subscriptions/s9/' } },
      { name: 'a dot segment', body: { id: '/subscriptions/./resourceGroups/x' } },
      { name: 'a dot-dot segment', body: { id: '/subscriptions/s1/../s9' } },
      { name: 'no leading slash', body: { id: 'subscriptions/s9' } },
      { name: 'an unknown parent', body: { id: '/subscriptions/s9', parentId: '/managementGroups/nope' } },
      { name: 'a group as parent', body: { id: '/subscriptions/s9', parentId: '/groups/x' } },
      { name: 'a parent without a leading slash', body: { id: '/subscriptions/s9', parentId: 'managementGroups/mg1' } },
      { name: 'an unknown property', body: { id: '/subscriptions/s9', colour: 'red' } },
      { name: 'an id too long', body: { id: `/subscriptions/${'s'.repeat(400)}` } },
    ])('refuses $name with 400 Request_BadRequest, registering nothing', async ({ body }) => {
      const res = await unchanged(() => register(api.admin, body));
      expect(errorOf(res)).toEqual({ status: 400, code: 'Request_BadRequest' });
      expect(json<GraphErrorBody>(res).error.message.length).toBeGreaterThan(10);
    });

    it('refuses a parent below the scope (a cycle), a duplicate (409) and a caller who may not register (403)', async () => {
      created(await register(api.admin, { id: '/tenants/t1/managementGroups/m1' }));
      const cycle = await unchanged(() => register(api.admin, { id: '/tenants/t1', parentId: '/tenants/t1/managementGroups/m1' }));
      expect(errorOf(cycle)).toEqual({ status: 400, code: 'Request_BadRequest' });
      expect(json<GraphErrorBody>(cycle).error.message).toContain('below');
      // Through a registered parent too: /x/1/y/2 is under /x/1 by its path, /m/1 under /x/1/y/2 by its parent.
      created(await register(api.admin, { id: '/x/1/y/2' }));
      created(await register(api.admin, { id: '/m/1', parentId: '/x/1/y/2' }));
      expect(errorOf(await unchanged(() => register(api.admin, { id: '/x/1', parentId: '/m/1' })))).toEqual({ status: 400, code: 'Request_BadRequest' });
      expect(created(await register(api.admin, { id: '/x/1' })).parentId).toBe('/');
      // Registered first, mg1 is above rg1 (via s1): it can't be put below it.
      expect(errorOf(await unchanged(() => register(api.admin, { id: MG1, parentId: RG1 })))).toEqual({ status: 400, code: 'Request_BadRequest' });

      for (const body of [{ id: MG1 }, { id: S1, parentId: MG1 }, { id: S1, parentId: S2 }, { id: RG1, displayName: 'again' }]) {
        expect(errorOf(await unchanged(() => register(api.admin, body))), JSON.stringify(body)).toEqual({ status: 409, code: 'ObjectConflict' });
      }
      for (const who of [bob, carol]) {
        expect(errorOf(await unchanged(() => register(who, { id: '/subscriptions/s7' })))).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
      }
      // Not even an Owner of the parent registers scopes below it.
      created(await assign(api.admin, 'assignment', carol.id, ROLE.owner, S1));
      expect(errorOf(await unchanged(() => register(carol, { id: `${S1}/resourceGroups/rg7` })))).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
      expect(errorOf(await unchanged(() => api.call(null, 'POST', SCOPES, { id: '/subscriptions/s7' })))).toEqual({
        status: 401,
        code: 'InvalidAuthenticationToken',
      });
    });
  });

  describe('resource roles', () => {
    it('assigns Reader at a management group; it applies to every scope below, with an inherited reason', async () => {
      const request = created(await assign(api.admin, 'assignment', bob.id, ROLE.reader, MG1));
      expect(request).toMatchObject({ status: 'Provisioned', roleDefinitionId: ROLE.reader, directoryScopeId: MG1, principalId: bob.id });

      const decision = await check(bob, VM_READ, VM1);
      expect(decision.allowed).toBe(true);
      expect(decision.reasons).toEqual([
        expect.objectContaining({
          roleDefinitionId: ROLE.reader,
          scopeId: MG1,
          inherited: true,
          memberType: 'Inherited',
          via: 'direct',
          endDateTime: null,
        }),
      ]);
      expect((await check(bob, VM_READ, MG1)).reasons).toEqual([expect.objectContaining({ scopeId: MG1, inherited: false, memberType: 'Direct' })]);
      expect((await check(bob, VM_READ, '/subscriptions/s1/resourceGroups/unregistered')).allowed).toBe(true);
      expect(await check(bob, VM_WRITE, VM1)).toEqual({ allowed: false, reasons: [] }); // Reader reads
      expect(await check(bob, VM_READ, `${S2}/resourceGroups/rg1/virtualMachines/vm1`)).toEqual({ allowed: false, reasons: [] }); // s2 is not under mg1
      expect(await check(bob, VM_READ, '/')).toEqual({ allowed: false, reasons: [] });

      const mine = await get(bob, `${DIR}/roleAssignmentScheduleInstances/${MINE}`);
      expect(mine.value).toEqual([
        expect.objectContaining({ roleDefinitionId: ROLE.reader, directoryScopeId: MG1, memberType: 'Direct', assignmentType: 'Assigned' }),
      ]);
      expect((await get(api.admin, `${DIR}/roleAssignmentSchedules?${filter(`directoryScopeId eq '${MG1}'`)}`)).value.map((s: Json) => s.principalId)).toEqual([
        bob.id,
      ]);
    });

    it('assigns resource roles at a registered scope or below one, never at the root, an unregistered top, or a directory scope', async () => {
      // Below a registered scope, even if not registered itself.
      expect(created(await assign(api.admin, 'eligibility', bob.id, ROLE.reader, `${RG1}/virtualMachines/vm1`)).status).toBe('Provisioned');
      for (const scope of [
        '/',
        '/subscriptions/zz',
        '/managementGroups/nope/subscriptions/s1',
        '/administrativeUnits/x',
        `/groups/${bob.id}`,
        `${S1}/`,
        `/subscriptions//s1`,
      ]) {
        for (const kind of ['assignment', 'eligibility'] as const) {
          const res = await unchanged(() => assign(api.admin, kind, bob.id, ROLE.reader, scope));
          expect(errorOf(res), `${kind} at ${scope}`).toEqual({ status: 400, code: 'Request_BadRequest' });
        }
      }
      // And a directory role is no resource role.
      expect(errorOf(await unchanged(() => assign(api.admin, 'assignment', bob.id, ROLE.helpdeskAdministrator, S1)))).toEqual({
        status: 400,
        code: 'Request_BadRequest',
      });
    });

    it("narrows an activation to a child scope: allowed there, not at the eligibility's own scope", async () => {
      const eligible = created(await assign(api.admin, 'eligibility', bob.id, ROLE.contributor, S1));
      expect(eligible).toMatchObject({ status: 'Provisioned', directoryScopeId: S1 });
      expect(await check(bob, VM_WRITE, VM1)).toEqual({ allowed: false, reasons: [] });

      const activation = created(await activate(bob, ROLE.contributor, RG1));
      expect(activation).toMatchObject({ action: 'selfActivate', status: 'Provisioned', roleDefinitionId: ROLE.contributor, directoryScopeId: RG1 });
      const end = new Date(api.clock.now() + 3_600_000).toISOString();
      expect((await check(bob, VM_WRITE, RG1)).reasons).toEqual([
        expect.objectContaining({ roleDefinitionId: ROLE.contributor, scopeId: RG1, inherited: false, endDateTime: end }),
      ]);
      expect((await check(bob, VM_WRITE, VM1)).reasons).toEqual([expect.objectContaining({ scopeId: RG1, inherited: true, memberType: 'Inherited' })]);
      expect(await check(bob, VM_WRITE, S1)).toEqual({ allowed: false, reasons: [] });
      expect(await check(bob, VM_WRITE, `${S1}/resourceGroups/rg2`)).toEqual({ allowed: false, reasons: [] });
      expect((await check(bob, 'openpim.resources/roleAssignments/write', RG1)).allowed).toBe(false); // Contributor assigns no roles

      const instances = (await get(bob, `${DIR}/roleAssignmentScheduleInstances/${MINE}`)).value;
      expect(instances).toEqual([
        expect.objectContaining({ roleDefinitionId: ROLE.contributor, directoryScopeId: RG1, assignmentType: 'Activated', endDateTime: end }),
      ]);
      // Only below where the eligibility is: not at a sibling subscription, not above it.
      for (const scope of [S2, MG1]) {
        expect(errorOf(await unchanged(() => activate(bob, ROLE.contributor, scope))), scope).toEqual({ status: 400, code: 'RoleAssignmentDoesNotExist' });
      }
      // One activation per scope: a second at rg1 is refused, one at the eligibility's own scope is not.
      expect(errorOf(await unchanged(() => activate(bob, ROLE.contributor, RG1)))).toEqual({ status: 409, code: 'RoleAssignmentExists' });
      expect(created(await activate(bob, ROLE.contributor, S1)).status).toBe('Provisioned');
      expect((await check(bob, VM_WRITE, S1)).allowed).toBe(true);

      api.clock.advance('PT1H');
      expect(await check(bob, VM_WRITE, VM1)).toEqual({ allowed: false, reasons: [] });
    });

    it('lets a User Access Administrator at a subscription manage assignments there and below, and nowhere else', async () => {
      created(await assign(api.admin, 'assignment', carol.id, ROLE.userAccessAdministrator, S1));
      const byCarol = created(await assign(carol, 'assignment', dave.id, ROLE.reader, RG1));
      expect(byCarol).toMatchObject({
        status: 'Provisioned',
        principalId: dave.id,
        roleDefinitionId: ROLE.reader,
        directoryScopeId: RG1,
        createdBy: { user: { id: carol.id } },
      });
      expect((await check(dave, VM_READ, VM1)).allowed).toBe(true);
      expect(created(await assign(carol, 'eligibility', dave.id, ROLE.contributor, S1)).status).toBe('Provisioned');
      expect(created(await assign(carol, 'eligibility', dave.id, ROLE.owner, RG1)).status).toBe('Provisioned');

      const denied = { status: 403, code: 'Authorization_RequestDenied' };
      for (const [label, role, scope] of [
        ['a sibling subscription', ROLE.reader, S2],
        ['the management group above', ROLE.reader, MG1],
        ['a directory role', ROLE.helpdeskAdministrator, '/'],
        ['the directory role that manages roles', ROLE.privilegedRoleAdministrator, '/'],
      ] as const) {
        expect(errorOf(await unchanged(() => assign(carol, 'assignment', dave.id, role, scope))), label).toEqual(denied);
      }
      // Removing is managing too; a Reader at the scope manages nothing.
      api.clock.advance('PT5M');
      created(await assign(carol, 'assignment', dave.id, ROLE.reader, RG1, { action: 'adminRemove' }));
      created(await assign(api.admin, 'assignment', bob.id, ROLE.reader, S1));
      expect(errorOf(await unchanged(() => assign(bob, 'assignment', dave.id, ROLE.reader, RG1)))).toEqual(denied);
      // Nor does carol's right reach resource scopes outside s1's subtree registered later under mg1.
      created(await register(api.admin, { id: '/subscriptions/s3', parentId: MG1 }));
      expect(errorOf(await unchanged(() => assign(carol, 'assignment', dave.id, ROLE.reader, '/subscriptions/s3')))).toEqual(denied);
    });
  });

  describe('policies at a narrower scope', () => {
    it('copies the governing policy, then resolves most specific first', async () => {
      const atRoot = (
        await get(
          api.admin,
          `/v1.0/policies/roleManagementPolicyAssignments?${filter(`roleDefinitionId eq '${ROLE.contributor}' and scopeId eq '/'`)}&$expand=policy`,
        )
      ).value;
      expect(atRoot).toHaveLength(1);
      const rootRules = atRoot[0].policy.rules as Json[];

      const policy = created(await createPolicy(api.admin, ROLE.contributor, S1));
      expect(policy).toMatchObject({
        '@odata.context': expect.stringContaining('policies/roleManagementPolicies/$entity'),
        id: expect.stringMatching(/^Resource_/),
        scopeId: S1,
        lastModifiedBy: { id: api.admin.id },
      });
      expect(policy.id).not.toBe(atRoot[0].policyId);
      expect(policy.rules).toEqual(rootRules);
      expect((await get(api.admin, `/v1.0/policies/roleManagementPolicyAssignments?${filter(`scopeId eq '${S1}'`)}`)).value).toEqual([
        expect.objectContaining({ policyId: policy.id, roleDefinitionId: ROLE.contributor, scopeId: S1 }),
      ]);

      await setMaximum(api.admin, policy.id, 'PT1H');
      expect((await get(api.admin, `/v1.0/policies/roleManagementPolicies/${atRoot[0].policyId}/rules/Expiration_EndUser_Assignment`)).maximumDuration).toBe(
        'PT8H',
      );

      created(await assign(api.admin, 'eligibility', bob.id, ROLE.contributor, S1));
      created(await assign(api.admin, 'eligibility', bob.id, ROLE.contributor, S2));
      const tooLong = await unchanged(() => activate(bob, ROLE.contributor, RG1, 'PT2H'));
      expect(errorOf(tooLong)).toEqual({ status: 400, code: 'RoleAssignmentRequestPolicyValidationFailed' });
      expect(json<GraphErrorBody>(tooLong).error.message).toContain('ExpirationRule');
      expect(json<GraphErrorBody>(tooLong).error.message).toContain('PT1H');
      expect(created(await activate(bob, ROLE.contributor, S2, 'PT2H')).status).toBe('Provisioned'); // the root policy governs s2
      expect(created(await activate(bob, ROLE.contributor, RG1, 'PT1H')).status).toBe('Provisioned');

      // A policy at the management group governs the subscriptions registered under it, unless one nearer exists.
      const atGroup = created(await createPolicy(api.admin, ROLE.contributor, MG1));
      expect(atGroup.rules.find((r: Json) => r.id === 'Expiration_EndUser_Assignment').maximumDuration).toBe('PT8H'); // copied from '/', not from s1
      await setMaximum(api.admin, atGroup.id, 'PT3H');
      created(await register(api.admin, { id: '/subscriptions/s3', parentId: MG1 }));
      created(await assign(api.admin, 'eligibility', bob.id, ROLE.contributor, '/subscriptions/s3'));
      expect(errorOf(await unchanged(() => activate(bob, ROLE.contributor, '/subscriptions/s3', 'PT4H')))).toEqual({
        status: 400,
        code: 'RoleAssignmentRequestPolicyValidationFailed',
      });
      expect(created(await activate(bob, ROLE.contributor, '/subscriptions/s3', 'PT3H')).status).toBe('Provisioned');
      // A copy made below the management group starts from the management group's rules.
      const atRg = created(await createPolicy(api.admin, ROLE.contributor, '/subscriptions/s3/resourceGroups/rg3'));
      expect(atRg.rules.find((r: Json) => r.id === 'Expiration_EndUser_Assignment').maximumDuration).toBe('PT3H');

      expect(errorOf(await unchanged(() => createPolicy(api.admin, ROLE.contributor, S1)))).toEqual({ status: 409, code: 'ObjectConflict' });
    });

    it.each([
      { name: 'the root', role: ROLE.contributor, scope: '/' },
      { name: 'an unregistered top-level scope', role: ROLE.contributor, scope: '/subscriptions/zz' },
      { name: 'a group role', role: 'member', scope: S1 },
      { name: 'an unknown role', role: '00000000-0000-4000-8000-0000000000aa', scope: S1 },
      { name: 'a directory role at a resource scope', role: ROLE.helpdeskAdministrator, scope: S1 },
      { name: 'a malformed scope', role: ROLE.contributor, scope: `${S1}/` },
      { name: 'a scope without a leading slash', role: ROLE.contributor, scope: 'subscriptions/s1' },
    ])('refuses a policy for $name with 400, creating nothing', async ({ role, scope }) => {
      expect(errorOf(await unchanged(() => createPolicy(api.admin, role, scope)))).toEqual({ status: 400, code: 'Request_BadRequest' });
    });

    it('lets a User Access Administrator create and change policies at their scope and below only', async () => {
      created(await assign(api.admin, 'assignment', carol.id, ROLE.userAccessAdministrator, S1));
      const denied = { status: 403, code: 'Authorization_RequestDenied' };
      expect(errorOf(await unchanged(() => createPolicy(carol, ROLE.contributor, S2)))).toEqual(denied);
      expect(errorOf(await unchanged(() => createPolicy(carol, ROLE.contributor, MG1)))).toEqual(denied);
      expect(errorOf(await unchanged(() => createPolicy(bob, ROLE.contributor, S1)))).toEqual(denied);

      const policy = created(await createPolicy(carol, ROLE.contributor, S1));
      expect(policy).toMatchObject({ scopeId: S1, lastModifiedBy: { id: carol.id, displayName: 'Carol' } });
      expect(created(await createPolicy(carol, ROLE.reader, RG1)).scopeId).toBe(RG1);
      await setMaximum(carol, policy.id, 'PT2H');
      // …but not the role's tenant-wide policy, nor one at a scope outside hers.
      const rootPolicy = (await api.h.store.read.policies.forRoleAt(api.h.tenantId, ROLE.contributor, '/'))!.id;
      const s2Policy = created(await createPolicy(api.admin, ROLE.contributor, S2)).id as string;
      for (const id of [rootPolicy, s2Policy]) {
        const res = await unchanged(() =>
          api.call(carol, 'PATCH', `/v1.0/policies/roleManagementPolicies/${id}/rules/Expiration_EndUser_Assignment`, { maximumDuration: 'PT2H' }),
        );
        expect(errorOf(res), id).toEqual(denied);
      }
    });
  });
});
