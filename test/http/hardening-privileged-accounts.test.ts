/**
 * Privileged accounts (docs/guide.md, "Rules that always hold" and "Signing in and MFA"): an
 * account that holds, is eligible for, or can become through any chain of groups a privileged role
 * — now or later — or is break-glass, has its password, authenticator, sessions and enabled flag
 * changed only by privileged administrators. Helpdesk, Authentication and User Administrators get
 * 403 `Authorization_RequestDenied` and nothing changes.
 *
 * Every way of being privileged × every credential change, over HTTP, on both databases; the
 * controls (accounts that are not, or no longer, privileged) stay allowed. Then the end-to-end
 * take-over a helpdesk password reset would open, which must stop at its first step.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode } from '../../src/domain/identity/base32.ts';
import { totpAt } from '../../src/domain/identity/totp.ts';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { apiSignIn, createUserWithPassword, PASSWORD, revokePath, tokenWorks } from '../support/browser-session.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import {
  addMember,
  DAY,
  fresh,
  grantGroupAccess,
  grantRole,
  GROUP_REQUESTS,
  groupRequest,
  nestAsLegacyData,
  newGroup,
  outcome,
  ROLE_REQUESTS,
  roleRequest,
} from '../support/hardening.ts';
import { json, openHttpHarness, type HttpHarness } from '../support/http-harness.ts';

const GA = ROLE.globalAdministrator;
const NEW_PASSWORD = 'a brand new password 77';

type Actor = 'helpdesk' | 'authentication' | 'userAdmin' | 'appAdmin';
const ACTOR_ROLE: Record<Actor, string> = {
  helpdesk: ROLE.helpdeskAdministrator,
  authentication: ROLE.authenticationAdministrator,
  userAdmin: ROLE.userAdministrator,
  appAdmin: ROLE.applicationAdministrator,
};

type Setup = (api: HttpHarness, v: Principal) => Promise<unknown>;

/** A role-assignable group holding Global Administrator (active, or eligible). */
async function privilegedGroup(api: HttpHarness, kind: 'assignment' | 'eligibility' = 'assignment'): Promise<Principal> {
  const group = await newGroup(api, true);
  await grantRole(api, api.admin, kind, group.id, GA);
  return group;
}

/** An ordinary group V belongs to (statically, or as an eligible member), nested into a privileged group as legacy data. */
async function nestedIntoPrivileged(api: HttpHarness, v: Principal, how: 'static' | 'eligible'): Promise<void> {
  const team = await newGroup(api, false);
  if (how === 'static') await addMember(api, team.id, v.id);
  else await grantGroupAccess(api, api.admin, 'eligibility', v.id, team.id, 'member');
  await nestAsLegacyData(api.h, (await privilegedGroup(api)).id, team.id);
}

const PRIVILEGED: Record<string, Setup> = {
  'holds a privileged role': (api, v) => grantRole(api, api.admin, 'assignment', v.id, ROLE.userAdministrator),
  'is eligible for a privileged role': (api, v) => grantRole(api, api.admin, 'eligibility', v.id, ROLE.userAdministrator),
  'is eligible for a privileged role from next week': (api, v) =>
    grantRole(api, api.admin, 'eligibility', v.id, ROLE.privilegedRoleAdministrator, { startIn: 7 * DAY }),
  'is a static member of a role-assignable group holding Global Administrator': async (api, v) => addMember(api, (await privilegedGroup(api)).id, v.id),
  'is a static member of a role-assignable group eligible for Global Administrator': async (api, v) =>
    addMember(api, (await privilegedGroup(api, 'eligibility')).id, v.id),
  'is an eligible member (PIM for Groups) of a group holding Global Administrator': async (api, v) =>
    grantGroupAccess(api, api.admin, 'eligibility', v.id, (await privilegedGroup(api)).id, 'member'),
  'is an active member (PIM for Groups) of a group holding Global Administrator': async (api, v) =>
    grantGroupAccess(api, api.admin, 'assignment', v.id, (await privilegedGroup(api)).id, 'member'),
  'becomes an active member (PIM for Groups) of a group holding Global Administrator next week': async (api, v) =>
    grantGroupAccess(api, api.admin, 'assignment', v.id, (await privilegedGroup(api)).id, 'member', { startIn: 7 * DAY }),
  'is an eligible owner (PIM for Groups) of a group holding Global Administrator': async (api, v) =>
    grantGroupAccess(api, api.admin, 'eligibility', v.id, (await privilegedGroup(api)).id, 'owner'),
  'is an active owner (PIM for Groups) of a group holding Global Administrator': async (api, v) =>
    grantGroupAccess(api, api.admin, 'assignment', v.id, (await privilegedGroup(api)).id, 'owner'),
  'is a member of a group nested into a group holding Global Administrator': (api, v) => nestedIntoPrivileged(api, v, 'static'),
  'is an eligible member of a group nested into a group holding Global Administrator': (api, v) => nestedIntoPrivileged(api, v, 'eligible'),
  'is break-glass': (api, v) => api.h.store.db.updateTable('principals').set({ is_break_glass: 1 }).where('id', '=', v.id).execute(),
};

