/**
 * No nesting into role-assignable groups (as in Entra; docs/guide.md, "Rules that always hold"): a
 * group that may hold roles accepts no group as a member or owner, whatever the path — Graph's
 * members/$ref, PIM for Groups eligibility or assignment (member or owner), SCIM. A nested group
 * would hand the roles to whoever manages its membership. Refusals are 400 `Request_BadRequest`
 * (SCIM: 403, as it may not touch a role-assignable group at all) and write nothing. Users still
 * join role-assignable groups, and groups still nest into ordinary ones.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import {
  addMember,
  fresh,
  grantGroupAccess,
  grantRole,
  GROUP_REQUESTS,
  groupAccessOf,
  groupRequest,
  memberIds,
  memberRef,
  nestAsLegacyData,
  newGroup,
  outcome,
} from '../support/hardening.ts';
import { openHttpHarness, type HttpHarness } from '../support/http-harness.ts';

const SCIM_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const SCIM_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

type Nested = 'an ordinary group' | 'a role-assignable group';
const NESTED: readonly Nested[] = ['an ordinary group', 'a role-assignable group'];
const PIM_PATHS = [
  { kind: 'eligibility', accessId: 'member' },
  { kind: 'eligibility', accessId: 'owner' },
  { kind: 'assignment', accessId: 'member' },
  { kind: 'assignment', accessId: 'owner' },
] as const;

describe.each(TEST_DATABASES)('nesting into role-assignable groups on $name', (db) => {
  let api: HttpHarness;
  let scimToken: string;

  beforeAll(async () => {
    api = await openHttpHarness({ database: db });
    const res = await api.call(api.admin, 'POST', '/openpim/scim/tokens', { displayName: 'Entra ID' });
    expect(res.statusCode, res.body).toBe(201);
    scimToken = res.json().token as string;
  });
  afterAll(async () => api?.close());

  /** A role-assignable group holding User Administrator, with one user as member. */
  const tier0 = async (): Promise<Principal> => {
    const group = await newGroup(api, true);
    await grantRole(api, api.admin, 'assignment', group.id, ROLE.userAdministrator);
    await addMember(api, group.id, (await api.h.user(`${fresh('member')}@contoso.test`)).id);
    return group;
  };
  const nested = (which: Nested) => newGroup(api, which === 'a role-assignable group');

  /** Runs a call that must be refused with `expected` ("status code"), leaving every table, R's members and G's access at R as they were. */
  const refused = async (r: Principal, g: Principal, expected: string, call: () => Promise<LightMyRequestResponse>): Promise<void> => {
    const [counts, members] = [await api.counts(), await memberIds(api, r.id)];
    const res = await call();
    expect(outcome(res), res.body).toBe(expected);
    expect(await api.counts()).toEqual(counts);
    expect(await memberIds(api, r.id)).toEqual(members);
    expect(await groupAccessOf(api.h, g.id, r.id)).toEqual([]);
  };

  it.each(NESTED)('members/$ref refuses %s as a member of a role-assignable group with 400', async (which) => {
    const [r, g] = [await tier0(), await nested(which)];
    await refused(r, g, '400 Request_BadRequest', () => api.call(api.admin, 'POST', `/v1.0/groups/${r.id}/members/$ref`, memberRef(g.id)));
  });

  describe.each(PIM_PATHS)('PIM for Groups $kind as $accessId', ({ kind, accessId }) => {
    it.each(NESTED)('refuses %s with 400', async (which) => {
      const [r, g] = [await tier0(), await nested(which)];
      const body = groupRequest(api, 'adminAssign', g.id, r.id, accessId, { duration: 'P30D' });
      await refused(r, g, '400 Request_BadRequest', () => api.call(api.admin, 'POST', `${GROUP_REQUESTS}/${kind}ScheduleRequests`, body));
    });
  });

  it('a dry run (isValidationOnly) of nesting through PIM for Groups is refused the same way', async () => {
    const [r, g] = [await tier0(), await nested('an ordinary group')];
    const body = { ...groupRequest(api, 'adminAssign', g.id, r.id, 'member', { duration: 'P30D' }), isValidationOnly: true };
    await refused(r, g, '400 Request_BadRequest', () => api.call(api.admin, 'POST', `${GROUP_REQUESTS}/eligibilityScheduleRequests`, body));
  });

  describe('SCIM never changes the members of a role-assignable group', () => {
    const scim = (method: 'PATCH' | 'PUT', url: string, body: unknown) =>
      api.app.inject({
        method,
        url: `/scim/v2${url}`,
        headers: { authorization: `Bearer ${scimToken}`, 'content-type': 'application/scim+json' },
        payload: JSON.stringify(body),
      });
    const add = (member: Principal) => ({ schemas: [SCIM_PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: member.id }] }] });
    it.each([
      ['PATCH adding a group', (r: Principal, g: Principal) => scim('PATCH', `/Groups/${r.id}`, add(g))],
      ['PATCH adding a user', (r: Principal, _g: Principal, u: Principal) => scim('PATCH', `/Groups/${r.id}`, add(u))],
      [
        'PUT with a group among the members',
        (r: Principal, g: Principal) => scim('PUT', `/Groups/${r.id}`, { schemas: [SCIM_GROUP], displayName: r.displayName, members: [{ value: g.id }] }),
      ],
    ] as const)("%s: 403 in SCIM's shape", async (_name, call) => {
      const [r, g, u] = [await tier0(), await nested('an ordinary group'), await api.h.user(`${fresh('u')}@contoso.test`)];
      await refused(r, g, '403 SCIM error', () => call(r, g, u));
    });
  });

  describe('a nesting left from before the rule (legacy data) hands out nothing to whoever manages the inner group', () => {
    /** R (role-assignable, User Administrator) ⊃ O (ordinary) as a row written before the rule; a Groups Administrator and O's PIM owner. */
    const legacy = async () => {
      const [r, o] = [await tier0(), await newGroup(api, false)];
      await nestAsLegacyData(api.h, r.id, o.id);
      const groupsAdmin = await api.h.user(`${fresh('groups-admin')}@contoso.test`);
      await grantRole(api, api.admin, 'assignment', groupsAdmin.id, ROLE.groupsAdministrator);
      const owner = await api.h.user(`${fresh('owner')}@contoso.test`);
      await grantGroupAccess(api, api.admin, 'assignment', owner.id, o.id, 'owner');
      return { r, o, groupsAdmin, owner };
    };
    const unchanged = async (o: Principal, call: () => Promise<LightMyRequestResponse>, expected: string) => {
      const [counts, members] = [await api.counts(), await memberIds(api, o.id)];
      const res = await call();
      expect(outcome(res), res.body).toBe(expected);
      expect(await api.counts()).toEqual(counts);
      expect(await memberIds(api, o.id)).toEqual(members);
    };

    it.each(['groups administrator', 'owner'] as const)('the %s may not add themselves to O, statically or through PIM for Groups', async (who) => {
      const { o, groupsAdmin, owner } = await legacy();
      const me = who === 'owner' ? owner : groupsAdmin;
      await unchanged(o, () => api.call(me, 'POST', `/v1.0/groups/${o.id}/members/$ref`, memberRef(me.id)), '403 Authorization_RequestDenied');
      for (const kind of ['eligibility', 'assignment'] as const) {
        const body = groupRequest(api, 'adminAssign', me.id, o.id, 'member', { duration: 'P1D' });
        await unchanged(o, () => api.call(me, 'POST', `${GROUP_REQUESTS}/${kind}ScheduleRequests`, body), '403 Authorization_RequestDenied');
      }
    });

    it('O takes no group either, and SCIM may not change its members', async () => {
      const { o } = await legacy();
      const g = await newGroup(api, false);
      await unchanged(o, () => api.call(api.admin, 'POST', `/v1.0/groups/${o.id}/members/$ref`, memberRef(g.id)), '400 Request_BadRequest');
      const u = await api.h.user(`${fresh('u')}@contoso.test`);
      const patch = { schemas: [SCIM_PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: u.id }] }] };
      await unchanged(
        o,
        () =>
          api.app.inject({
            method: 'PATCH',
            url: `/scim/v2/Groups/${o.id}`,
            headers: { authorization: `Bearer ${scimToken}`, 'content-type': 'application/scim+json' },
            payload: JSON.stringify(patch),
          }),
        '403 SCIM error',
      );
    });

    it('a privileged administrator still manages O', async () => {
      const { o } = await legacy();
      const u = await api.h.user(`${fresh('u')}@contoso.test`);
      await addMember(api, o.id, u.id);
      expect(await memberIds(api, o.id)).toContain(u.id);
    });
  });

  describe('still allowed', () => {
    it('a user into a role-assignable group, statically and through PIM for Groups', async () => {
      const r = await tier0();
      const [u, v] = [await api.h.user(`${fresh('u')}@contoso.test`), await api.h.user(`${fresh('v')}@contoso.test`)];
      await addMember(api, r.id, u.id);
      await grantGroupAccess(api, api.admin, 'eligibility', v.id, r.id, 'member');
      await grantGroupAccess(api, api.admin, 'assignment', v.id, r.id, 'owner');
      expect(await memberIds(api, r.id)).toContain(u.id);
    });

    it.each(NESTED)('%s into an ordinary group, statically and through PIM for Groups', async (which) => {
      const [o, g, h] = [await newGroup(api, false), await nested(which), await nested(which)];
      await addMember(api, o.id, g.id);
      await grantGroupAccess(api, api.admin, 'eligibility', h.id, o.id, 'member');
      expect(await memberIds(api, o.id)).toEqual([g.id]);
    });
  });

  describe.each([
    ['members/$ref', (r: Principal, o: Principal) => api.call(api.admin, 'POST', `/v1.0/groups/${r.id}/members/$ref`, memberRef(o.id)), 204],
    [
      'an active PIM for Groups membership',
      (r: Principal, o: Principal) =>
        api.call(api.admin, 'POST', `${GROUP_REQUESTS}/assignmentScheduleRequests`, groupRequest(api, 'adminAssign', o.id, r.id, 'member')),
      201,
    ],
  ] as const)('the escalation nesting opens, through %s', (_path, nest, nestedStatus) => {
    it('a Groups Administrator who manages ordinary group O never gains the User Administrator role of R: nesting O into R is refused', async () => {
      const r = await tier0();
      const o = await newGroup(api, false);
      const groupsAdmin = await api.h.user(`${fresh('groups-admin')}@contoso.test`);
      await grantRole(api, api.admin, 'assignment', groupsAdmin.id, ROLE.groupsAdministrator);
      const bystander = await api.h.user(`${fresh('bystander')}@contoso.test`);
      const disable = () => api.call(groupsAdmin, 'PATCH', `/v1.0/users/${bystander.id}`, { accountEnabled: false });
      expect(outcome(await disable())).toBe('403 Authorization_RequestDenied');

      const steps: string[] = [];
      const step = async (name: string, expected: number, res: Promise<LightMyRequestResponse>) => {
        const done = await res;
        steps.push(`${name}: ${outcome(done)}`);
        return done.statusCode === expected;
      };
      const escalate = async () => {
        if (!(await step('a privileged admin nests O into R', nestedStatus, nest(r, o)))) return;
        if (
          !(await step(
            'the Groups Administrator adds themselves to O',
            204,
            api.call(groupsAdmin, 'POST', `/v1.0/groups/${o.id}/members/$ref`, memberRef(groupsAdmin.id)),
          ))
        )
          return;
        await step('the Groups Administrator disables a user, as a User Administrator', 204, disable());
      };
      await escalate();

      expect(steps).toEqual(['a privileged admin nests O into R: 400 Request_BadRequest']);
      expect((await api.h.store.read.principals.get(api.h.tenantId, bystander.id))?.accountEnabled).toBe(true);
    });
  });
});
