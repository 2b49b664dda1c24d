/**
 * The tenant never loses its last *working* Global Administrator (docs/guide.md, "Rules that always
 * hold"; decision 0014): an active, permanent assignment at `/`, already started, held by an
 * enabled account or by a group with at least one enabled member. Grants that only look like one do
 * not count: a permanent one starting in 2099, one held by a disabled account, by an empty group,
 * by a group whose only member is disabled, a time-bound one. A group's member keeps it working
 * when lasting: static, or a started permanent PIM for Groups membership. Every path that would
 * take the count from one to zero is refused with 409 `LastPrivilegedRoleHolder` (SCIM: its error
 * shape, status 409) and writes nothing; with a second working holder the same change is allowed.
 *
 * The bootstrap admin (break-glass, a working Global Administrator) is taken out of the picture
 * first: once the holder under test is a permanent Global Administrator, the bootstrap admin's
 * assignment is removed, by a time-bound Global Administrator who then makes the changes.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import {
  addMember,
  fresh,
  grantGroupAccess,
  grantRole,
  GROUP_REQUESTS,
  groupRequest,
  newGroup,
  outcome,
  ROLE_REQUESTS,
  roleRequest,
  workingHolders,
} from '../support/hardening.ts';
import { openHttpHarness, type HttpHarness } from '../support/http-harness.ts';

const GA = ROLE.globalAdministrator;
const PRA = ROLE.privilegedRoleAdministrator;
const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const SCIM_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const YEAR_2099 = Date.parse('2099-01-01T00:00:00Z');
const REFUSED = '409 LastPrivilegedRoleHolder';
const SCIM_REFUSED = '409 SCIM error';

/** Who holds the last working Global Administrator: a user, or a group through a static member or a PIM for Groups membership. */
type Holder = 'a user' | 'a group with one enabled static member' | 'a group with one permanent PIM for Groups member';

interface World {
  readonly api: HttpHarness;
  /** A time-bound Global Administrator: may do everything, counts for nothing. */
  readonly d: Principal;
  /** The holder under test: the user, or the group. */
  readonly holder: Principal;
  /** The group's only enabled member (for the group holders). */
  readonly m: Principal | null;
  readonly scim: (method: 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown) => Promise<LightMyRequestResponse>;
}

async function user(api: HttpHarness, name: string): Promise<Principal> {
  return api.h.user(`${fresh(name)}@contoso.test`, name);
}

/** Grants of `role` that must not count: starting in 2099, held by a disabled user, by an empty group, by a group whose only member is disabled. */
async function fakeHolders(api: HttpHarness, role: string): Promise<void> {
  const later = await user(api, 'later');
  await grantRole(api, api.admin, 'assignment', later.id, role, { startIn: YEAR_2099 - api.clock.now() });
  const disabled = await user(api, 'disabled');
  await grantRole(api, api.admin, 'assignment', disabled.id, role);
  expect((await api.call(api.admin, 'PATCH', `/v1.0/users/${disabled.id}`, { accountEnabled: false })).statusCode).toBe(204);
  await grantRole(api, api.admin, 'assignment', (await newGroup(api, true)).id, role);
  const withDisabled = await newGroup(api, true);
  await addMember(api, withDisabled.id, disabled.id);
  await grantRole(api, api.admin, 'assignment', withDisabled.id, role);
}

