/**
 * Sign-in sessions over HTTP: the browser's cookie (exact attributes, CSRF on state-changing
 * requests, idle and absolute time-outs on the fake clock), sign-out, Graph's
 * revokeSignInSessions and who may call it, a password reset ending sessions, step-up recorded on
 * the cookie's session, and the CLI's loopback sign-in (GET /openpim/auth/authorize + the token
 * endpoint's authorization_code grant with PKCE S256).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { base32Decode } from '../../src/domain/identity/base32.ts';
import { totpAt } from '../../src/domain/identity/totp.ts';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { toIso } from '../../src/domain/time.ts';
import { DEFAULT_SESSIONS } from '../../src/http/auth.ts';
import { json, openHttpHarness, type GraphErrorBody, type HttpHarness } from '../support/http-harness.ts';

const PASSWORD = 'correct horse battery staple';
const SESSION = '/openpim/auth/session';
const SIGN_OUT = '/openpim/auth/signout';
const ROLE_DEFINITIONS = '/v1.0/roleManagement/directory/roleDefinitions';
const REQUESTS = '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests';
const TOKEN = '/openpim/oauth2/token';
const AUTHORIZE = '/openpim/auth/authorize';
const LOOPBACK = 'http://127.0.0.1:53682/callback';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const EDM_TRUE = { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean', value: true };

const errorCode = (res: LightMyRequestResponse) => json<GraphErrorBody>(res).error.code;
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const revokePath = (id: string) => `/v1.0/users/${id}/revokeSignInSessions`;
const activation = (principalId: string) => ({
  action: 'selfActivate', principalId, roleDefinitionId: ROLE.userAdministrator, directoryScopeId: '/', justification: 'Incident 4711',
  scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
});

interface Browser {
  /** `name=value`, as a Cookie header carries it. */
  readonly cookie: string;
  readonly csrf: string;
  readonly res: LightMyRequestResponse;
}

function setCookies(res: LightMyRequestResponse): string[] {
  const header = res.headers['set-cookie'];
  return header === undefined ? [] : Array.isArray(header) ? header : [header];
}

async function createUserWithPassword(api: HttpHarness, upn: string): Promise<Principal> {
  const res = await api.call(api.admin, 'POST', '/v1.0/users', {
    displayName: upn.split('@')[0], userPrincipalName: upn, accountEnabled: true, mailNickname: upn.split('@')[0],
    passwordProfile: { password: PASSWORD, forceChangePasswordNextSignIn: false },
  });
  expect(res.statusCode, res.body).toBe(201);
  return (await api.h.store.read.principals.get(api.h.tenantId, json(res).id as string))!;
}

async function browserSignIn(api: HttpHarness, upn: string, extra: Record<string, unknown> = {}): Promise<Browser> {
  const res = await api.app.inject({
    method: 'POST', url: SESSION, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ userPrincipalName: upn, password: PASSWORD, ...extra }),
  });
  expect(res.statusCode, res.body).toBe(200);
  const cookies = setCookies(res);
  expect(cookies).toHaveLength(1);
  return { cookie: cookies[0]!.split(';')[0]!, csrf: json<{ csrfToken: string }>(res).csrfToken, res };
}

async function apiSignIn(api: HttpHarness, upn: string): Promise<string> {
  const res = await api.app.inject({
    method: 'POST', url: '/openpim/auth/signin', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ userPrincipalName: upn, password: PASSWORD }),
  });
  expect(res.statusCode, res.body).toBe(200);
  return json<{ access_token: string }>(res).access_token;
}

/** Headers of a request made by the browser: the cookie, and the CSRF token when given. */
const asBrowser = (b: Pick<Browser, 'cookie'>, csrf?: string) => ({ headers: { cookie: b.cookie, ...(csrf !== undefined ? { 'x-csrf-token': csrf } : {}) } });

/** Status of a GET with the cookie (no CSRF token needed). */
const cookieWorks = async (api: HttpHarness, b: Browser) => (await api.call(null, 'GET', ROLE_DEFINITIONS, undefined, asBrowser(b))).statusCode;
const tokenWorks = async (api: HttpHarness, token: string) => (await api.call(token, 'GET', ROLE_DEFINITIONS)).statusCode;

