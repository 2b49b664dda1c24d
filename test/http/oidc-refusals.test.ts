/**
 * Sign-in with the organisation's identity provider, end to end (a real OpenID provider on
 * loopback, the real openid-client adapter, OpenPIM's HTTP app; test/support/oidc-app.ts): what is
 * refused, and the CLI's browser sign-in through the provider.
 *
 * Proves: refusals (state reused, wrong or missing, expired, provider error, open redirect) that
 * write nothing; rate limiting per source address; both routes 404 without a provider configured;
 * `openpim login --browser` going through the provider and getting a CLI session with its MFA.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../../src/domain/time.ts';
import { buildApp } from '../../src/http/app.ts';
import { cryptoRandom } from '../../src/adapters/crypto-random.ts';
import { jwtTokens } from '../../src/adapters/jwt-tokens.ts';
import { signingKeyStore } from '../../src/store/signing-keys.ts';
import { answerCli } from '../support/browser-session.ts';
import { FakeClock, testIds } from '../support/fake-clock.ts';
import { openHarness } from '../support/harness.ts';
import { json, MEMORY_SQLITE } from '../support/http-harness.ts';
import {
  account,
  callback,
  cookieOf,
  counts,
  errorOf,
  openApi,
  SESSION_COOKIE,
  signIn,
  startSignIn,
  STATE_COOKIE,
  useOidcProvider,
  type Api,
} from '../support/oidc-app.ts';

useOidcProvider();

describe('refusals write nothing', () => {
  let api: Api;
  beforeAll(async () => {
    api = await openApi({ jitProvisioning: true });
  });
  afterAll(async () => api?.close());

  it("the sign-in page learns the provider's name and where its sign-in starts, without a token", async () => {
    const res = await api.app.inject({ method: 'GET', url: '/openpim/auth/providers' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ password: true, oidc: { displayName: 'Contoso SSO', signInUrl: '/openpim/auth/oidc/signin' } });
  });

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

  it("a state that is not this browser's (another cookie, or none: login CSRF) is refused", async () => {
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

  it("the provider's error is reported, without a stack trace, and creates no user", async () => {
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
    const flows = async () =>
      Number(
        (
          await api.h.store.db
            .selectFrom('oidc_flows')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
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
      // The sign-in page offers no provider button.
      const methods = await app.inject({ method: 'GET', url: '/openpim/auth/providers' });
      expect(methods.statusCode, methods.body).toBe(200);
      expect(methods.json()).toEqual({ password: false, oidc: null });
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
      response_type: 'code',
      client_id: 'openpim-cli',
      redirect_uri: loopback,
      state: 'cli-state',
      code_challenge: challenge,
      code_challenge_method: 'S256',
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
      method: 'POST',
      url: '/openpim/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'authorization_code',
        code: back.searchParams.get('code')!,
        redirect_uri: loopback,
        code_verifier: verifier,
        client_id: 'openpim-cli',
      }).toString(),
    });
    expect(token.statusCode, token.body).toBe(200);
    const mine = await api.app.inject({
      method: 'GET',
      url: '/openpim/auth/session',
      headers: { authorization: `Bearer ${json(token).access_token as string}` },
    });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(json(mine)).toMatchObject({ kind: 'cli', method: 'session', userId: carol.id, amr: expect.arrayContaining(['fed', 'mfa']) });
  });
});
