/**
 * What the portal's Users page reads about a user over HTTP: the users collection with
 * `accountEnabled` (and filtered on it), the groups a user is a direct member of
 * (`GET /v1.0/users/{id}/memberOf`, as in Graph) and an administrator's view of a user's
 * authentication methods (`GET /openpim/users/{id}/authentication/methods`): the authenticator app,
 * passkeys, and whether the account is break-glass or privileged. Who may call each for every role:
 * the authorization matrix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode } from '../../src/domain/identity/base32.ts';
import { totpAt } from '../../src/domain/identity/totp.ts';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { createUserWithPassword, errorCode } from '../support/browser-session.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { json, openHttpHarness, type HttpHarness } from '../support/http-harness.ts';
import { adminAssign, groupWith } from '../support/scenario.ts';

interface Collection<T> {
  readonly value: T[];
  readonly '@odata.nextLink'?: string;
  readonly '@odata.count'?: number;
}
interface Group {
  readonly '@odata.type': string;
  readonly id: string;
  readonly displayName: string;
  readonly isAssignableToRole: boolean;
}
interface Methods {
  readonly passwordSetDateTime: string | null;
  readonly totp: { readonly id: string; readonly confirmedDateTime: string | null; readonly lastUsedDateTime: string | null } | null;
  readonly pendingTotp: unknown;
  readonly recoveryCodesRemaining: number;
  readonly lastSignInDateTime: string | null;
  readonly securityKeys: number;
  readonly isBreakGlass: boolean;
  readonly isPrivileged: boolean;
}

let api: HttpHarness;

/** The user enrolls and confirms an authenticator app (their own token, with MFA as tokens here have). */
async function enrollTotp(user: Principal): Promise<void> {
  const started = await api.call(user, 'POST', '/openpim/me/authentication/totp');
  expect(started.statusCode, started.body).toBe(201);
  const key = base32Decode(json<{ secret: string }>(started).secret)!;
  const confirmed = await api.call(user, 'POST', '/openpim/me/authentication/totp/confirm', { code: totpAt(key, api.clock.now()) });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
}

const get = async <T>(who: Principal, url: string): Promise<T> => {
  const res = await api.call(who, 'GET', url);
  expect(res.statusCode, res.body).toBe(200);
  return json<T>(res);
};