describe('the browser session cookie', () => {
  let api: HttpHarness;
  beforeEach(async () => {
    api = await openHttpHarness();
  });
  afterEach(async () => api?.close());

  it('is set with exactly its attributes; the session answers the same CSRF token; the cookie alone authenticates a GET', async () => {
    const alice = await createUserWithPassword(api, 'alice@contoso.test');
    const now = api.clock.now();
    const b = await browserSignIn(api, 'alice@contoso.test');
    expect(b.res.headers['cache-control']).toBe('no-store');
    const [pair, ...attributes] = setCookies(b.res)[0]!.split('; ');
    expect(pair).toMatch(/^__Host-openpim-session=[A-Za-z0-9_-]{43}$/);
    expect(attributes.sort()).toEqual(['HttpOnly', 'Max-Age=43200', 'Path=/', 'SameSite=Lax', 'Secure']);
    expect(json(b.res)).toEqual({
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresDateTime: toIso(now + 12 * HOUR), idleExpiresDateTime: toIso(now + 30 * MINUTE), amr: ['pwd'],
    });

    const session = await api.call(null, 'GET', SESSION, undefined, asBrowser(b));
    expect(session.statusCode, session.body).toBe(200);
    expect(json(session)).toMatchObject({ kind: 'browser', method: 'password', userId: alice.id, amr: ['pwd'], csrfToken: b.csrf });

    const defs = await api.call(null, 'GET', ROLE_DEFINITIONS, undefined, asBrowser(b));
    expect(defs.statusCode, defs.body).toBe(200);
    expect(json<{ value: unknown[] }>(defs).value.length).toBeGreaterThan(0);
    // Without the cookie (or with another name) nobody is signed in.
    expect((await api.call(null, 'GET', ROLE_DEFINITIONS)).statusCode).toBe(401);
    expect((await api.call(null, 'GET', ROLE_DEFINITIONS, undefined, { headers: { cookie: b.cookie.replace('__Host-', '') } })).statusCode).toBe(401);
  });

  it('is openpim-session without Secure when the settings are insecure', async () => {
    await api.close();
    api = await openHttpHarness({ sessions: { ...DEFAULT_SESSIONS, secure: false } });
    await createUserWithPassword(api, 'alice@contoso.test');
    const b = await browserSignIn(api, 'alice@contoso.test');
    const [pair, ...attributes] = setCookies(b.res)[0]!.split('; ');
    expect(pair).toMatch(/^openpim-session=[A-Za-z0-9_-]{43}$/);
    expect(attributes.sort()).toEqual(['HttpOnly', 'Max-Age=43200', 'Path=/', 'SameSite=Lax']);
    expect(await cookieWorks(api, b)).toBe(200);
    // The __Host- name is not read here.
    expect(await cookieWorks(api, { ...b, cookie: `__Host-${b.cookie}` })).toBe(401);
  });

  it('is refused for a disabled user', async () => {
    const alice = await createUserWithPassword(api, 'alice@contoso.test');
    const b = await browserSignIn(api, 'alice@contoso.test');
    expect(await cookieWorks(api, b)).toBe(200);
    expect((await api.call(api.admin, 'PATCH', `/v1.0/users/${alice.id}`, { accountEnabled: false })).statusCode).toBe(204);
    expect(await cookieWorks(api, b)).toBe(401);
  });
});