/** Ends with the clock moved past a ten-minute grant (and the timeline run). */
async function afterItEnds(api: HttpHarness): Promise<void> {
  api.clock.advance('PT15M');
  await api.h.tick();
}

const ORDINARY: Record<string, Setup> = {
  'holds no role': async () => undefined,
  'holds only a role that is not privileged': (api, v) => grantRole(api, api.admin, 'assignment', v.id, ROLE.groupsAdministrator),
  'was eligible for a privileged role, which has ended': async (api, v) => {
    await grantRole(api, api.admin, 'eligibility', v.id, ROLE.userAdministrator, { duration: 'PT10M' });
    await afterItEnds(api);
  },
  'was an eligible member of a group holding Global Administrator, which has ended': async (api, v) => {
    await grantGroupAccess(api, api.admin, 'eligibility', v.id, (await privilegedGroup(api)).id, 'member', { duration: 'PT10M' });
    await afterItEnds(api);
  },
  'is a member and an eligible member of ordinary groups': async (api, v) => {
    await addMember(api, (await newGroup(api, false)).id, v.id);
    await grantGroupAccess(api, api.admin, 'eligibility', v.id, (await newGroup(api, false)).id, 'member');
  },
};

interface Change {
  readonly by: Actor;
  readonly allowed: number;
  /** Gets the target ready (a session, an authenticator); returns a check that it is still intact. */
  prepare(api: HttpHarness, v: Principal): Promise<() => Promise<void>>;
  call(api: HttpHarness, actor: Principal, v: Principal): Promise<LightMyRequestResponse>;
}

async function enrollTotp(api: HttpHarness, token: string | Principal): Promise<Uint8Array> {
  const started = await api.call(token, 'POST', '/openpim/me/authentication/totp');
  expect(started.statusCode, started.body).toBe(201);
  const key = base32Decode(json<{ secret: string }>(started).secret)!;
  const confirmed = await api.call(token, 'POST', '/openpim/me/authentication/totp/confirm', { code: totpAt(key, api.clock.now()) });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return key;
}

const signIn = (api: HttpHarness, upn: string, password: string) =>
  api.app.inject({
    method: 'POST',
    url: '/openpim/auth/signin',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ userPrincipalName: upn, password }),
  });

const CHANGES: Record<string, Change> = {
  'resetting the password (Helpdesk Administrator)': {
    by: 'helpdesk',
    allowed: 204,
    prepare: async (api, v) => async () => expect((await signIn(api, v.userPrincipalName!, PASSWORD)).statusCode).toBe(200),
    call: (api, actor, v) =>
      api.call(actor, 'PATCH', `/v1.0/users/${v.id}`, { passwordProfile: { password: NEW_PASSWORD, forceChangePasswordNextSignIn: false } }),
  },
  'removing the authenticator app (Authentication Administrator)': {
    by: 'authentication',
    allowed: 204,
    prepare: async (api, v) => {
      await enrollTotp(api, v);
      return async () => expect(json(await api.call(v, 'GET', '/openpim/me/authentication/methods')).totp).not.toBeNull();
    },
    call: (api, actor, v) => api.call(actor, 'DELETE', `/openpim/users/${v.id}/authentication/totp`),
  },
  'disabling the account (User Administrator)': {
    by: 'userAdmin',
    allowed: 204,
    prepare: async (api, v) => async () => expect((await api.h.store.read.principals.get(api.h.tenantId, v.id))?.accountEnabled).toBe(true),
    call: (api, actor, v) => api.call(actor, 'PATCH', `/v1.0/users/${v.id}`, { accountEnabled: false }),
  },
  'revoking the sign-in sessions (User Administrator)': {
    by: 'userAdmin',
    allowed: 200,
    prepare: async (api, v) => {
      const token = await apiSignIn(api, v.userPrincipalName!);
      return async () => expect(await tokenWorks(api, token)).toBe(200);
    },
    call: (api, actor, v) => api.call(actor, 'POST', revokePath(v.id)),
  },
};

