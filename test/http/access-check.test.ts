/**
 * The access check API over the live index: read-your-writes after an activation returns, expiry
 * at the exact instant with no timeline run, groups, batches, holdings, and who may ask.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHttpHarness, type HttpHarness } from '../support/http-harness.ts';

const CREATE_USERS = 'openpim.directory/users/create';

describe.each(TEST_DATABASES)('access check API on $name', (db) => {
  let api: HttpHarness;
  afterEach(async () => api?.close());

  const activate = (who: Parameters<HttpHarness['call']>[0], principalId: string, duration = 'PT1H') =>
    api.call(who, 'POST', '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests', {
      action: 'selfActivate',
      principalId,
      roleDefinitionId: ROLE.userAdministrator,
      directoryScopeId: '/',
      justification: 'work',
      scheduleInfo: { expiration: { type: 'afterDuration', duration } },
    });
  const check = (who: Parameters<HttpHarness['call']>[0], principalId: string, action = CREATE_USERS, scope = '/') =>
    api.call(who, 'POST', '/openpim/access/check', { principalId, action, scope });

  it('allows from the moment the activation returns, and not at its end, without the timeline', async () => {
    api = await openHttpHarness({ database: db });
    const alice = await api.h.user('alice@contoso.test');
    await api.h.submit(api.h.admin, { kind: 'eligibility', action: 'adminAssign', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator });
    expect((await check(alice, alice.id)).json()).toEqual({ allowed: false, reasons: [] });
    expect((await activate(alice, alice.id)).statusCode).toBe(201);
    const allowed = (await check(alice, alice.id)).json();
    expect(allowed.allowed).toBe(true);
    expect(allowed.reasons).toEqual([expect.objectContaining({ roleDefinitionId: ROLE.userAdministrator, scopeId: '/', via: 'direct', memberType: 'Direct' })]);
    // A grant at `/` applies to every scope below it, registered or not (parent = path minus its last pair).
    expect((await check(alice, alice.id, CREATE_USERS, '/administrativeUnits/x')).json().reasons[0]).toMatchObject({
      scopeId: '/',
      inherited: true,
      memberType: 'Inherited',
    });
    expect((await check(alice, alice.id, 'openpim.directory/roleAssignments/manage')).json().allowed).toBe(false);
    api.clock.advance('PT1H');
    api.clock.advance(-1);
    expect((await check(alice, alice.id)).json().allowed).toBe(true);
    api.clock.advance(1);
    expect((await check(alice, alice.id)).json().allowed).toBe(false);
  });

  it('a disabled account holds nothing until it is enabled again', async () => {
    api = await openHttpHarness({ database: db });
    const carol = await api.h.user('carol@contoso.test');
    await api.h.submit(api.h.admin, { kind: 'assignment', action: 'adminAssign', principalId: carol.id, roleDefinitionId: ROLE.userAdministrator });
    expect((await check(api.admin, carol.id)).json().allowed).toBe(true);
    expect((await api.call(api.admin, 'PATCH', `/v1.0/users/${carol.id}`, { accountEnabled: false })).statusCode).toBe(204);
    expect((await check(api.admin, carol.id)).json()).toEqual({ allowed: false, reasons: [] });
    expect((await api.call(api.admin, 'GET', `/openpim/access/principals/${carol.id}`)).json().holdings).toEqual([]);
    const holders = (await api.call(api.admin, 'GET', '/openpim/access/scopes/holders')).json().holders;
    expect(holders.map((h: { principalId: string }) => h.principalId)).not.toContain(carol.id);
    expect((await api.call(api.admin, 'PATCH', `/v1.0/users/${carol.id}`, { accountEnabled: true })).statusCode).toBe(204);
    expect((await check(api.admin, carol.id)).json().allowed).toBe(true);
  });

  it('answers batches in order, through groups, and lists holdings', async () => {
    api = await openHttpHarness({ database: db });
    const bob = await api.h.user('bob@contoso.test');
    const group = (await api.call(api.admin, 'POST', '/v1.0/groups', { displayName: 'Ops', isAssignableToRole: true })).json();
    expect(
      (await api.call(api.admin, 'POST', `/v1.0/groups/${group.id}/members/$ref`, { '@odata.id': `https://graph/v1.0/directoryObjects/${bob.id}` })).statusCode,
    ).toBe(204);
    await api.h.submit(api.h.admin, { kind: 'assignment', action: 'adminAssign', principalId: group.id, roleDefinitionId: ROLE.groupsAdministrator });
    const res = await api.call(api.admin, 'POST', '/openpim/access/check', {
      checks: [
        { principalId: bob.id, action: 'openpim.directory/groups/create', scope: '/' },
        { principalId: bob.id, action: CREATE_USERS, scope: '/' },
        { principalId: api.admin.id, action: CREATE_USERS, scope: '/' },
      ],
    });
    expect(res.statusCode).toBe(200);
    const { results } = res.json();
    expect(results.map((r: { allowed: boolean }) => r.allowed)).toEqual([true, false, true]);
    expect(results[0].reasons[0]).toMatchObject({ via: 'group', groupId: group.id, groupPath: [group.id], memberType: 'Group' });
    const holdings = (await api.call(bob, 'GET', `/openpim/access/principals/${bob.id}`)).json();
    expect(holdings.holdings.map((h: { roleDefinitionId: string }) => h.roleDefinitionId)).toEqual([ROLE.groupsAdministrator]);
    // Removing bob from the group takes effect on the next check.
    expect((await api.call(api.admin, 'DELETE', `/v1.0/groups/${group.id}/members/${bob.id}/$ref`)).statusCode).toBe(204);
    expect((await check(bob, bob.id, 'openpim.directory/groups/create')).json().allowed).toBe(false);
  });

  it('lets anyone ask about themselves, readers about others, and refuses bad input', async () => {
    api = await openHttpHarness({ database: db });
    const alice = await api.h.user('alice@contoso.test');
    const bob = await api.h.user('bob@contoso.test');
    expect((await check(alice, alice.id)).statusCode).toBe(200);
    const denied = await check(alice, bob.id);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('Authorization_RequestDenied');
    expect((await api.call(alice, 'GET', `/openpim/access/principals/${bob.id}`)).statusCode).toBe(403);
    expect((await check(api.admin, bob.id)).statusCode).toBe(200);
    for (const body of [
      { principalId: alice.id, action: CREATE_USERS },
      { principalId: alice.id, action: CREATE_USERS, scope: 'no-slash' },
      { checks: [] },
      { principalId: alice.id, action: CREATE_USERS, scope: '/', extra: 1 },
    ]) {
      const res = await api.call(alice, 'POST', '/openpim/access/check', body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('Request_BadRequest');
    }
    expect((await api.call(null, 'POST', '/openpim/access/check', { principalId: alice.id, action: CREATE_USERS, scope: '/' })).statusCode).toBe(401);
  });
});