describe('CSRF protection of the cookie', () => {
  let api: HttpHarness;
  let alice: Principal;
  let b: Browser;
  beforeEach(async () => {
    api = await openHttpHarness();
    alice = await createUserWithPassword(api, 'alice@contoso.test');
    b = await browserSignIn(api, 'alice@contoso.test');
  });
  afterEach(async () => api?.close());

  it('refuses a state-changing request with the cookie and no X-CSRF-Token with 403 InvalidCsrfToken, changing nothing', async () => {
    const before = await api.counts();
    for (const [method, url] of [['POST', revokePath(alice.id)], ['POST', SIGN_OUT]] as const) {
      const res = await api.call(null, method, url, undefined, asBrowser(b));
      expect(res.statusCode, res.body).toBe(403);
      expect(errorCode(res)).toBe('InvalidCsrfToken');
    }
    const enroll = await api.call(null, 'POST', '/openpim/me/authentication/totp', {}, asBrowser(b));
    expect(enroll.statusCode).toBe(403);
    expect(errorCode(enroll)).toBe('InvalidCsrfToken');
    expect(await api.counts()).toEqual(before);
    expect(json(await api.call(null, 'GET', '/openpim/me/authentication/methods', undefined, asBrowser(b)))).toMatchObject({ pendingTotp: null });
    expect(await cookieWorks(api, b)).toBe(200);
  });

  it('refuses a wrong token, and the CSRF token of another session of the same user', async () => {
    const other = await browserSignIn(api, 'alice@contoso.test');
    expect(other.csrf).not.toBe(b.csrf);
    const before = await api.counts();
    for (const csrf of ['x'.repeat(43), '', `${b.csrf}x`, b.csrf.toUpperCase(), other.csrf]) {
      const res = await api.call(null, 'POST', revokePath(alice.id), undefined, asBrowser(b, csrf));
      expect(res.statusCode, csrf).toBe(403);
      expect(errorCode(res)).toBe('InvalidCsrfToken');
    }
    expect(await api.counts()).toEqual(before);
    expect(await cookieWorks(api, b)).toBe(200);
    expect(await cookieWorks(api, other)).toBe(200);
  });

  it('accepts the right token', async () => {
    const before = await api.counts();
    const res = await api.call(null, 'POST', revokePath(alice.id), undefined, asBrowser(b, b.csrf));
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toEqual(EDM_TRUE);
    expect((await api.counts()).audit_events).toBe(before.audit_events! + 1);
    expect(await cookieWorks(api, b)).toBe(401);
  });

  it('asks no CSRF token of a bearer token', async () => {
    const token = await apiSignIn(api, 'alice@contoso.test');
    const res = await api.call(token, 'POST', '/openpim/me/authentication/totp', {});
    expect(res.statusCode, res.body).toBe(201);
  });
});

describe('session time-outs on the fake clock', () => {
  let api: HttpHarness;
  let b: Browser;
  beforeEach(async () => {
    api = await openHttpHarness();
    await createUserWithPassword(api, 'alice@contoso.test');
    b = await browserSignIn(api, 'alice@contoso.test');
  });
  afterEach(async () => api?.close());

  it('keeps a browser session used every 20 minutes alive past 30 minutes', async () => {
    for (let i = 1; i <= 4; i++) {
      api.clock.advance(20 * MINUTE);
      expect(await cookieWorks(api, b), `after ${i * 20} min`).toBe(200);
    }
  });

  it('ends a browser session idle for 30 minutes with 401 InvalidAuthenticationToken', async () => {
    api.clock.advance(30 * MINUTE - 1);
    expect(await cookieWorks(api, b)).toBe(200);
    api.clock.advance(30 * MINUTE);
    const res = await api.call(null, 'GET', ROLE_DEFINITIONS, undefined, asBrowser(b));
    expect(res.statusCode).toBe(401);
    expect(errorCode(res)).toBe('InvalidAuthenticationToken');
    // Coming back does not revive it.
    expect(await cookieWorks(api, b)).toBe(401);
  });

  it('ends a busy browser session exactly 12 hours after sign-in', async () => {
    for (let minutes = 20; minutes <= 700; minutes += 20) {
      api.clock.advance(20 * MINUTE);
      expect(await cookieWorks(api, b), `after ${minutes} min`).toBe(200);
    }
    api.clock.advance(20 * MINUTE - 1);
    expect(await cookieWorks(api, b)).toBe(200);
    api.clock.advance(1);
    const res = await api.call(null, 'GET', ROLE_DEFINITIONS, undefined, asBrowser(b));
    expect(res.statusCode).toBe(401);
    expect(errorCode(res)).toBe('InvalidAuthenticationToken');
  });
});