describe.each(TEST_DATABASES)('user administration reads on $name', (database) => {
  beforeAll(async () => {
    api = await openHttpHarness({ database });
  });
  afterAll(async () => api?.close());

  describe('GET /v1.0/users', () => {
    it('says whether each account is enabled, and filters on it', async () => {
      const off = await api.h.user('off@contoso.test', 'Off Duty');
      const patched = await api.call(api.admin, 'PATCH', `/v1.0/users/${off.id}`, { accountEnabled: false });
      expect(patched.statusCode, patched.body).toBe(204);
      const all = await get<Collection<{ id: string; accountEnabled: boolean }>>(
        api.admin,
        '/v1.0/users?$select=id,displayName,userPrincipalName,accountEnabled&$top=999',
      );
      expect(all.value.find((u) => u.id === off.id)).toEqual({
        '@odata.type': '#microsoft.graph.user',
        id: off.id,
        displayName: 'Off Duty',
        userPrincipalName: 'off@contoso.test',
        accountEnabled: false,
      });
      const disabled = await get<Collection<{ id: string }>>(api.admin, '/v1.0/users?$filter=accountEnabled eq false');
      expect(disabled.value.map((u) => u.id)).toEqual([off.id]);
    });
  });

  describe('GET /v1.0/users/{id}/memberOf', () => {
    let erin: Principal;
    let ops: Principal;
    let admins: Principal;
    beforeAll(async () => {
      erin = await api.h.user('erin@contoso.test', 'Erin');
      ops = await groupWith(api.h, 'Operations', [erin]);
      admins = await groupWith(api.h, 'Admins', [erin], { assignable: true });
      // Erin is in Staff only through Operations: not a direct membership.
      await groupWith(api.h, 'Staff', [ops]);
      await groupWith(api.h, 'Unrelated', [await api.h.user('frank@contoso.test')]);
    });

    it("lists the groups that have the user as a direct member, by name, in Graph's group shape — to anyone signed in", async () => {
      const someone = await api.h.user('someone@contoso.test');
      const page = await get<Collection<Group>>(someone, `/v1.0/users/${erin.id}/memberOf`);
      expect(page.value.map((g) => [g.displayName, g.isAssignableToRole])).toEqual([
        ['Admins', true],
        ['Operations', false],
      ]);
      expect(page.value[0]).toMatchObject({ '@odata.type': '#microsoft.graph.group', id: admins.id, securityEnabled: true, mailEnabled: false });
      expect(json(await api.call(someone, 'GET', `/v1.0/users/${erin.id}/memberOf`))['@odata.context']).toMatch(/directoryObjects$/);
    });

    it('takes the user principal name for the id, and the OData options of a collection', async () => {
      const byUpn = await get<Collection<Group>>(
        api.admin,
        '/v1.0/users/erin@contoso.test/memberOf?$filter=isAssignableToRole eq false&$select=id,displayName&$count=true',
      );
      expect(byUpn.value).toEqual([{ '@odata.type': '#microsoft.graph.group', id: ops.id, displayName: 'Operations' }]);
      expect(byUpn['@odata.count']).toBe(1);
      const first = await get<Collection<Group>>(api.admin, `/v1.0/users/${erin.id}/memberOf?$top=1`);
      expect(first.value.map((g) => g.displayName)).toEqual(['Admins']);
      expect(first['@odata.nextLink']).toBeDefined();
    });

    it('is empty for a user in no group, and 404 for no user (a group id is not a user)', async () => {
      const loner = await api.h.user('loner@contoso.test');
      expect((await get<Collection<Group>>(api.admin, `/v1.0/users/${loner.id}/memberOf`)).value).toEqual([]);
      for (const id of ['nobody@contoso.test', ops.id]) {
        const res = await api.call(api.admin, 'GET', `/v1.0/users/${id}/memberOf`);
        expect(res.statusCode, id).toBe(404);
        expect(errorCode(res)).toBe('Request_ResourceNotFound');
      }
    });
  });

  describe('GET /openpim/users/{id}/authentication/methods', () => {
    const methodsOf = (who: Principal, id: string) => get<Methods>(who, `/openpim/users/${id}/authentication/methods`);

    it('shows an administrator the password, the authenticator app once enrolled, and none of its secrets', async () => {
      const grace = await createUserWithPassword(api, 'grace@contoso.test');
      const before = await methodsOf(api.admin, grace.id);
      expect(before).toEqual({
        passwordSetDateTime: expect.any(String),
        totp: null,
        pendingTotp: null,
        recoveryCodesRemaining: 0,
        lastSignInDateTime: null,
        securityKeys: 0,
        isBreakGlass: false,
        isPrivileged: false,
      });
      await enrollTotp(grace);
      const after = await methodsOf(api.admin, grace.id);
      expect(after.totp).toEqual({ id: expect.any(String), confirmedDateTime: expect.any(String), lastUsedDateTime: expect.any(String) });
      expect(after.recoveryCodesRemaining).toBe(10);
      expect(JSON.stringify(after)).not.toMatch(/secret|otpauth/i);
      const res = await api.call(api.admin, 'GET', `/openpim/users/${grace.id}/authentication/methods`);
      expect(res.headers['cache-control']).toBe('no-store');

      // Removed by an administrator (a lost phone): gone from the view.
      expect((await api.call(api.admin, 'DELETE', `/openpim/users/${grace.id}/authentication/totp`)).statusCode).toBe(204);
      expect(await methodsOf(api.admin, grace.id)).toMatchObject({ totp: null, recoveryCodesRemaining: 0 });
    });

    it('marks break-glass and privileged accounts', async () => {
      expect(await methodsOf(api.admin, api.admin.id)).toMatchObject({ isBreakGlass: true, isPrivileged: true });
      const heidi = await api.h.user('heidi@contoso.test');
      await adminAssign(api.h, 'eligibility', heidi, ROLE.privilegedRoleAdministrator);
      expect(await methodsOf(api.admin, heidi.id)).toMatchObject({ isBreakGlass: false, isPrivileged: true });
    });

    it('answers the user themselves and the administrators of accounts and credentials; 403 to anyone else, 404 for no user', async () => {
      const ivan = await api.h.user('ivan@contoso.test');
      const judy = await api.h.user('judy@contoso.test');
      expect(await methodsOf(ivan, ivan.id)).toMatchObject({ totp: null, isBreakGlass: false });
      const refused = await api.call(judy, 'GET', `/openpim/users/${ivan.id}/authentication/methods`);
      expect(refused.statusCode, refused.body).toBe(403);
      expect(errorCode(refused)).toBe('Authorization_RequestDenied');

      for (const role of [ROLE.helpdeskAdministrator, ROLE.authenticationAdministrator, ROLE.userAdministrator]) {
        const admin = await api.h.user(`admin-${role}@contoso.test`);
        await adminAssign(api.h, 'assignment', admin, role);
        expect((await api.call(admin, 'GET', `/openpim/users/ivan@contoso.test/authentication/methods`)).statusCode, role).toBe(200);
      }
      const missing = await api.call(api.admin, 'GET', '/openpim/users/nobody@contoso.test/authentication/methods');
      expect(missing.statusCode).toBe(404);
      expect(errorCode(missing)).toBe('Request_ResourceNotFound');
    });
  });
});
