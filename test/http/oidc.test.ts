/**
 * Sign-in with the organisation's identity provider, end to end: a real OpenID provider
 * (`oidc-provider` on loopback), the real openid-client adapter, and OpenPIM's HTTP app. The
 * browser is played by hand: start at OpenPIM (302 to the provider, state cookie), log in at the
 * provider as a chosen account with chosen `amr` (test/support/oidc-provider.ts), come back to
 * OpenPIM's callback with the state cookie — and use the session cookie it sets.
 *
 * Proves: matching by verified email and linking; later sign-ins by (issuer, sub) whatever the
 * email says; just-in-time creation on and off; the provider's MFA honoured only when trusted, else
 * a local TOTP step-up; refusals (state reused, wrong or missing, provider error, open redirect,
 * disabled or unmatched accounts) that write nothing.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGroupMember } from '../../src/app/directory/change-group-members.ts';
import { createGroup } from '../../src/app/directory/create-group.ts';
import type { FederationSettings } from '../../src/app/identity/federated-sign-in.ts';
import type { UnitOfWork } from '../../src/app/ports/repositories.ts';
import { ACTIVITY } from '../../src/domain/audit/activities.ts';
import { base32Decode } from '../../src/domain/identity/base32.ts';
import { csrfTokenFor } from '../../src/domain/identity/sessions.ts';
import { totpAt } from '../../src/domain/identity/totp.ts';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { HOUR } from '../../src/domain/time.ts';
import { buildApp } from '../../src/http/app.ts';
import { memoryRateLimiter, type RateLimits } from '../../src/http/rate-limit.ts';
import { cryptoRandom } from '../../src/server/crypto-random.ts';
import { jwtTokens } from '../../src/server/jwt-tokens.ts';
import { oidcIdentityProvider } from '../../src/server/oidc-federation.ts';
import { signingKeyStore } from '../../src/store/signing-keys.ts';
import { FakeClock, testIds } from '../support/fake-clock.ts';
import { liveAccess, openHarness, type Harness } from '../support/harness.ts';
import { json, MEMORY_SQLITE, TEST_PASSWORDS, type GraphErrorBody } from '../support/http-harness.ts';
import { answerCli } from '../support/browser-session.ts';
import { startOidcProvider, type Login, type TestOidcProvider } from '../support/oidc-provider.ts';
import { adminAssign } from '../support/scenario.ts';

const REDIRECT_URI = 'https://pim.contoso.test/openpim/auth/oidc/callback';
const STATE_COOKIE = '__Host-openpim-oidc-state';
const SESSION_COOKIE = '__Host-openpim-session';
const REQUESTS = '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests';
const activation = (principalId: string) => ({
  action: 'selfActivate', principalId, roleDefinitionId: ROLE.userAdministrator, directoryScopeId: '/', justification: 'Incident 4711',
  scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
});
const errorOf = (res: LightMyRequestResponse) => json<GraphErrorBody>(res).error;

let idp: TestOidcProvider;
let accountSeq = 0;
beforeAll(async () => {
  idp = await startOidcProvider({ redirectUri: REDIRECT_URI });
});
afterAll(async () => idp?.close());

interface Api {
  readonly h: Harness;
  readonly app: FastifyInstance;
  readonly clock: FakeClock;
  /** How many transactions the app has opened so far. */
  transactions(): number;
  close(): Promise<void>;
}

async function openApi(settings: Partial<FederationSettings> = {}, limits: RateLimits = { perIpPerMinute: 100_000, perAccountPerMinute: 100_000 }): Promise<Api> {
  // The provider stamps auth_time with the real clock: start the fake one there.
  const clock = new FakeClock(Date.now());
  const h = await openHarness(MEMORY_SQLITE, clock);
  const tokens = jwtTokens(signingKeyStore(h.store.db), clock, testIds);
  let transactions = 0;
  const uow: UnitOfWork = { read: h.store.read, run: (work) => { transactions += 1; return h.store.run(work); } };
  const app = await buildApp({
    access: await liveAccess(h), uow, clock, ids: testIds, tokens, mfaMaxAge: HOUR, bodyLimit: 64 * 1024, isReady: () => true, logger: false,
    identity: {
      passwords: TEST_PASSWORDS, random: cryptoRandom, issuer: tokens, tokenTtl: HOUR,
      rateLimiter: memoryRateLimiter(clock, limits),
      federation: {
        provider: oidcIdentityProvider({
          issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, clientAuthMethod: 'client_secret_basic',
          scopes: 'openid email profile', redirectUri: REDIRECT_URI, allowInsecureHttp: false,
        }),
        settings: { trustAmr: false, mfaAcrValues: [], matchBy: 'email', jitProvisioning: false, ...settings },
      },
    },
  });
  await app.ready();
  return { h, app, clock, transactions: () => transactions, close: async () => { await app.close(); await h.close(); } };
}

