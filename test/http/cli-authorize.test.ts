/**
 * The CLI's sign-in through the browser (`openpim login --browser`; RFC 8252 + PKCE): the
 * confirmation page a signed-in browser gets, the user's answer posted with the session's CSRF
 * token, the one-time code and its redemption at the token endpoint, and every refusal — a
 * redirect that is not loopback, no PKCE, no session, a bearer token instead of the cookie.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/model.ts';
import {
  answerCli,
  apiSignIn,
  asBrowser,
  browserSignIn,
  claimsOf,
  confirmationForm,
  cookieWorks,
  createUserWithPassword,
  errorCode,
  FORM,
  revokePath,
  SESSION,
  SIGN_OUT,
  TOKEN,
  tokenWorks,
  type Browser,
} from '../support/browser-session.ts';
import { json, openHttpHarness, type HttpHarness } from '../support/http-harness.ts';

const AUTHORIZE = '/openpim/auth/authorize';
const LOOPBACK = 'http://127.0.0.1:53682/callback';

describe("the CLI's sign-in through the browser", () => {
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
  const authorizeUrl = (challenge: string, overrides: Record<string, string | undefined> = {}) =>
    `${AUTHORIZE}?${query({
      response_type: 'code',
      client_id: 'openpim-cli',
      redirect_uri: LOOPBACK,
      state: 'st-123',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...overrides,
    })}`;
  const authorize = (url: string, headers: Record<string, string> = { cookie: b.cookie }) => api.app.inject({ method: 'GET', url, headers });
  const redeem = (fields: Record<string, string>) =>
    api.app.inject({
      method: 'POST',
      url: TOKEN,
      headers: FORM,
      payload: query({ grant_type: 'authorization_code', client_id: 'openpim-cli', redirect_uri: LOOPBACK, ...fields }),
    });
  /** A fresh code for the CLI (the user confirmed), and its verifier. */
  async function codeFor(): Promise<{ code: string; verifier: string }> {
    const { verifier, challenge } = pkce();
    const res = await answerCli(api, authorizeUrl(challenge), b.cookie);
    expect(res.statusCode, res.body).toBe(302);
    const code = new URL(String(res.headers.location)).searchParams.get('code');
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    return { code: code!, verifier };
  }
  const expectInvalidGrant = (res: LightMyRequestResponse) => {
    expect(res.statusCode, res.body).toBe(400);
    expect(json(res)).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
  };

  it('asks the user first: the page names them, carries the CSRF token, cannot be framed, and issues nothing by itself', async () => {
    const before = await api.counts();
    const sessions = (await api.h.store.read.sessions.openOf(api.h.tenantId, alice.id, api.clock.now())).length;
    const page = await authorize(authorizeUrl(pkce().challenge));
    expect(page.statusCode, page.body).toBe(200);
    expect(page.headers).toMatchObject({ 'cache-control': 'no-store', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
    expect(String(page.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    // Its form may post only here — and be answered with the redirect to the CLI's loopback origin.
    expect(String(page.headers['content-security-policy'])).toContain("form-action 'self' http://127.0.0.1:53682;");
    expect(page.body).toContain(`<form method="post" action="${AUTHORIZE}">`);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body).toContain('alice@contoso.test');
    expect(page.body).toContain('port 53682');
    expect(confirmationForm(page)).toMatchObject({ client_id: 'openpim-cli', redirect_uri: LOOPBACK, state: 'st-123', csrf_token: b.csrf });
    expect((await api.h.store.read.sessions.openOf(api.h.tenantId, alice.id, api.clock.now())).length).toBe(sessions);
    expect(await api.counts()).toEqual(before);
  });

  it('sends the user\'s "cancel" back to the CLI as access_denied, starting no session', async () => {
    const sessions = (await api.h.store.read.sessions.openOf(api.h.tenantId, alice.id, api.clock.now())).length;
    const res = await answerCli(api, authorizeUrl(pkce().challenge), b.cookie, 'deny');
    expect(res.statusCode, res.body).toBe(302);
    const location = new URL(String(res.headers.location));
    expect(Object.fromEntries(location.searchParams)).toEqual({ error: 'access_denied', error_description: expect.any(String), state: 'st-123' });
    expect((await api.h.store.read.sessions.openOf(api.h.tenantId, alice.id, api.clock.now())).length).toBe(sessions);
  });

  it.each([
    ['without the CSRF token', (f: Record<string, string>) => ({ ...f, csrf_token: undefined }), 403, 'InvalidCsrfToken'],
    ["with another session's CSRF token", (f: Record<string, string>) => ({ ...f, csrf_token: 'A'.repeat(43) }), 403, 'InvalidCsrfToken'],
    [
      'with the redirect changed to another site',
      (f: Record<string, string>) => ({ ...f, redirect_uri: 'https://evil.example/cb' }),
      400,
      'Request_BadRequest',
    ],
  ])('refuses the confirmation %s, issuing nothing', async (_name, change, status, code) => {
    const fields = confirmationForm(await authorize(authorizeUrl(pkce().challenge)));
    const sessions = (await api.h.store.read.sessions.openOf(api.h.tenantId, alice.id, api.clock.now())).length;
    const res = await api.app.inject({
      method: 'POST',
      url: AUTHORIZE,
      headers: { cookie: b.cookie, ...FORM },
      payload: query({ ...change(fields), decision: 'allow' }),
    });
    expect(res.statusCode, res.body).toBe(status);
    expect(errorCode(res)).toBe(code);
    expect(res.headers.location).toBeUndefined();
    expect((await api.h.store.read.sessions.openOf(api.h.tenantId, alice.id, api.clock.now())).length).toBe(sessions);
  });

  it('refuses the confirmation from a browser without the session (401)', async () => {
    const fields = confirmationForm(await authorize(authorizeUrl(pkce().challenge)));
    const res = await api.app.inject({ method: 'POST', url: AUTHORIZE, headers: FORM, payload: query({ ...fields, decision: 'allow' }) });
    expect(res.statusCode, res.body).toBe(401);
  });

  it('redirects to the loopback with a code and the state once confirmed; the code gives a token of a CLI session of its own', async () => {
    const { verifier, challenge } = pkce();
    const res = await answerCli(api, authorizeUrl(challenge), b.cookie);
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

  it('answers 401 to a client without a session that does not ask for a page (no identity provider configured)', async () => {
    const res = await authorize(authorizeUrl(pkce().challenge), {});
    expect(res.statusCode, res.body).toBe(401);
    expect(errorCode(res)).toBe('InvalidAuthenticationToken');
    expect(res.headers.location).toBeUndefined();
  });

  it("sends a browser without a session to the portal's sign-in page, to come back to the confirmation", async () => {
    const url = authorizeUrl(pkce().challenge);
    const res = await api.app.inject({ method: 'GET', url, headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(res.statusCode, res.body).toBe(302);
    expect(res.headers.location).toBe(`/signin?returnTo=${encodeURIComponent(url)}`);
    expect(res.headers['cache-control']).toBe('no-store');
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

  it('ends the CLI session no later than the browser session it came from', async () => {
    for (let t = 0; t < 11 * 3; t++) {
      api.clock.advance(20 * 60_000);
      expect(await cookieWorks(api, b)).toBe(200);
    }
    const { code, verifier } = await codeFor();
    const cli = claimsOf(json<{ access_token: string }>(await redeem({ code, code_verifier: verifier })).access_token);
    const browser = json<{ id: string }>(await api.call(null, 'GET', SESSION, undefined, asBrowser(b)));
    const [cliSession, browserSession] = await Promise.all([cli.sid as string, browser.id].map((id) => api.h.store.read.sessions.get(api.h.tenantId, id)));
    expect(cliSession!.expiresAt).toBe(browserSession!.expiresAt);
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
