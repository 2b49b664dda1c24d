/**
 * Sign-in sessions over HTTP: the browser's cookie (exact attributes, CSRF on state-changing
 * requests, idle and absolute time-outs on the fake clock), sign-out, Graph's
 * revokeSignInSessions and who may call it, a password reset ending sessions, step-up recorded on
 * the cookie's session. (The CLI's sign-in through the browser: cli-authorize.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { base32Decode } from '../../src/domain/identity/base32.ts';
import { totpAt } from '../../src/domain/identity/totp.ts';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { toIso } from '../../src/domain/time.ts';
import { DEFAULT_SESSIONS } from '../../src/http/auth.ts';
import { json, openHttpHarness, type HttpHarness } from '../support/http-harness.ts';
import {
  activation,
  apiSignIn,
  asBrowser,
  browserSignIn,
  claimsOf,
  cookieWorks,
  createUserWithPassword,
  EDM_TRUE,
  errorCode,
  HOUR,
  MINUTE,
  PASSWORD,
  REQUESTS,
  revokePath,
  ROLE_DEFINITIONS,
  SESSION,
  setCookies,
  SIGN_OUT,
  tokenWorks,
  type Browser,
} from '../support/browser-session.ts';

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
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresDateTime: toIso(now + 12 * HOUR),
      idleExpiresDateTime: toIso(now + 30 * MINUTE),
      amr: ['pwd'],
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
    for (const [method, url] of [
      ['POST', revokePath(alice.id)],
      ['POST', SIGN_OUT],
    ] as const) {
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

  it('signing in again in the same browser ends the session its old cookie named', async () => {
    const first = await browserSignIn(api, 'alice@contoso.test');
    const again = await api.app.inject({
      method: 'POST',
      url: SESSION,
      headers: { 'content-type': 'application/json', cookie: first.cookie },
      payload: JSON.stringify({ userPrincipalName: 'alice@contoso.test', password: PASSWORD }),
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(await cookieWorks(api, first)).toBe(401);
    const second = { cookie: setCookies(again)[0]!.split(';')[0]!, csrf: json<{ csrfToken: string }>(again).csrfToken, res: again };
    expect(await cookieWorks(api, second)).toBe(200);
  });

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
    expect(await api.h.store.read.sessions.get(api.h.tenantId, claimsOf(first).sid as string)).toMatchObject({
      principalId: alice.id,
      revokedReason: 'signOut',
    });
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

  it("ends all of one's own sessions (cookie and bearer) and audits it", async () => {
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

  it("lets a User Administrator end an ordinary user's sessions, not a Global Administrator's", async () => {
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
    expect(json(await api.call(null, 'GET', SESSION, undefined, asBrowser(b)))).toMatchObject({
      kind: 'browser',
      amr: ['pwd', 'mfa', 'otp'],
      authDateTime: toIso(api.clock.now()),
    });

    const retried = await api.call(null, 'POST', REQUESTS, activation(alice.id), asBrowser(b, b.csrf));
    expect(retried.statusCode, retried.body).toBe(201);
    expect(json(retried)).toMatchObject({ action: 'selfActivate', status: 'Provisioned', principalId: alice.id });

    // The step-up's token names the browser session; using it keeps that session from idling out
    // (40 minutes in all, longer than the idle time-out, within the token's hour).
    const token = json<{ access_token: string }>(stepped).access_token;
    for (let i = 0; i < 2; i++) {
      api.clock.advance(20 * MINUTE);
      expect(await tokenWorks(api, token)).toBe(200);
    }
    expect(await cookieWorks(api, b)).toBe(200);
  });
});