/** A new account at the provider. */
function account(claims: { email?: string; email_verified?: boolean; name?: string; preferred_username?: string }): string {
  const id = `idp-user-${++accountSeq}`;
  idp.accounts.set(id, claims);
  return id;
}

const cookieOf = (res: LightMyRequestResponse, name: string): string | null => {
  const header = res.headers['set-cookie'];
  const all = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const found = all.map(String).find((c) => c.startsWith(`${name}=`));
  return found ? found.slice(name.length + 1).split(';')[0]! : null;
};

interface Started {
  /** The provider's redirect back to OpenPIM, as path + query. */
  readonly callback: string;
  readonly state: string;
}

/** Start at OpenPIM and log in at the provider; stops before OpenPIM's callback. */
async function startSignIn(api: Api, login: Login, returnTo = '/'): Promise<Started> {
  const start = await api.app.inject({ method: 'GET', url: `/openpim/auth/oidc/signin?returnTo=${encodeURIComponent(returnTo)}` });
  expect(start.statusCode, start.body).toBe(302);
  const location = String(start.headers.location);
  expect(location.startsWith(`${idp.issuer}/`)).toBe(true);
  const asked = new URL(location).searchParams;
  expect(asked.get('code_challenge_method')).toBe('S256');
  expect(asked.get('nonce')).toEqual(expect.any(String));
  const state = cookieOf(start, STATE_COOKIE)!;
  expect(asked.get('state')).toBe(state);
  const back = await idp.signInAs(location, login);
  expect(back.startsWith(`${REDIRECT_URI}?`), back).toBe(true);
  const url = new URL(back);
  return { callback: url.pathname + url.search, state };
}

const callback = (api: Api, started: Started, cookieState: string | null = started.state) =>
  api.app.inject({ method: 'GET', url: started.callback, headers: cookieState === null ? {} : { cookie: `${STATE_COOKIE}=${cookieState}` } });

/** A whole sign-in; returns the callback's answer and the session cookie it set (if any). */
async function signIn(api: Api, login: Login, returnTo = '/'): Promise<{ res: LightMyRequestResponse; session: string | null }> {
  const res = await callback(api, await startSignIn(api, login, returnTo));
  return { res, session: cookieOf(res, SESSION_COOKIE) };
}