describe('sign-out', () => {
  let api: HttpHarness;
  let alice: Principal;
  beforeEach(async () => {
    api = await openHttpHarness();
    alice = await createUserWithPassword(api, 'alice@contoso.test');
  });
  afterEach(async () => api?.close());

  it('with the cookie and its CSRF token: 204, the cookie is cleared and no longer works', async () => {
    const b = await browserSignIn(api, 'alice@contoso.test');
    const res = await api.call(null, 'POST', SIGN_OUT, undefined, asBrowser(b, b.csrf));
    expect(res.statusCode, res.body).toBe(204);
    expect(setCookies(res)).toEqual(['__Host-openpim-session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure']);
    expect(await cookieWorks(api, b)).toBe(401);
    const again = await api.call(null, 'POST', SIGN_OUT, undefined, asBrowser(b, b.csrf));
    expect(again.statusCode).toBe(401);
  });

  it('with a bearer token from sign-in: that token stops, another session of the same user goes on', async () => {
    const first = await apiSignIn(api, 'alice@contoso.test');
    const second = await apiSignIn(api, 'alice@contoso.test');
    expect(claimsOf(first).sid).not.toBe(claimsOf(second).sid);
    const res = await api.call(first, 'POST', SIGN_OUT);
    expect(res.statusCode, res.body).toBe(204);
    expect(setCookies(res)).toEqual([]);
    const after = await api.call(first, 'GET', ROLE_DEFINITIONS);
    expect(after.statusCode).toBe(401);
    expect(errorCode(after)).toBe('InvalidAuthenticationToken');
    expect(await tokenWorks(api, second)).toBe(200);
    expect((await api.h.store.read.sessions.get(api.h.tenantId, claimsOf(first).sid as string))).toMatchObject({ principalId: alice.id, revokedReason: 'signOut' });
  });

  it('answers 400 to a token without a session (operator token)', async () => {
    const res = await api.call(await api.token(alice), 'POST', SIGN_OUT);
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('Request_BadRequest');
  });
});