/** A tenant whose only working Global Administrator is `kind` (plus a second working one when `another`). */
async function lastWorkingGlobalAdministrator(api: HttpHarness, kind: Holder, another: boolean): Promise<World> {
  const token = await api.call(api.admin, 'POST', '/openpim/scim/tokens', { displayName: 'Entra ID' });
  expect(token.statusCode, token.body).toBe(201);
  const scimToken = token.json().token as string;
  const d = await user(api, 'timebound');
  await grantRole(api, api.admin, 'assignment', d.id, GA, { duration: 'P30D' });
  await fakeHolders(api, GA);

  let holder: Principal;
  let m: Principal | null = null;
  if (kind === 'a user') {
    holder = await user(api, 'alice');
  } else {
    holder = await newGroup(api, true);
    m = await user(api, 'member');
    if (kind === 'a group with one enabled static member') {
      await addMember(api, holder.id, m.id);
      const disabled = await user(api, 'leaver');
      await addMember(api, holder.id, disabled.id);
      expect((await api.call(api.admin, 'PATCH', `/v1.0/users/${disabled.id}`, { accountEnabled: false })).statusCode).toBe(204);
    } else {
      await grantGroupAccess(api, api.admin, 'assignment', m.id, holder.id, 'member');
    }
  }
  await grantRole(api, api.admin, 'assignment', holder.id, GA);
  const second = another ? await user(api, 'second') : null;
  if (second) await grantRole(api, api.admin, 'assignment', second.id, GA);

  api.clock.advance('PT10M');
  const retire = await api.call(d, 'POST', `${ROLE_REQUESTS}/roleAssignmentScheduleRequests`, roleRequest(api, 'adminRemove', api.admin.id, GA));
  expect(retire.statusCode, retire.body).toBe(201);
  expect(await workingHolders(api.h, GA)).toEqual([holder.id, ...(second ? [second.id] : [])].sort());

  const scim: World['scim'] = (method, url, body) =>
    api.app.inject({
      method,
      url: `/scim/v2${url}`,
      headers: { authorization: `Bearer ${scimToken}`, ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  return { api, d, holder, m, scim };
}

interface Path {
  readonly holder: Holder;
  readonly name: string;
  /** The outcome when it would remove the last working Global Administrator, and when another one remains. */
  readonly refused: string;
  readonly allowed: string;
  run(w: World): Promise<LightMyRequestResponse>;
}

const removeRole = (w: World, as: Principal, principalId: string, action = 'adminRemove', duration?: string) =>
  w.api.call(as, 'POST', `${ROLE_REQUESTS}/roleAssignmentScheduleRequests`, roleRequest(w.api, action, principalId, GA, duration ? { duration } : undefined));
const disable = (w: World, id: string) => w.api.call(w.d, 'PATCH', `/v1.0/users/${id}`, { accountEnabled: false });
const scimDeactivate = (w: World, id: string) =>
  w.scim('PATCH', `/Users/${id}`, { schemas: [SCIM_PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });

const PATHS: readonly Path[] = [
  { holder: 'a user', name: 'adminRemove of the assignment', refused: REFUSED, allowed: '201', run: (w) => removeRole(w, w.d, w.holder.id) },
  { holder: 'a user', name: 'adminRemove of their own assignment', refused: REFUSED, allowed: '201', run: (w) => removeRole(w, w.holder, w.holder.id) },
  {
    holder: 'a user',
    name: 'adminUpdate making it time-bound',
    refused: REFUSED,
    allowed: '201',
    run: (w) => removeRole(w, w.d, w.holder.id, 'adminUpdate', 'P30D'),
  },
  { holder: 'a user', name: 'disabling the account (PATCH accountEnabled)', refused: REFUSED, allowed: '204', run: (w) => disable(w, w.holder.id) },
  { holder: 'a user', name: 'SCIM PATCH active false', refused: SCIM_REFUSED, allowed: '200', run: (w) => scimDeactivate(w, w.holder.id) },
  {
    holder: 'a user',
    name: 'SCIM PUT with active false',
    refused: SCIM_REFUSED,
    allowed: '200',
    run: (w) =>
      w.scim('PUT', `/Users/${w.holder.id}`, {
        schemas: [SCIM_USER],
        userName: w.holder.userPrincipalName,
        displayName: w.holder.displayName,
        active: false,
      }),
  },
  { holder: 'a user', name: 'SCIM DELETE', refused: SCIM_REFUSED, allowed: '204', run: (w) => w.scim('DELETE', `/Users/${w.holder.id}`) },
  {
    holder: 'a group with one enabled static member',
    name: "adminRemove of the group's assignment",
    refused: REFUSED,
    allowed: '201',
    run: (w) => removeRole(w, w.d, w.holder.id),
  },
  {
    holder: 'a group with one enabled static member',
    name: 'removing that member (members/$ref)',
    refused: REFUSED,
    allowed: '204',
    run: (w) => w.api.call(w.d, 'DELETE', `/v1.0/groups/${w.holder.id}/members/${w.m!.id}/$ref`),
  },
  { holder: 'a group with one enabled static member', name: 'disabling that member', refused: REFUSED, allowed: '204', run: (w) => disable(w, w.m!.id) },
  {
    holder: 'a group with one enabled static member',
    name: 'SCIM deprovisioning that member',
    refused: SCIM_REFUSED,
    allowed: '200',
    run: (w) => scimDeactivate(w, w.m!.id),
  },
  {
    holder: 'a group with one permanent PIM for Groups member',
    name: 'adminRemove of that membership (PIM for Groups)',
    refused: REFUSED,
    allowed: '201',
    run: (w) => w.api.call(w.d, 'POST', `${GROUP_REQUESTS}/assignmentScheduleRequests`, groupRequest(w.api, 'adminRemove', w.m!.id, w.holder.id, 'member')),
  },
  {
    holder: 'a group with one permanent PIM for Groups member',
    name: 'adminUpdate making that membership time-bound',
    refused: REFUSED,
    allowed: '201',
    run: (w) =>
      w.api.call(
        w.d,
        'POST',
        `${GROUP_REQUESTS}/assignmentScheduleRequests`,
        groupRequest(w.api, 'adminUpdate', w.m!.id, w.holder.id, 'member', { duration: 'P30D' }),
      ),
  },
  {
    holder: 'a group with one permanent PIM for Groups member',
    name: 'disabling that member',
    refused: REFUSED,
    allowed: '204',
    run: (w) => disable(w, w.m!.id),
  },
];

describe.each(TEST_DATABASES)('the last working Global Administrator on $name', (db) => {
  let api: HttpHarness;
  afterEach(async () => api?.close());

  describe.each(PATHS)('held by $holder: $name', (path) => {
    it('is refused when no other working Global Administrator remains, and writes nothing', async () => {
      api = await openHttpHarness({ database: db });
      const w = await lastWorkingGlobalAdministrator(api, path.holder, false);
      const before = await api.counts();

      const res = await path.run(w);

      expect(outcome(res), res.body).toBe(path.refused);
      expect(await api.counts()).toEqual(before);
      expect(await workingHolders(api.h, GA)).toEqual([w.holder.id]);
    });

    it('is allowed while another working Global Administrator remains', async () => {
      api = await openHttpHarness({ database: db });
      const w = await lastWorkingGlobalAdministrator(api, path.holder, true);
      const res = await path.run(w);
      expect(outcome(res), res.body).toBe(path.allowed);
      expect(await workingHolders(api.h, GA)).toHaveLength(1);
    });
  });

  it('the last working Global Administrator cannot disable their own account either', async () => {
    api = await openHttpHarness({ database: db });
    const w = await lastWorkingGlobalAdministrator(api, 'a user', false);
    const before = await api.counts();
    const res = await api.call(w.holder, 'PATCH', `/v1.0/users/${w.holder.id}`, { accountEnabled: false });
    expect(['400 Request_BadRequest', REFUSED]).toContain(outcome(res));
    expect(await api.counts()).toEqual(before);
  });

  it.each([false, true])('Privileged Role Administrator is guarded the same way (another working one: %s)', async (another) => {
    api = await openHttpHarness({ database: db });
    const alice = await user(api, 'alice');
    await grantRole(api, api.admin, 'assignment', alice.id, PRA);
    await fakeHolders(api, PRA);
    if (another) await grantRole(api, api.admin, 'assignment', (await user(api, 'second')).id, PRA);
    api.clock.advance('PT10M');
    const before = await api.counts();

    const res = await api.call(api.admin, 'POST', `${ROLE_REQUESTS}/roleAssignmentScheduleRequests`, roleRequest(api, 'adminRemove', alice.id, PRA));

    expect(outcome(res), res.body).toBe(another ? '201' : REFUSED);
    if (!another) expect(await api.counts()).toEqual(before);
    expect(await workingHolders(api.h, PRA)).toHaveLength(1);
  });
});
