/**
 * `GET /openpim/access/scopes/{path}/holders` over the live index: who holds what at a scope —
 * direct, inherited from ancestors, and through group membership (static, and timed through PIM
 * for Groups `member` assignments, until their end with no timeline run) — how the path is
 * spelled (plain, root, URL-encoded), and who may ask.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GROUP_ROLE, groupScope } from '../../src/domain/group-access.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHttpHarness, type HttpHarness } from '../support/http-harness.ts';

const S1 = '/subscriptions/s1';

interface HolderBody {
  principalId: string;
  grantId: string;
  roleDefinitionId: string;
  scopeId: string;
  inherited: boolean;
  via: 'direct' | 'group';
  groupId: string | null;
  groupPath: string[];
  memberType: string;
  startDateTime: string;
  endDateTime: string | null;
}

describe.each(TEST_DATABASES)('access holders API on $name', (db) => {
  let api: HttpHarness;
  afterEach(async () => api?.close());

  const holders = async (path: string, who: Parameters<HttpHarness['call']>[0] = api.admin) => {
    const res = await api.call(who, 'GET', path);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { scopeId: string; at: string; holders: HolderBody[] };
  };
  const group = async (displayName: string, members: string[]) => {
    const g = (await api.call(api.admin, 'POST', '/v1.0/groups', { displayName, isAssignableToRole: true })).json();
    for (const m of members) {
      expect(
        (await api.call(api.admin, 'POST', `/v1.0/groups/${g.id}/members/$ref`, { '@odata.id': `https://graph/v1.0/directoryObjects/${m}` })).statusCode,
      ).toBe(204);
    }
    return g.id as string;
  };

  it('lists direct, inherited and group holders with their reasons, however the path is spelled', async () => {
    api = await openHttpHarness({ database: db });
    const alice = await api.h.user('alice@contoso.test');
    const bob = await api.h.user('bob@contoso.test');
    expect((await api.call(api.admin, 'POST', '/openpim/scopes', { id: S1 })).statusCode).toBe(201);
    await api.h.submit(api.h.admin, { action: 'adminAssign', principalId: alice.id, roleDefinitionId: ROLE.reader, directoryScopeId: S1 });
    const ops = await group('Ops', [bob.id]);
    await api.h.submit(api.h.admin, { action: 'adminAssign', principalId: ops, roleDefinitionId: ROLE.groupsAdministrator });

    const at = await holders('/openpim/access/scopes/subscriptions/s1/holders');
    expect(at.scopeId).toBe(S1);
    const rows = at.holders.map((h) => [h.principalId, h.roleDefinitionId, h.scopeId, h.inherited, h.via, h.groupPath, h.memberType]);
    expect(rows).toContainEqual([alice.id, ROLE.reader, S1, false, 'direct', [], 'Direct']);
    expect(rows).toContainEqual([api.admin.id, ROLE.globalAdministrator, '/', true, 'direct', [], 'Inherited']);
    expect(rows).toContainEqual([ops, ROLE.groupsAdministrator, '/', true, 'direct', [], 'Inherited']);
    expect(rows).toContainEqual([bob.id, ROLE.groupsAdministrator, '/', true, 'group', [ops], 'Group']);
    expect(at.holders.find((h) => h.principalId === bob.id)).toMatchObject({ groupId: ops, endDateTime: null });
    // sorted by principal, then grant
    const keys = at.holders.map((h) => `${h.principalId} ${h.grantId}`);
    expect(keys).toEqual([...keys].sort());

    // The same scope URL-encoded; the root as `/holders` (and as `%2F`); an unregistered path below s1.
    expect((await holders('/openpim/access/scopes/%2Fsubscriptions%2Fs1/holders')).holders).toEqual(at.holders);
    const root = await holders('/openpim/access/scopes/holders');
    expect(root.scopeId).toBe('/');
    expect(root.holders.map((h) => h.principalId)).not.toContain(alice.id);
    expect(root.holders.filter((h) => h.principalId === bob.id).map((h) => h.inherited)).toEqual([false]);
    expect((await holders('/openpim/access/scopes/%2F/holders')).holders).toEqual(root.holders);
    const below = await holders('/openpim/access/scopes/subscriptions/s1/resourceGroups/rg1/holders');
    expect(below.holders.filter((h) => h.principalId === alice.id).map((h) => [h.scopeId, h.inherited, h.memberType])).toEqual([[S1, true, 'Inherited']]);

    // Removing bob from the group takes effect on the next read.
    expect((await api.call(api.admin, 'DELETE', `/v1.0/groups/${ops}/members/${bob.id}/$ref`)).statusCode).toBe(204);
    expect((await holders('/openpim/access/scopes/holders')).holders.map((h) => h.principalId)).not.toContain(bob.id);
  });

  it('a timed group membership counts while in effect, ends the reason, and stops at its end', async () => {
    api = await openHttpHarness({ database: db });
    const carol = await api.h.user('carol@contoso.test');
    const ops = await group('Ops', []);
    await api.h.submit(api.h.admin, { action: 'adminAssign', principalId: ops, roleDefinitionId: ROLE.groupsAdministrator });
    const start = api.clock.now();
    await api.h.submit(api.h.admin, {
      action: 'adminAssign',
      principalId: carol.id,
      roleDefinitionId: GROUP_ROLE.member,
      directoryScopeId: groupScope(ops),
      scheduleInfo: { startDateTime: null, expiration: { type: 'afterDuration', duration: 'PT1H' } },
    });
    const end = new Date(start + 3_600_000).toISOString();

    const mine = (await holders('/openpim/access/scopes/holders')).holders.filter((h) => h.principalId === carol.id);
    expect(mine).toEqual([
      expect.objectContaining({ roleDefinitionId: ROLE.groupsAdministrator, via: 'group', groupId: ops, groupPath: [ops], memberType: 'Group' }),
    ]);
    expect(Date.parse(mine[0]!.endDateTime!)).toBe(Date.parse(end));
    const check = async () =>
      (await api.call(carol, 'POST', '/openpim/access/check', { principalId: carol.id, action: 'openpim.directory/groups/create', scope: '/' })).json();
    expect((await check()).reasons).toEqual([expect.objectContaining({ via: 'group', groupId: ops, groupPath: [ops], memberType: 'Group' })]);
    // The membership itself is no grant: nobody holds anything at the group's scope because of it.
    const atGroup = (await holders(`/openpim/access/scopes${groupScope(ops)}/holders`)).holders;
    expect(atGroup.filter((h) => h.roleDefinitionId === GROUP_ROLE.member)).toEqual([]);

    api.clock.advance('PT1H');
    api.clock.advance(-1);
    expect((await check()).allowed).toBe(true);
    api.clock.advance(1);
    expect((await check()).allowed).toBe(false);
    expect((await holders('/openpim/access/scopes/holders')).holders.map((h) => h.principalId)).not.toContain(carol.id);
  });

  it('takes the right to read role assignments, and refuses what is not a scope path', async () => {
    api = await openHttpHarness({ database: db });
    const alice = await api.h.user('alice@contoso.test');
    const denied = await api.call(alice, 'GET', '/openpim/access/scopes/holders');
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('Authorization_RequestDenied');
    expect((await api.call(null, 'GET', '/openpim/access/scopes/holders')).statusCode).toBe(401);
    for (const path of ['/openpim/access/scopes/subscriptions/s1', '/openpim/access/scopes/subscriptions/s1/holders/x', '/openpim/access/scopes/']) {
      const res = await api.call(api.admin, 'GET', path);
      expect(res.statusCode, path).toBe(404);
      expect(res.json().error.code).toBe('Request_ResourceNotFound');
    }
    for (const path of [
      '/openpim/access/scopes/subscriptions//s1/holders',
      '/openpim/access/scopes/%2Fs%2F..%2Fx/holders',
      `/openpim/access/scopes/${'a/'.repeat(600)}holders`,
    ]) {
      const res = await api.call(api.admin, 'GET', path);
      expect(res.statusCode, path).toBe(400);
      expect(res.json().error.code).toBe('Request_BadRequest');
    }
  });
});