describe('revokeSignInSessions', () => {
  let api: HttpHarness;
  let alice: Principal;
  beforeEach(async () => {
    api = await openHttpHarness();
    alice = await createUserWithPassword(api, 'alice@contoso.test');
    await createUserWithPassword(api, 'bob@contoso.test');
  });
  afterEach(async () => api?.close());

  async function userAdministrator(): Promise<Principal> {
    const carol = await createUserWithPassword(api, 'carol@contoso.test');
    await api.h.submit(api.h.admin, { kind: 'assignment', action: 'adminAssign', principalId: carol.id, roleDefinitionId: ROLE.userAdministrator });
    return carol;
  }

  it('ends all of one\'s own sessions (cookie and bearer) and audits it', async () => {
    const b = await browserSignIn(api, 'alice@contoso.test');
    const first = await apiSignIn(api, 'alice@contoso.test');
    const second = await apiSignIn(api, 'alice@contoso.test');
    const bobs = await apiSignIn(api, 'bob@contoso.test');
    const res = await api.call(first, 'POST', revokePath(alice.id));
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toEqual(EDM_TRUE);
    expect(await cookieWorks(api, b)).toBe(401);
    expect(await tokenWorks(api, first)).toBe(401);
    expect(await tokenWorks(api, second)).toBe(401);
    expect(await tokenWorks(api, bobs)).toBe(200);
    expect(await api.h.store.read.sessions.openOf(api.h.tenantId, alice.id, api.clock.now())).toEqual([]);
    const events = await api.h.store.db.selectFrom('audit_events').selectAll().where('activity', '=', 'Revoke sign-in sessions').execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_id: alice.id, result: 'success' });
    expect(JSON.parse(events[0]!.targets)).toEqual([expect.objectContaining({ id: alice.id })]);
    expect(JSON.parse(events[0]!.details)).toEqual({ SessionsRevoked: '3' });
  });

  it('refuses an ordinary user on someone else with 403, changing nothing', async () => {
    const b = await browserSignIn(api, 'alice@contoso.test');
    const bobs = await apiSignIn(api, 'bob@contoso.test');
    const before = await api.counts();
    const res = await api.call(bobs, 'POST', revokePath(alice.id));
    expect(res.statusCode, res.body).toBe(403);
    expect(errorCode(res)).toBe('Authorization_RequestDenied');
    expect(await api.counts()).toEqual(before);
    expect(await cookieWorks(api, b)).toBe(200);
  });

  it('lets a User Administrator end an ordinary user\'s sessions, not a Global Administrator\'s', async () => {
    const carol = await userAdministrator();
    const b = await browserSignIn(api, 'alice@contoso.test');
    const res = await api.call(carol, 'POST', revokePath(alice.id));
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toEqual(EDM_TRUE);
    expect(await cookieWorks(api, b)).toBe(401);

    const before = await api.counts();
    const refused = await api.call(carol, 'POST', revokePath(api.admin.id));
    expect(refused.statusCode, refused.body).toBe(403);
    expect(errorCode(refused)).toBe('Authorization_RequestDenied');
    expect(await api.counts()).toEqual(before);
  });

  it('answers 404 to an administrator for an unknown id; takes no body or an empty one', async () => {
    const res = await api.call(api.admin, 'POST', revokePath(randomUUID()));
    expect(res.statusCode, res.body).toBe(404);
    expect(errorCode(res)).toBe('Request_ResourceNotFound');
    const withBody = await api.call(api.admin, 'POST', revokePath(alice.id), { keep: true });
    expect(withBody.statusCode, withBody.body).toBe(400);
    expect(errorCode(withBody)).toBe('Request_BadRequest');
    const empty = await api.call(api.admin, 'POST', revokePath(alice.id), {});
    expect(empty.statusCode, empty.body).toBe(200);
    expect(json(empty)).toEqual(EDM_TRUE);
  });

  it('happens with a password reset by an administrator', async () => {
    const b = await browserSignIn(api, 'alice@contoso.test');
    const token = await apiSignIn(api, 'alice@contoso.test');
    expect(await cookieWorks(api, b)).toBe(200);
    const res = await api.call(api.admin, 'PATCH', `/v1.0/users/${alice.id}`, { passwordProfile: { password: 'a fresh password' } });
    expect(res.statusCode, res.body).toBe(204);
    expect(await cookieWorks(api, b)).toBe(401);
    expect(await tokenWorks(api, token)).toBe(401);
    expect(await api.h.store.read.sessions.openOf(api.h.tenantId, alice.id, api.clock.now())).toEqual([]);
  });
});

describe('step-up on a browser session', () => {
  let api: HttpHarness;
  beforeEach(async () => {
    api = await openHttpHarness();
  });
  afterEach(async () => api?.close());

  it('records the MFA on the session: the same cookie then activates an MFA-required role', async () => {
    const alice = await createUserWithPassword(api, 'alice@contoso.test');
    await api.h.submit(api.h.admin, { kind: 'eligibility', action: 'adminAssign', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator });
    const b = await browserSignIn(api, 'alice@contoso.test');

    const enrolled = await api.call(null, 'POST', '/openpim/me/authentication/totp', {}, asBrowser(b, b.csrf));
    expect(enrolled.statusCode, enrolled.body).toBe(201);
    const key = base32Decode(json<{ secret: string }>(enrolled).secret)!;
    const confirmed = await api.call(null, 'POST', '/openpim/me/authentication/totp/confirm', { code: totpAt(key, api.clock.now()) }, asBrowser(b, b.csrf));
    expect(confirmed.statusCode, confirmed.body).toBe(200);

    const refused = await api.call(null, 'POST', REQUESTS, activation(alice.id), asBrowser(b, b.csrf));
    expect(refused.statusCode, refused.body).toBe(400);
    expect(errorCode(refused)).toBe('RoleAssignmentRequestPolicyValidationFailed');
    expect(String(refused.headers['www-authenticate'])).toMatch(/^Bearer realm="openpim", error="insufficient_claims".*step_up_uri="\/openpim\/auth\/stepup"/);

    api.clock.advance(30_000);
    const stepped = await api.call(null, 'POST', '/openpim/auth/stepup', { totp: totpAt(key, api.clock.now()) }, asBrowser(b, b.csrf));
    expect(stepped.statusCode, stepped.body).toBe(200);
    expect(json(await api.call(null, 'GET', SESSION, undefined, asBrowser(b)))).toMatchObject({ kind: 'browser', amr: ['pwd', 'mfa', 'otp'], authDateTime: toIso(api.clock.now()) });

    const retried = await api.call(null, 'POST', REQUESTS, activation(alice.id), asBrowser(b, b.csrf));
    expect(retried.statusCode, retried.body).toBe(201);
    expect(json(retried)).toMatchObject({ action: 'selfActivate', status: 'Provisioned', principalId: alice.id });
  });
});