/** A call made by the browser with its session cookie (and the CSRF token for writes). */
function withSession(api: Api, session: string, method: 'GET' | 'POST', url: string, body?: unknown) {
  return api.app.inject({
    method, url, headers: { cookie: `${SESSION_COOKIE}=${session}`, 'x-csrf-token': csrfTokenFor(session), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

/** Row counts a refused sign-in must leave alone. */
async function counts(api: Api): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of ['principals', 'federated_identities', 'audit_events', 'sessions'] as const) {
    const row = await api.h.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    result[table] = Number(row.n);
  }
  return result;
}

async function activities(api: Api): Promise<string[]> {
  const rows = await api.h.store.db.selectFrom('audit_events').select('activity').orderBy('seq').execute();
  return rows.map((r) => r.activity);
}

/** A link made beforehand (as an administrator would): the provider account `sub` is `user`. */
async function link(api: Api, user: Principal, sub: string): Promise<void> {
  await api.h.store.run((tx) => tx.federation.link({
    tenantId: api.h.tenantId, issuer: idp.issuer, subject: sub, principalId: user.id, createdAt: api.clock.now(), lastSignInAt: null,
  }));
}

async function whoAmI(api: Api, session: string): Promise<string> {
  const me = await withSession(api, session, 'GET', '/v1.0/me');
  expect(me.statusCode, me.body).toBe(200);
  return json(me).id as string;
}

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
    await api.h.store.run((tx) => tx.principals.insert({
      tenantId: api.h.tenantId, id: testIds.uuid(), type: 'group', displayName: 'Ops', userPrincipalName: null, mail: 'ops@contoso.test',
      accountEnabled: true, isBreakGlass: false, isAssignableToRole: false, description: null, managerId: null, createdAt: api.clock.now(),
    }));
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
  it('are never linked by email: an IdP account with a Global Administrator\'s address is refused, and nothing is written', async () => {
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
        expect(errorOf(res)).toMatchObject({ code: 'Authorization_RequestDenied', message: expect.stringMatching(/privileged account.*administrator must link it/) });
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

describe('the provider\'s MFA and the MFA-required activation', () => {
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

describe('refusals write nothing', () => {
  let api: Api;
  beforeAll(async () => {
    api = await openApi({ jitProvisioning: true });
  });
  afterAll(async () => api?.close());

  it('a state used once is not accepted again', async () => {
    const started = await startSignIn(api, { accountId: account({ email: 'ivy@contoso.test', email_verified: true }) });
    expect((await callback(api, started)).statusCode).toBe(302);
    const before = await counts(api);
    const again = await callback(api, started);
    expect(again.statusCode, again.body).toBe(400);
    expect(errorOf(again)).toMatchObject({ code: 'InvalidCredentials', message: expect.stringContaining('completed already') });
    expect(cookieOf(again, SESSION_COOKIE)).toBeNull();
    // The state cookie is spent whatever the outcome.
    expect(String(again.headers['set-cookie'])).toMatch(/__Host-openpim-oidc-state=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0; Secure/);
    expect(await counts(api)).toEqual(before);
  });

  it('a state that is not this browser\'s (another cookie, or none: login CSRF) is refused', async () => {
    const before = await counts(api);
    const started = await startSignIn(api, { accountId: account({ email: 'jack@contoso.test', email_verified: true }) });
    const other = await startSignIn(api, { accountId: account({ email: 'kate@contoso.test', email_verified: true }) });
    for (const res of [await callback(api, started, other.state), await callback(api, started, null)]) {
      expect(res.statusCode, res.body).toBe(400);
      expect(errorOf(res)).toMatchObject({ code: 'InvalidCredentials', message: expect.stringContaining('not started in this browser') });
    }
    // A state OpenPIM never issued, with a cookie to match: refused on a read, no transaction opened.
    const forged = { callback: started.callback.replace(/state=[^&]+/, 'state=forged-state'), state: 'forged-state' };
    const transactions = api.transactions();
    const res = await callback(api, forged);
    expect(res.statusCode, res.body).toBe(400);
    expect(errorOf(res).message).toContain('expired or was completed already');
    expect(api.transactions()).toBe(transactions);
    expect(await counts(api)).toEqual(before);
  });

  it('an expired sign-in is refused', async () => {
    const before = await counts(api);
    const started = await startSignIn(api, { accountId: account({ email: 'liam@contoso.test', email_verified: true }) });
    api.clock.advance('PT11M');
    const res = await callback(api, started);
    expect(res.statusCode, res.body).toBe(400);
    expect(errorOf(res).code).toBe('InvalidCredentials');
    expect(await counts(api)).toEqual(before);
  });

  it('the provider\'s error is reported, without a stack trace, and creates no user', async () => {
    const before = await counts(api);
    const started = await startSignIn(api, { accountId: account({ email: 'mia@contoso.test', email_verified: true }), deny: true });
    expect(started.callback).toContain('error=access_denied');
    const res = await callback(api, started);
    expect(res.statusCode, res.body).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'InvalidCredentials', message: expect.stringContaining('access_denied') });
    expect(res.body).not.toContain('    at ');
    expect(await counts(api)).toEqual(before);
  });

  it.each(['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'evil.example'])('refuses returnTo %j (no open redirect)', async (returnTo) => {
    const flows = async () => Number((await api.h.store.db.selectFrom('oidc_flows').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await flows();
    const res = await api.app.inject({ method: 'GET', url: `/openpim/auth/oidc/signin?returnTo=${encodeURIComponent(returnTo)}` });
    expect(res.statusCode, res.body).toBe(400);
    expect(errorOf(res).code).toBe('Request_BadRequest');
    expect(res.headers.location).toBeUndefined();
    expect(await flows()).toBe(before);
  });
});

describe('rate limiting', () => {
  it('limits both routes per source address: 429 with Retry-After, and nothing is written', async () => {
    // The address's budget is the only one (no account is known): a generous per-account one changes nothing.
    const api = await openApi({}, { perIpPerMinute: 3, perAccountPerMinute: 100_000 });
    try {
      for (let i = 0; i < 3; i++) expect((await api.app.inject({ method: 'GET', url: '/openpim/auth/oidc/signin' })).statusCode).toBe(302);
      const transactions = api.transactions();
      for (const url of ['/openpim/auth/oidc/signin', '/openpim/auth/oidc/callback?state=s&code=c']) {
        const res = await api.app.inject({ method: 'GET', url, headers: { cookie: `${STATE_COOKIE}=s` } });
        expect(res.statusCode, res.body).toBe(429);
        expect(errorOf(res).code).toBe('TooManyRequests');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        expect(res.headers.location).toBeUndefined();
      }
      expect(api.transactions()).toBe(transactions);
      // Another address has its own budget.
      const other = await api.app.inject({ method: 'GET', url: '/openpim/auth/oidc/signin', remoteAddress: '203.0.113.9' });
      expect(other.statusCode, other.body).toBe(302);
    } finally {
      await api.close();
    }
  });
});

describe('without an identity provider configured', () => {
  it('both routes answer 404 without asking for a token', async () => {
    const clock = new FakeClock(Date.now());
    const h = await openHarness(MEMORY_SQLITE, clock);
    const tokens = jwtTokens(signingKeyStore(h.store.db), clock, testIds);
    const app = await buildApp({ uow: h.store, clock, ids: testIds, tokens, mfaMaxAge: HOUR, bodyLimit: 64 * 1024, isReady: () => true, logger: false });
    try {
      for (const url of ['/openpim/auth/oidc/signin', '/openpim/auth/oidc/callback?state=x&code=y']) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode, res.body).toBe(404);
        expect(errorOf(res).code).toBe('Request_ResourceNotFound');
      }
    } finally {
      await app.close();
      await h.close();
    }
  });
});

describe("the CLI's browser sign-in (openpim login --browser) through the identity provider", () => {
  let api: Api;
  beforeAll(async () => {
    api = await openApi({ trustAmr: true });
  });
  afterAll(async () => api?.close());

  it('sends a browser without a session to the provider, and back to authorize, which gives the CLI its code', async () => {
    const carol = await api.h.user('carol@contoso.test', 'Carol');
    const sub = account({ email: 'carol@contoso.test', email_verified: true });
    const verifier = Buffer.from(cryptoRandom.bytes(32)).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const loopback = 'http://127.0.0.1:53682/callback';
    const authorize = `/openpim/auth/authorize?${new URLSearchParams({
      response_type: 'code', client_id: 'openpim-cli', redirect_uri: loopback, state: 'cli-state', code_challenge: challenge, code_challenge_method: 'S256',
    })}`;

    // 1. No session: off to the provider's sign-in, to come back to authorize.
    const first = await api.app.inject({ method: 'GET', url: authorize });
    expect(first.statusCode, first.body).toBe(302);
    expect(first.headers.location).toBe(`/openpim/auth/oidc/signin?returnTo=${encodeURIComponent(authorize)}`);

    // 2. The provider signs Carol in (with MFA, trusted); the callback returns the browser to authorize.
    const { res, session } = await signIn(api, { accountId: sub, amr: ['pwd', 'mfa'] }, authorize);
    expect(res.statusCode, res.body).toBe(302);
    expect(res.headers.location).toBe(authorize);

    // 3. Authorize again, now with the session: Carol confirms, and the CLI's loopback address gets a one-time code.
    const second = await answerCli(api, authorize, `${SESSION_COOKIE}=${session}`);
    expect(second.statusCode, second.body).toBe(302);
    const back = new URL(String(second.headers.location));
    expect(`${back.origin}${back.pathname}`).toBe(loopback);
    expect(back.searchParams.get('state')).toBe('cli-state');

    // 4. The CLI redeems it: a token for a CLI session that carries the provider's MFA.
    const token = await api.app.inject({
      method: 'POST', url: '/openpim/oauth2/token', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: loopback, code_verifier: verifier, client_id: 'openpim-cli' }).toString(),
    });
    expect(token.statusCode, token.body).toBe(200);
    const mine = await api.app.inject({ method: 'GET', url: '/openpim/auth/session', headers: { authorization: `Bearer ${json(token).access_token as string}` } });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(json(mine)).toMatchObject({ kind: 'cli', method: 'session', userId: carol.id, amr: expect.arrayContaining(['fed', 'mfa']) });
  });
});