/** Service principals hold active grants only; the same chains make them privileged. */
const PRIVILEGED_APPS: Record<string, Setup> = {
  'holds Global Administrator': (api, sp) => grantRole(api, api.admin, 'assignment', sp.id, GA),
  'is a static member of a group holding Global Administrator': async (api, sp) => addMember(api, (await privilegedGroup(api)).id, sp.id),
  'is an active member (PIM for Groups) of a group holding Global Administrator': async (api, sp) =>
    grantGroupAccess(api, api.admin, 'assignment', sp.id, (await privilegedGroup(api)).id, 'member'),
  'becomes an active member (PIM for Groups) of a group holding Global Administrator next week': async (api, sp) =>
    grantGroupAccess(api, api.admin, 'assignment', sp.id, (await privilegedGroup(api)).id, 'member', { startIn: 7 * DAY }),
  'is an active owner (PIM for Groups) of a group holding Global Administrator': async (api, sp) =>
    grantGroupAccess(api, api.admin, 'assignment', sp.id, (await privilegedGroup(api)).id, 'owner'),
};

describe.each(TEST_DATABASES)('privileged accounts on $name', (db) => {
  let api: HttpHarness;
  const actors = {} as Record<Actor, Principal>;

  beforeAll(async () => {
    api = await openHttpHarness({ database: db });
    for (const [actor, role] of Object.entries(ACTOR_ROLE) as [Actor, string][]) {
      actors[actor] = await api.h.user(`${actor}@contoso.test`, actor);
      await grantRole(api, api.admin, 'assignment', actors[actor].id, role);
    }
  });
  afterAll(async () => api?.close());

  const target = async (setup: Setup): Promise<Principal> => {
    const v = await createUserWithPassword(api, `${fresh('v')}@contoso.test`);
    await setup(api, v);
    return v;
  };

  describe.each(Object.entries(CHANGES))('%s', (_name, change) => {
    it.each(Object.entries(PRIVILEGED))('is refused with 403 when the user %s, and changes nothing', async (_case, setup) => {
      const v = await target(setup);
      const intact = await change.prepare(api, v);
      const before = await api.counts();

      const res = await change.call(api, actors[change.by], v);

      expect(outcome(res), res.body).toBe('403 Authorization_RequestDenied');
      expect(await api.counts()).toEqual(before);
      await intact();
    });

    it.each(Object.entries(ORDINARY))('is allowed when the user %s', async (_case, setup) => {
      const v = await target(setup);
      await change.prepare(api, v);
      const res = await change.call(api, actors[change.by], v);
      expect(res.statusCode, res.body).toBe(change.allowed);
    });
  });

  describe('adding a client secret to a service principal (Application Administrator)', () => {
    const app = async (setup: Setup): Promise<Principal> => {
      const res = await api.call(api.admin, 'POST', '/v1.0/servicePrincipals', { displayName: fresh('app') });
      expect(res.statusCode, res.body).toBe(201);
      const sp = (await api.h.store.read.principals.get(api.h.tenantId, json(res).id as string))!;
      await setup(api, sp);
      return sp;
    };
    const addPassword = (sp: Principal) =>
      api.call(actors.appAdmin, 'POST', `/v1.0/servicePrincipals/${sp.id}/addPassword`, { passwordCredential: { displayName: 'take-over' } });

    it.each(Object.entries(PRIVILEGED_APPS))('is refused with 403 when it %s, and changes nothing', async (_case, setup) => {
      const sp = await app(setup);
      const before = await api.counts();
      const res = await addPassword(sp);
      expect(outcome(res), res.body).toBe('403 Authorization_RequestDenied');
      expect(await api.counts()).toEqual(before);
    });

    it('is allowed when it holds no role and belongs only to an ordinary group', async () => {
      const sp = await app(async (a, s) => addMember(a, (await newGroup(a, false)).id, s.id));
      const res = await addPassword(sp);
      expect(res.statusCode, res.body).toBe(200);
    });
  });

  it('privileged administrators still manage a privileged account: Privileged Authentication Administrator for credentials, Global Administrator for the account', async () => {
    const paa = await api.h.user(`${fresh('paa')}@contoso.test`);
    await grantRole(api, api.admin, 'assignment', paa.id, ROLE.privilegedAuthenticationAdministrator);
    const v = await target(PRIVILEGED['is an eligible member (PIM for Groups) of a group holding Global Administrator']!);
    await enrollTotp(api, v);

    expect((await api.call(paa, 'PATCH', `/v1.0/users/${v.id}`, { passwordProfile: { password: NEW_PASSWORD } })).statusCode).toBe(204);
    expect((await api.call(paa, 'DELETE', `/openpim/users/${v.id}/authentication/totp`)).statusCode).toBe(204);
    expect((await api.call(paa, 'POST', revokePath(v.id))).statusCode).toBe(200);
    expect((await api.call(api.admin, 'PATCH', `/v1.0/users/${v.id}`, { accountEnabled: false })).statusCode).toBe(204);
  });

  it('a Helpdesk Administrator cannot take over an eligible member of a Global Administrator group: the take-over stops at the password reset', async () => {
    // V may activate membership of R, which holds Global Administrator; V has a password and no authenticator yet.
    const r = await privilegedGroup(api);
    const v = await createUserWithPassword(api, `${fresh('victim')}@contoso.test`);
    await grantGroupAccess(api, api.admin, 'eligibility', v.id, r.id, 'member');
    const attacker = actors.helpdesk;
    const before = await api.counts();

    const steps: string[] = [];
    const step = async (name: string, expected: number, res: Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse | null> => {
      const done = await res;
      steps.push(`${name}: ${done.statusCode}`);
      return done.statusCode === expected ? done : null;
    };
    const attack = async (): Promise<void> => {
      if (!(await step("reset V's password", 204, api.call(attacker, 'PATCH', `/v1.0/users/${v.id}`, { passwordProfile: { password: NEW_PASSWORD } })))) return;
      const signedIn = await step('sign in as V', 200, signIn(api, v.userPrincipalName!, NEW_PASSWORD));
      if (!signedIn) return;
      const token = json<{ access_token: string }>(signedIn).access_token;
      const key = await enrollTotp(api, token);
      steps.push('enrol an authenticator app for V: 200');
      api.clock.advance(30_000);
      const stepped = await step('step up with it', 200, api.call(token, 'POST', '/openpim/auth/stepup', { totp: totpAt(key, api.clock.now()) }));
      if (!stepped) return;
      const mfa = json<{ access_token: string }>(stepped).access_token;
      const activation = { ...groupRequest(api, 'selfActivate', v.id, r.id, 'member', { duration: 'PT1H' }) };
      if (!(await step("activate V's membership of R", 201, api.call(mfa, 'POST', `${GROUP_REQUESTS}/assignmentScheduleRequests`, activation)))) return;
      await step(
        'as Global Administrator, make the attacker a permanent Global Administrator',
        201,
        api.call(mfa, 'POST', `${ROLE_REQUESTS}/roleAssignmentScheduleRequests`, roleRequest(api, 'adminAssign', attacker.id, GA)),
      );
    };
    await attack();

    expect(steps).toEqual(["reset V's password: 403"]);
    expect(await api.counts()).toEqual(before);
    expect((await signIn(api, v.userPrincipalName!, PASSWORD)).statusCode).toBe(200);
  });
});