describe('the CLI\'s loopback sign-in', () => {
  let api: HttpHarness;
  let alice: Principal;
  let b: Browser;
  beforeEach(async () => {
    api = await openHttpHarness();
    alice = await createUserWithPassword(api, 'alice@contoso.test');
    b = await browserSignIn(api, 'alice@contoso.test');
  });
  afterEach(async () => api?.close());

  const pkce = () => {
    const verifier = randomBytes(32).toString('base64url');
    return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
  };
  const query = (fields: Record<string, string | undefined>) =>
    new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  const authorizeUrl = (challenge: string, overrides: Record<string, string | undefined> = {}) => `${AUTHORIZE}?${query({
    response_type: 'code', client_id: 'openpim-cli', redirect_uri: LOOPBACK, state: 'st-123', code_challenge: challenge, code_challenge_method: 'S256', ...overrides,
  })}`;
  const authorize = (url: string, headers: Record<string, string> = { cookie: b.cookie }) => api.app.inject({ method: 'GET', url, headers });
  const redeem = (fields: Record<string, string>) => api.app.inject({
    method: 'POST', url: TOKEN, headers: FORM, payload: query({ grant_type: 'authorization_code', client_id: 'openpim-cli', redirect_uri: LOOPBACK, ...fields }),
  });
  /** A fresh code for the CLI, and its verifier. */
  async function codeFor(): Promise<{ code: string; verifier: string }> {
    const { verifier, challenge } = pkce();
    const res = await authorize(authorizeUrl(challenge));
    expect(res.statusCode, res.body).toBe(302);
    const code = new URL(String(res.headers.location)).searchParams.get('code');
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    return { code: code!, verifier };
  }
  const expectInvalidGrant = (res: LightMyRequestResponse) => {
    expect(res.statusCode, res.body).toBe(400);
    expect(json(res)).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
  };

  it('redirects to the loopback with a code and the state; the code gives a token of a CLI session of its own', async () => {
    const { verifier, challenge } = pkce();
    const res = await authorize(authorizeUrl(challenge));
    expect(res.statusCode, res.body).toBe(302);
    expect(res.headers['cache-control']).toBe('no-store');
    const location = new URL(String(res.headers.location));
    expect(`${location.origin}${location.pathname}`).toBe(LOOPBACK);
    expect([...location.searchParams.keys()].sort()).toEqual(['code', 'state']);
    expect(location.searchParams.get('state')).toBe('st-123');
    const code = location.searchParams.get('code')!;

    const token = await redeem({ code, code_verifier: verifier });
    expect(token.statusCode, token.body).toBe(200);
    expect(json(token)).toEqual({ token_type: 'Bearer', access_token: expect.any(String), expires_in: 3600 });
    const accessToken = json<{ access_token: string }>(token).access_token;
    const claims = claimsOf(accessToken);
    expect(claims).toMatchObject({ sub: alice.id, amr: ['pwd'] });
    const browserSession = json<{ id: string; amr: string[]; acrs: string[] }>(await api.call(null, 'GET', SESSION, undefined, asBrowser(b)));
    expect(claims.sid).toEqual(expect.any(String));
    expect(claims.sid).not.toBe(browserSession.id);
    const cli = await api.h.store.read.sessions.get(api.h.tenantId, claims.sid as string);
    expect(cli).toMatchObject({ kind: 'cli', method: 'session', principalId: alice.id, amr: browserSession.amr, acrs: browserSession.acrs, revokedAt: null });

    const shown = await api.call(accessToken, 'GET', SESSION);
    expect(shown.statusCode, shown.body).toBe(200);
    expect(json(shown)).toMatchObject({ id: claims.sid, kind: 'cli', method: 'session', userId: alice.id, idleExpiresDateTime: null });
    expect(json(shown)).not.toHaveProperty('csrfToken');

    expectInvalidGrant(await redeem({ code, code_verifier: verifier }));
  });

  it('spends a code on a wrong verifier: the right one afterwards fails too', async () => {
    const { code, verifier } = await codeFor();
    expectInvalidGrant(await redeem({ code, code_verifier: pkce().verifier }));
    expectInvalidGrant(await redeem({ code, code_verifier: verifier }));
  });

  it('refuses a code with another redirect_uri, and a code after 61 seconds', async () => {
    const first = await codeFor();
    expectInvalidGrant(await redeem({ code: first.code, code_verifier: first.verifier, redirect_uri: 'http://127.0.0.1:53683/callback' }));
    const second = await codeFor();
    api.clock.advance(61_000);
    expectInvalidGrant(await redeem({ code: second.code, code_verifier: second.verifier }));
  });

  it('answers 401 to a browser without a session (no identity provider configured)', async () => {
    const res = await authorize(authorizeUrl(pkce().challenge), {});
    expect(res.statusCode, res.body).toBe(401);
    expect(errorCode(res)).toBe('InvalidAuthenticationToken');
    expect(res.headers.location).toBeUndefined();
  });

  it.each([
    ['an https redirect_uri elsewhere', { redirect_uri: 'https://evil.example/cb' }],
    ['a host that only starts like the loopback', { redirect_uri: 'http://127.0.0.1.evil.example/cb' }],
    ['no redirect_uri', { redirect_uri: undefined }],
    ['a wrong client_id', { client_id: 'someone-else' }],
    ['no client_id', { client_id: undefined }],
  ])('answers %s with 400 and redirects nowhere', async (_name, overrides) => {
    const before = await api.counts();
    const res = await authorize(authorizeUrl(pkce().challenge, overrides));
    expect(res.statusCode, res.body).toBe(400);
    expect(errorCode(res)).toBe('Request_BadRequest');
    expect(res.headers.location).toBeUndefined();
    expect(await api.counts()).toEqual(before);
  });

  it.each([
    ['no code_challenge', { code_challenge: undefined }, 'invalid_request'],
    ['no code_challenge_method', { code_challenge_method: undefined }, 'invalid_request'],
    ['the plain method', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
  ])('redirects %s back to the loopback with an error and the state', async (_name, overrides, error) => {
    const res = await authorize(authorizeUrl(pkce().challenge, overrides));
    expect(res.statusCode, res.body).toBe(302);
    const location = new URL(String(res.headers.location));
    expect(`${location.origin}${location.pathname}`).toBe(LOOPBACK);
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('state')).toBe('st-123');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('redirects a bearer token instead of the cookie with error=access_denied', async () => {
    const token = await apiSignIn(api, 'alice@contoso.test');
    const res = await authorize(authorizeUrl(pkce().challenge), { authorization: `Bearer ${token}` });
    expect(res.statusCode, res.body).toBe(302);
    const location = new URL(String(res.headers.location));
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('st-123');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('keeps the CLI session when the browser signs out; revokeSignInSessions ends both', async () => {
    const { code, verifier } = await codeFor();
    const cli = json<{ access_token: string }>(await redeem({ code, code_verifier: verifier })).access_token;
    expect((await api.call(null, 'POST', SIGN_OUT, undefined, asBrowser(b, b.csrf))).statusCode).toBe(204);
    expect(await cookieWorks(api, b)).toBe(401);
    expect(await tokenWorks(api, cli)).toBe(200);

    const b2 = await browserSignIn(api, 'alice@contoso.test');
    const revoked = await api.call(null, 'POST', revokePath(alice.id), undefined, asBrowser(b2, b2.csrf));
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(await cookieWorks(api, b2)).toBe(401);
    expect(await tokenWorks(api, cli)).toBe(401);
  });
});
