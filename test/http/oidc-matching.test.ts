/**
 * Sign-in with the organisation's identity provider, end to end (a real OpenID provider on
 * loopback, the real openid-client adapter, OpenPIM's HTTP app; test/support/oidc-app.ts): who the
 * provider's account turns out to be, and how strongly it signed in.
 *
 * Proves: matching by verified email and linking; later sign-ins by (issuer, sub) whatever the
 * email says; no match by an unverified or missing email, never to a group, a service principal or
 * a disabled user; privileged accounts only through a link made beforehand; just-in-time creation
 * on and off; the provider's MFA honoured only when trusted, else a local TOTP step-up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGroupMember } from '../../src/app/directory/change-group-members.ts';
import { createGroup } from '../../src/app/directory/create-group.ts';
import { ACTIVITY } from '../../src/domain/audit/activities.ts';
import { base32Decode } from '../../src/domain/identity/base32.ts';
import { totpAt } from '../../src/domain/identity/totp.ts';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { testIds } from '../support/fake-clock.ts';
import { json } from '../support/http-harness.ts';
import {
  account,
  activation,
  activities,
  counts,
  errorOf,
  idp,
  link,
  openApi,
  REQUESTS,
  signIn,
  useOidcProvider,
  whoAmI,
  withSession,
  type Api,
} from '../support/oidc-app.ts';
import { adminAssign } from '../support/scenario.ts';

useOidcProvider();

describe('matching users', () => {
  let api: Api;
  beforeAll(async () => {
    api = await openApi();
    await api.h.user('bob@contoso.test', 'Bob');
  });
  afterAll(async () => api?.close());

  it('links an existing user by verified email, then finds them by (issuer, sub) even after the email changed', async () => {
    const alice = await api.h.user('alice@contoso.test', 'Alice');
    const sub = account({ email: 'Alice@Contoso.test', email_verified: true, name: 'Alice A.' });

    const first = await signIn(api, { accountId: sub, amr: ['pwd'] }, '/requests?tab=mine');
    expect(first.res.statusCode, first.res.body).toBe(302);
    expect(first.res.headers.location).toBe('/requests?tab=mine');
    expect(first.session).toEqual(expect.any(String));
    expect(String(first.res.headers['set-cookie'])).toMatch(/__Host-openpim-session=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
    expect(await whoAmI(api, first.session!)).toBe(alice.id);
    expect(await api.h.store.read.federation.find(api.h.tenantId, idp.issuer, sub)).toMatchObject({ principalId: alice.id });

    // The provider's email changes: the link, not the address, decides.
    idp.accounts.set(sub, { email: 'alice.new@elsewhere.test', email_verified: true });
    const before = await counts(api);
    const second = await signIn(api, { accountId: sub, amr: ['pwd'] });
    expect(second.res.statusCode, second.res.body).toBe(302);
    expect(await whoAmI(api, second.session!)).toBe(alice.id);
    expect(await counts(api)).toEqual({ ...before, audit_events: before.audit_events! + 1, sessions: before.sessions! + 1 });
    const acts = await activities(api);
    expect(acts.filter((a) => a === ACTIVITY.federatedIdentityLinked)).toHaveLength(1);
    expect(acts.filter((a) => a === ACTIVITY.federatedSignIn)).toHaveLength(2);
  });

  it.each([
    ['an unverified email', { email: 'bob@contoso.test', email_verified: false }],
    ['no email at all', { name: 'Bob' }],
  ])('does not match by %s (and with just-in-time creation off, refuses)', async (_name, claims) => {
    const before = await counts(api);
    const { res, session } = await signIn(api, { accountId: account(claims) });
    expect(res.statusCode, res.body).toBe(403);
    expect(errorOf(res).code).toBe('Authorization_RequestDenied');
    expect(session).toBeNull();
    expect(await counts(api)).toEqual(before);
  });

  it('never matches a group or a service principal, and refuses a disabled user', async () => {
    await api.h.store.run((tx) =>
      tx.principals.insert({
        tenantId: api.h.tenantId,
        id: testIds.uuid(),
        type: 'group',
        displayName: 'Ops',
        userPrincipalName: null,
        mail: 'ops@contoso.test',
        accountEnabled: true,
        isBreakGlass: false,
        isAssignableToRole: false,
        description: null,
        managerId: null,
        createdAt: api.clock.now(),
      }),
    );
    const carol = await api.h.user('carol@contoso.test', 'Carol');
    await api.h.store.run((tx) => tx.accounts.setAccountEnabled(api.h.tenantId, carol.id, false));
    const before = await counts(api);

    const group = await signIn(api, { accountId: account({ email: 'ops@contoso.test', email_verified: true }) });
    expect(group.res.statusCode, group.res.body).toBe(403);
    const disabled = await signIn(api, { accountId: account({ email: 'carol@contoso.test', email_verified: true }) });
    expect(disabled.res.statusCode, disabled.res.body).toBe(403);
    expect(errorOf(disabled.res)).toMatchObject({ code: 'Authorization_RequestDenied', message: expect.stringContaining('disabled') });
    expect(disabled.res.body).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
    expect(disabled.session).toBeNull();
    expect(await counts(api)).toEqual(before);
  });
});

describe('privileged accounts', () => {
  it("are never linked by email: an IdP account with a Global Administrator's address is refused, and nothing is written", async () => {
    const api = await openApi({ jitProvisioning: true });
    try {
      const gina = await api.h.user('gina.admin@contoso.test', 'Gina');
      await adminAssign(api.h, 'eligibility', gina, ROLE.globalAdministrator);
      // Privileged through a group counts the same.
      const ops = await api.h.user('olga@contoso.test', 'Olga');
      const group = await createGroup(api.h.deps, api.h.admin, { displayName: 'Tier 0', description: null, mailNickname: 'tier0', isAssignableToRole: true });
      await addGroupMember(api.h.deps, api.h.admin, group.id, ops.id);
      await adminAssign(api.h, 'assignment', group, ROLE.privilegedRoleAdministrator);
      const before = await counts(api);

      for (const email of ['gina.admin@contoso.test', 'olga@contoso.test']) {
        const { res, session } = await signIn(api, { accountId: account({ email, email_verified: true }), amr: ['pwd', 'mfa'] });
        expect(res.statusCode, res.body).toBe(403);
        expect(errorOf(res)).toMatchObject({
          code: 'Authorization_RequestDenied',
          message: expect.stringMatching(/privileged account.*administrator must link it/),
        });
        expect(session).toBeNull();
      }
      expect(await counts(api)).toEqual(before);
    } finally {
      await api.close();
    }
  });

  it('sign in through a link made beforehand, by email matching or by sub', async () => {
    for (const matchBy of ['email', 'sub'] as const) {
      const api = await openApi({ matchBy });
      try {
        const admin = await api.h.user('hal.admin@contoso.test', 'Hal');
        await adminAssign(api.h, 'eligibility', admin, ROLE.globalAdministrator);
        const sub = account({ email: 'hal.admin@contoso.test', email_verified: true });
        await link(api, admin, sub);
        const { res, session } = await signIn(api, { accountId: sub });
        expect(res.statusCode, res.body).toBe(302);
        expect(await whoAmI(api, session!)).toBe(admin.id);
      } finally {
        await api.close();
      }
    }
  });
});

describe('just-in-time creation', () => {
  it('is off by default: an unknown account is refused and nothing is written', async () => {
    const api = await openApi();
    try {
      const before = await counts(api);
      const { res } = await signIn(api, { accountId: account({ email: 'dave@contoso.test', email_verified: true, name: 'Dave' }) });
      expect(res.statusCode, res.body).toBe(403);
      expect(errorOf(res).message).toContain('No OpenPIM account matches');
      expect(await counts(api)).toEqual(before);
    } finally {
      await api.close();
    }
  });

  it('when on, creates the user from the claims, links and audits it', async () => {
    const api = await openApi({ jitProvisioning: true });
    try {
      const sub = account({ email: 'Erin@Contoso.test', email_verified: true, name: 'Erin Example' });
      const { res, session } = await signIn(api, { accountId: sub });
      expect(res.statusCode, res.body).toBe(302);
      const erin = (await api.h.store.read.principals.getByUpn(api.h.tenantId, 'erin@contoso.test'))!;
      expect(erin).toMatchObject({ type: 'user', displayName: 'Erin Example', mail: 'erin@contoso.test', accountEnabled: true, isBreakGlass: false });
      expect(await whoAmI(api, session!)).toBe(erin.id);
      expect(await api.h.store.read.federation.find(api.h.tenantId, idp.issuer, sub)).toMatchObject({ principalId: erin.id });
      expect((await activities(api)).slice(-3)).toEqual([ACTIVITY.userAdded, ACTIVITY.federatedIdentityLinked, ACTIVITY.federatedSignIn]);

      // A second sign-in of the same account creates nothing more.
      const before = await counts(api);
      expect((await signIn(api, { accountId: sub })).res.statusCode).toBe(302);
      expect((await counts(api)).principals).toBe(before.principals);
    } finally {
      await api.close();
    }
  });
});

describe("the provider's MFA and the MFA-required activation", () => {
  /** Eligible for a privileged role, so linked beforehand (never by email). */
  async function eligibleUser(api: Api, upn: string): Promise<{ user: Principal; sub: string }> {
    const user = await api.h.user(upn);
    await adminAssign(api.h, 'eligibility', user, ROLE.userAdministrator);
    const sub = account({ email: upn, email_verified: true });
    await link(api, user, sub);
    return { user, sub };
  }

  it('trusted (trustAmr): amr ["pwd","mfa"] from the provider satisfies the MFA rule without a step-up', async () => {
    const api = await openApi({ trustAmr: true });
    try {
      const { user, sub } = await eligibleUser(api, 'frank@contoso.test');
      const { res, session } = await signIn(api, { accountId: sub, amr: ['pwd', 'mfa'] });
      expect(res.statusCode, res.body).toBe(302);
      const activated = await withSession(api, session!, 'POST', REQUESTS, activation(user.id));
      expect(activated.statusCode, activated.body).toBe(201);
      expect(json(activated)).toMatchObject({ status: 'Provisioned', principalId: user.id });
    } finally {
      await api.close();
    }
  });

  it('trusted: an acr listed in mfaAcrValues counts as MFA too', async () => {
    const api = await openApi({ trustAmr: true, mfaAcrValues: ['urn:contoso:loa:mfa'] });
    try {
      const { user, sub } = await eligibleUser(api, 'fay@contoso.test');
      const { session } = await signIn(api, { accountId: sub, amr: ['pwd'], acr: 'urn:contoso:loa:mfa' });
      const activated = await withSession(api, session!, 'POST', REQUESTS, activation(user.id));
      expect(activated.statusCode, activated.body).toBe(201);
    } finally {
      await api.close();
    }
  });

  it('trusted, but the provider did no MFA (amr ["pwd"]): the challenge', async () => {
    const api = await openApi({ trustAmr: true });
    try {
      const { user, sub } = await eligibleUser(api, 'gina@contoso.test');
      const { session } = await signIn(api, { accountId: sub, amr: ['pwd'] });
      const refused = await withSession(api, session!, 'POST', REQUESTS, activation(user.id));
      expect(refused.statusCode, refused.body).toBe(400);
      expect(String(refused.headers['www-authenticate'])).toMatch(/^Bearer realm="openpim", error="insufficient_claims"/);
    } finally {
      await api.close();
    }
  });

  it('not trusted: the same amr meets the step-up challenge, and a local TOTP step-up then succeeds', async () => {
    const api = await openApi({ trustAmr: false });
    try {
      const { user, sub } = await eligibleUser(api, 'hank@contoso.test');
      const { res, session } = await signIn(api, { accountId: sub, amr: ['pwd', 'mfa'] });
      expect(res.statusCode, res.body).toBe(302);

      const refused = await withSession(api, session!, 'POST', REQUESTS, activation(user.id));
      expect(refused.statusCode, refused.body).toBe(400);
      expect(errorOf(refused).code).toBe('RoleAssignmentRequestPolicyValidationFailed');
      const challenge = String(refused.headers['www-authenticate']);
      expect(challenge).toMatch(/^Bearer realm="openpim", error="insufficient_claims"/);
      const stepUpUri = /step_up_uri="([^"]+)"/.exec(challenge)![1]!;

      // Enroll an authenticator app in this session, then step up with it.
      const enrolled = await withSession(api, session!, 'POST', '/openpim/me/authentication/totp');
      expect(enrolled.statusCode, enrolled.body).toBe(201);
      const key = base32Decode(json<{ secret: string }>(enrolled).secret)!;
      const confirmed = await withSession(api, session!, 'POST', '/openpim/me/authentication/totp/confirm', { code: totpAt(key, api.clock.now()) });
      expect(confirmed.statusCode, confirmed.body).toBe(200);
      api.clock.advance(30_000);
      const stepped = await withSession(api, session!, 'POST', stepUpUri, { totp: totpAt(key, api.clock.now()) });
      expect(stepped.statusCode, stepped.body).toBe(200);

      const retried = await withSession(api, session!, 'POST', REQUESTS, activation(user.id));
      expect(retried.statusCode, retried.body).toBe(201);
    } finally {
      await api.close();
    }
  });
});
