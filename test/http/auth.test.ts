/**
 * Sign-in, step-up and the token endpoint over HTTP: the scripted activation of an MFA-required
 * role (refused with a challenge that names the step-up → step-up with a TOTP code computed from
 * the enrolled secret → retry succeeds), bad input as clear 400s, RFC 6749 errors at the token
 * endpoint, credential administration, and brute force meeting lockout and 429s — never a 5xx.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { base32Decode } from '../../src/domain/identity/base32.ts';
import { totpAt } from '../../src/domain/identity/totp.ts';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { json, openHttpHarness, type GraphErrorBody, type HttpHarness } from '../support/http-harness.ts';

const REQUESTS = '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests';
const PASSWORD = 'correct horse battery staple';
const activation = (principalId: string) => ({
  action: 'selfActivate',
  principalId,
  roleDefinitionId: ROLE.userAdministrator,
  directoryScopeId: '/',
  justification: 'Incident 4711',
  scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
});
const errorCode = (res: LightMyRequestResponse) => json<GraphErrorBody>(res).error.code;
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function createUserWithPassword(api: HttpHarness, upn: string, password = PASSWORD): Promise<Principal> {
  const res = await api.call(api.admin, 'POST', '/v1.0/users', {
    displayName: upn.split('@')[0],
    userPrincipalName: upn,
    accountEnabled: true,
    mailNickname: upn.split('@')[0],
    passwordProfile: { password, forceChangePasswordNextSignIn: false },
  });
  expect(res.statusCode, res.body).toBe(201);
  return (await api.h.store.read.principals.get(api.h.tenantId, json(res).id as string))!;
}

async function signIn(api: HttpHarness, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return api.app.inject({
    method: 'POST',
    url: '/openpim/auth/signin',
    payload: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

describe('the scripted activation of an MFA-required role', () => {
  let api: HttpHarness;
  beforeAll(async () => {
    api = await openHttpHarness();
  });
  afterAll(async () => api?.close());

  it('signs in with a password, enrolls TOTP, meets the challenge, steps up with a computed code, and the retry succeeds', async () => {
    const alice = await createUserWithPassword(api, 'alice@contoso.test');
    await api.h.submit(api.h.admin, { kind: 'eligibility', action: 'adminAssign', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator });

    // 1. Password sign-in: a token without MFA.
    const signedIn = await signIn(api, { userPrincipalName: 'alice@contoso.test', password: PASSWORD });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(signedIn.headers['cache-control']).toBe('no-store');
    const first = json<{ access_token: string; token_type: string; expires_in: number }>(signedIn);
    expect(first).toEqual({ token_type: 'Bearer', access_token: expect.any(String), expires_in: 3600 });
    expect(claimsOf(first.access_token)).toMatchObject({ sub: alice.id, amr: ['pwd'], auth_time: Math.floor(api.clock.now() / 1000) });

    // 2. Enroll an authenticator with that token and confirm it with a code from the secret.
    const enrolled = await api.call(first.access_token, 'POST', '/openpim/me/authentication/totp');
    expect(enrolled.statusCode, enrolled.body).toBe(201);
    const { secret, otpauthUri } = json<{ secret: string; otpauthUri: string }>(enrolled);
    expect(new URL(otpauthUri).searchParams.get('secret')).toBe(secret);
    const key = base32Decode(secret)!;
    const confirmed = await api.call(first.access_token, 'POST', '/openpim/me/authentication/totp/confirm', { code: totpAt(key, api.clock.now()) });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(json<{ recoveryCodes: string[] }>(confirmed).recoveryCodes).toHaveLength(10);
    const methods = json(await api.call(first.access_token, 'GET', '/openpim/me/authentication/methods'));
    expect(methods).toMatchObject({ totp: { id: expect.any(String) }, recoveryCodesRemaining: 10, passwordSetDateTime: expect.any(String), pendingTotp: null });

    // 3. Activation without MFA: refused, with a challenge that names the step-up endpoint.
    const refused = await api.call(first.access_token, 'POST', REQUESTS, activation(alice.id));
    expect(refused.statusCode).toBe(400);
    expect(errorCode(refused)).toBe('RoleAssignmentRequestPolicyValidationFailed');
    const challenge = String(refused.headers['www-authenticate']);
    expect(challenge).toMatch(/^Bearer realm="openpim", error="insufficient_claims"/);
    const stepUpUri = /step_up_uri="([^"]+)"/.exec(challenge)?.[1];
    expect(stepUpUri).toBe('/openpim/auth/stepup');

    // 4. Step up with the next code, at the endpoint the challenge named.
    api.clock.advance(30_000);
    const stepped = await api.call(first.access_token, 'POST', stepUpUri!, { totp: totpAt(key, api.clock.now()) });
    expect(stepped.statusCode, stepped.body).toBe(200);
    const second = json<{ access_token: string }>(stepped).access_token;
    expect(claimsOf(second)).toMatchObject({ sub: alice.id, amr: ['pwd', 'mfa', 'otp'], auth_time: Math.floor(api.clock.now() / 1000) });

    // 5. The retry succeeds.
    const retried = await api.call(second, 'POST', REQUESTS, activation(alice.id));
    expect(retried.statusCode, retried.body).toBe(201);
    expect(json(retried)).toMatchObject({ action: 'selfActivate', status: 'Provisioned', principalId: alice.id });

    // Signing in with the password and a code gives MFA at once.
    api.clock.advance(30_000);
    const direct = await signIn(api, { userPrincipalName: 'alice@contoso.test', password: PASSWORD, totp: totpAt(key, api.clock.now()) });
    expect(direct.statusCode, direct.body).toBe(200);
    expect(claimsOf(json<{ access_token: string }>(direct).access_token).amr).toEqual(['pwd', 'mfa', 'otp']);
  });
});

describe('bad input and refusals at the sign-in endpoints', () => {
  let api: HttpHarness;
  let alice: Principal;
  beforeAll(async () => {
    api = await openHttpHarness();
    alice = await createUserWithPassword(api, 'alice@contoso.test');
  });
  afterAll(async () => api?.close());

  it.each([
    ['no body', undefined, 'must be a JSON object'],
    ['no password', { userPrincipalName: 'alice@contoso.test' }, 'password'],
    ['an unknown property', { userPrincipalName: 'alice@contoso.test', password: 'x', remember: true }, "unknown property 'remember'"],
    ['a TOTP code that is not six digits', { userPrincipalName: 'alice@contoso.test', password: 'x', totp: '12345' }, '6-digit code'],
    ['a password as a number', { userPrincipalName: 'alice@contoso.test', password: 12345678 }, 'password'],
  ])('answers %s with a 400 that names the problem', async (_name, body, mentions) => {
    const res = body === undefined ? await api.app.inject({ method: 'POST', url: '/openpim/auth/signin' }) : await signIn(api, body as Record<string, unknown>);
    expect(res.statusCode, res.body).toBe(400);
    expect(errorCode(res)).toBe('Request_BadRequest');
    expect(json<GraphErrorBody>(res).error.message).toContain(mentions);
  });

  it('answers wrong credentials with one 400 that does not say which part was wrong, never echoing the password', async () => {
    for (const body of [
      { userPrincipalName: 'alice@contoso.test', password: 'not the password' },
      { userPrincipalName: 'nobody@contoso.test', password: PASSWORD },
      { userPrincipalName: 'alice@contoso.test', password: PASSWORD, totp: '123456' }, // no authenticator enrolled
    ]) {
      const res = await signIn(api, body);
      expect(res.statusCode).toBe(400);
      expect(json<GraphErrorBody>(res).error).toMatchObject({
        code: 'InvalidCredentials',
        message: 'The user principal name, password or verification code is incorrect.',
      });
      expect(res.body).not.toContain(body.password);
    }
  });

  it('refuses a step-up without a bearer token, with bad input, and for a user without an authenticator', async () => {
    const unauthenticated = await api.call(null, 'POST', '/openpim/auth/stepup', { totp: '123456' });
    expect(unauthenticated.statusCode).toBe(401);
    for (const body of [{}, { totp: '123456', recoveryCode: 'AAAA-BBBB-CCCC-DDDD' }, { totp: 'abc' }]) {
      const res = await api.call(alice, 'POST', '/openpim/auth/stepup', body, { mfa: false });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(errorCode(res)).toBe('Request_BadRequest');
    }
    const notEnrolled = await api.call(alice, 'POST', '/openpim/auth/stepup', { totp: '123456' }, { mfa: false });
    expect(notEnrolled.statusCode).toBe(400);
    expect(errorCode(notEnrolled)).toBe('AuthenticationMethodNotEnrolled');
  });

  it('stops tokens of a disabled account at once, and lets only the right password learn it is disabled', async () => {
    const bob = await createUserWithPassword(api, 'bob@contoso.test');
    const token = json<{ access_token: string }>(await signIn(api, { userPrincipalName: 'bob@contoso.test', password: PASSWORD })).access_token;
    expect((await api.call(token, 'GET', '/v1.0/users')).statusCode).toBe(200);
    expect((await api.call(api.admin, 'PATCH', `/v1.0/users/${bob.id}`, { accountEnabled: false })).statusCode).toBe(204);
    expect((await api.call(token, 'GET', '/v1.0/users')).statusCode).toBe(401);
    expect(errorCode(await signIn(api, { userPrincipalName: 'bob@contoso.test', password: 'wrong password' }))).toBe('InvalidCredentials');
    const disabled = await signIn(api, { userPrincipalName: 'bob@contoso.test', password: PASSWORD });
    expect(disabled.statusCode).toBe(403);
    // Disabling ended the session: enabling the account again does not bring the old token back.
    expect((await api.call(api.admin, 'PATCH', `/v1.0/users/${bob.id}`, { accountEnabled: true })).statusCode).toBe(204);
    expect((await api.call(token, 'GET', '/v1.0/users')).statusCode).toBe(401);
    expect((await signIn(api, { userPrincipalName: 'bob@contoso.test', password: PASSWORD })).statusCode).toBe(200);
  });
});

describe('account and service principal administration', () => {
  let api: HttpHarness;
  let alice: Principal;
  beforeAll(async () => {
    api = await openHttpHarness();
    alice = await createUserWithPassword(api, 'alice@contoso.test');
  });
  afterAll(async () => api?.close());

  it('resets a password with PATCH /v1.0/users/{id}, refusing bad input clearly and non-admins', async () => {
    const cases: [unknown, string][] = [
      [{}, 'accountEnabled or passwordProfile'],
      [{ passwordProfile: { password: 'short' } }, 'too short'],
      [{ passwordProfile: { password: 'long enough password', forceChangePasswordNextSignIn: true } }, 'not supported'],
      [{ displayName: 'Renamed' }, "unknown property 'displayName'"],
    ];
    const before = await api.counts();
    for (const [body, mentions] of cases) {
      const res = await api.call(api.admin, 'PATCH', `/v1.0/users/${alice.id}`, body);
      expect(res.statusCode, res.body).toBe(400);
      expect(json<GraphErrorBody>(res).error.message).toContain(mentions);
    }
    const notAdmin = await api.call(alice, 'PATCH', `/v1.0/users/${alice.id}`, { passwordProfile: { password: 'my own new password' } });
    expect(notAdmin.statusCode).toBe(403);
    expect(await api.counts()).toEqual(before);
    expect((await api.call(api.admin, 'PATCH', `/v1.0/users/${alice.id}`, { passwordProfile: { password: 'a fresh password' } })).statusCode).toBe(204);
    expect((await signIn(api, { userPrincipalName: 'alice@contoso.test', password: 'a fresh password' })).statusCode).toBe(200);
    expect((await api.call(api.admin, 'PATCH', '/v1.0/users/nobody@contoso.test', { accountEnabled: false })).statusCode).toBe(404);
  });

  it("lets an administrator remove a user's authenticator (a lost phone), not an ordinary user", async () => {
    const token = json<{ access_token: string }>(await signIn(api, { userPrincipalName: 'alice@contoso.test', password: 'a fresh password' })).access_token;
    const { secret } = json<{ secret: string }>(await api.call(token, 'POST', '/openpim/me/authentication/totp', {}));
    await api.call(token, 'POST', '/openpim/me/authentication/totp/confirm', { code: totpAt(base32Decode(secret)!, api.clock.now()) });
    const bob = await createUserWithPassword(api, 'bob@contoso.test');
    expect((await api.call(bob, 'DELETE', `/openpim/users/${alice.id}/authentication/totp`)).statusCode).toBe(403);
    expect((await api.call(api.admin, 'DELETE', `/openpim/users/${alice.id}/authentication/totp`)).statusCode).toBe(204);
    expect((await api.call(api.admin, 'DELETE', `/openpim/users/${alice.id}/authentication/totp`)).statusCode).toBe(404);
    expect(json(await api.call(token, 'GET', '/openpim/me/authentication/methods'))).toMatchObject({ totp: null, recoveryCodesRemaining: 0 });
  });

  it('creates a service principal, shows a secret once, lists it without the secret, and removes it', async () => {
    const created = await api.call(api.admin, 'POST', '/v1.0/servicePrincipals', { displayName: 'deployer' });
    expect(created.statusCode, created.body).toBe(201);
    const sp = json<{ id: string; appId: string; servicePrincipalType: string; passwordCredentials: unknown[] }>(created);
    expect(sp).toMatchObject({ appId: sp.id, servicePrincipalType: 'Application', passwordCredentials: [] });
    expect((await api.call(alice, 'POST', '/v1.0/servicePrincipals', { displayName: 'mine' })).statusCode).toBe(403);
    expect((await api.call(alice, 'POST', `/v1.0/servicePrincipals/${sp.id}/addPassword`, {})).statusCode).toBe(403);
    const badEnd = await api.call(api.admin, 'POST', `/v1.0/servicePrincipals/${sp.id}/addPassword`, { passwordCredential: { endDateTime: 'tomorrow' } });
    expect(badEnd.statusCode).toBe(400);
    expect(json<GraphErrorBody>(badEnd).error.message).toContain('endDateTime');

    const added = await api.call(api.admin, 'POST', `/v1.0/servicePrincipals/${sp.id}/addPassword`, { passwordCredential: { displayName: 'ci' } });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.headers['cache-control']).toBe('no-store');
    const credential = json<{ keyId: string; secretText: string; hint: string; displayName: string }>(added);
    expect(credential).toMatchObject({ displayName: 'ci', hint: credential.secretText.slice(0, 3) });

    const shown = json<{ passwordCredentials: { keyId: string; secretText: unknown }[] }>(await api.call(alice, 'GET', `/v1.0/servicePrincipals/${sp.id}`));
    expect(shown.passwordCredentials).toEqual([expect.objectContaining({ keyId: credential.keyId, secretText: null })]);
    expect(JSON.stringify(shown)).not.toContain(credential.secretText);
    const listed = json<{ value: { id: string }[] }>(await api.call(alice, 'GET', '/v1.0/servicePrincipals'));
    expect(listed.value.map((s) => s.id)).toContain(sp.id);

    const token = await api.app.inject({
      method: 'POST',
      url: '/openpim/oauth2/token',
      headers: FORM,
      payload: form({ grant_type: 'client_credentials', client_id: sp.id, client_secret: credential.secretText }),
    });
    expect(token.statusCode, token.body).toBe(200);
    const accessToken = json<{ access_token: string }>(token).access_token;
    expect(claimsOf(accessToken)).toMatchObject({ sub: sp.id });
    expect(claimsOf(accessToken)).not.toHaveProperty('auth_time');
    expect((await api.call(accessToken, 'GET', '/v1.0/users')).statusCode).toBe(200);
    // A machine has no second factor to step up with.
    expect(errorCode(await api.call(accessToken, 'POST', '/openpim/auth/stepup', { totp: '123456' }))).toBe('AuthenticationMethodNotEnrolled');

    expect((await api.call(api.admin, 'POST', `/v1.0/servicePrincipals/${sp.id}/removePassword`, { keyId: credential.keyId })).statusCode).toBe(204);
    const after = await api.app.inject({
      method: 'POST',
      url: '/openpim/oauth2/token',
      headers: FORM,
      payload: form({ grant_type: 'client_credentials', client_id: sp.id, client_secret: credential.secretText }),
    });
    expect(after.statusCode).toBe(401);
  });
});

describe('the OAuth token endpoint', () => {
  let api: HttpHarness;
  let spId: string;
  let secret: string;
  beforeAll(async () => {
    api = await openHttpHarness();
    spId = json<{ id: string }>(await api.call(api.admin, 'POST', '/v1.0/servicePrincipals', { displayName: 'deployer' })).id;
    secret = json<{ secretText: string }>(await api.call(api.admin, 'POST', `/v1.0/servicePrincipals/${spId}/addPassword`, {})).secretText;
  });
  afterAll(async () => api?.close());
  const post = (payload: string, headers: Record<string, string> = FORM) => api.app.inject({ method: 'POST', url: '/openpim/oauth2/token', headers, payload });
  const basic = (id: string, s: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(s)}`).toString('base64')}`;

  it('issues a token for client_id and client_secret in the form, or in HTTP Basic', async () => {
    for (const res of [
      await post(form({ grant_type: 'client_credentials', client_id: spId, client_secret: secret, scope: 'https://graph.microsoft.com/.default' })),
      await post(form({ grant_type: 'client_credentials' }), { ...FORM, authorization: basic(spId, secret) }),
    ]) {
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
      expect(json(res)).toEqual({ token_type: 'Bearer', access_token: expect.any(String), expires_in: 3600 });
    }
  });

  it.each([
    ['no grant_type', () => form({ client_id: 'x', client_secret: 'y' }), FORM, 400, 'invalid_request'],
    ['another grant', () => form({ grant_type: 'password', username: 'a', password: 'b' }), FORM, 400, 'unsupported_grant_type'],
    ['a repeated parameter', () => `grant_type=client_credentials&client_id=a&client_id=b&client_secret=c`, FORM, 400, 'invalid_request'],
    ['JSON instead of a form', () => JSON.stringify({ grant_type: 'client_credentials' }), { 'content-type': 'application/json' }, 400, 'invalid_request'],
    ['plain text', () => 'grant_type=client_credentials', { 'content-type': 'text/plain' }, 400, 'invalid_request'],
    ['no client authentication', () => form({ grant_type: 'client_credentials' }), FORM, 401, 'invalid_client'],
    ['an unknown client', () => form({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' }), FORM, 401, 'invalid_client'],
  ])('answers %s with an RFC 6749 error', async (_name, payload, headers, status, error) => {
    const res = await post(payload(), headers);
    expect(res.statusCode, res.body).toBe(status);
    expect(json(res)).toEqual({ error, error_description: expect.any(String) });
    if (status === 401) expect(res.headers['www-authenticate']).toBe('Basic realm="openpim"');
  });

  it('refuses a wrong secret, two authentication methods at once, and a malformed Basic header', async () => {
    expect(json(await post(form({ grant_type: 'client_credentials', client_id: spId, client_secret: `${secret}x` })))).toMatchObject({
      error: 'invalid_client',
    });
    expect(json(await post(form({ grant_type: 'client_credentials', client_secret: secret }), { ...FORM, authorization: basic(spId, secret) }))).toMatchObject({
      error: 'invalid_request',
    });
    expect(json(await post(form({ grant_type: 'client_credentials' }), { ...FORM, authorization: 'Basic not-base64!' }))).toMatchObject({
      error: 'invalid_client',
    });
  });
});

describe.each(TEST_DATABASES)('brute force on $name', (database) => {
  let api: HttpHarness;
  beforeEach(async () => {
    api = await openHttpHarness({ database, rateLimits: { perIpPerMinute: 30, perAccountPerMinute: 10 }, trustProxy: true });
  });
  afterEach(async () => api?.close());

  /** Fires `n` requests, 50 at a time; returns the status counts and checks every 429 says when to retry. */
  async function fire(n: number, request: (i: number) => Promise<LightMyRequestResponse>): Promise<Record<number, number>> {
    const counts: Record<number, number> = {};
    for (let start = 0; start < n; start += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, n - start) }, (_, j) => request(start + j)));
      for (const res of batch) {
        counts[res.statusCode] = (counts[res.statusCode] ?? 0) + 1;
        if (res.statusCode === 429) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    return counts;
  }

  it('meets 1,000 wrong passwords — from one address, then from a thousand — with lockout and 429s, never a 5xx', async () => {
    await createUserWithPassword(api, 'victim@contoso.test');
    const fromOne = await fire(1000, (i) => signIn(api, { userPrincipalName: 'victim@contoso.test', password: `guess ${i}` }));
    expect(Object.keys(fromOne).sort()).toEqual(['400', '429']);
    expect(fromOne[400]).toBeLessThanOrEqual(5);
    expect(fromOne[429]).toBeGreaterThanOrEqual(995);

    // A botnet: every guess from another address. The lockout in the database still stops it.
    api.clock.advance(2 * 60_000);
    const spread = await fire(1000, (i) =>
      signIn(api, { userPrincipalName: 'victim@contoso.test', password: `guess ${i}` }, { 'x-forwarded-for': `198.51.100.${i % 250}, 10.0.${i}.1` }),
    );
    expect(Object.keys(spread).sort()).toEqual(['400', '429']);
    expect(spread[400]).toBeLessThanOrEqual(5);
    // Meanwhile the right password is refused too: the account is locked.
    expect((await signIn(api, { userPrincipalName: 'victim@contoso.test', password: PASSWORD }, { 'x-forwarded-for': '192.0.2.1' })).statusCode).toBe(429);
    const lockouts = await api.h.store.db.selectFrom('audit_events').select('id').where('activity', 'like', 'User account locked%').execute();
    expect(lockouts.length).toBeGreaterThanOrEqual(1);
  });

  it('meets 1,000 wrong TOTP codes at step-up and 1,000 wrong client secrets with lockout and 429s, never a 5xx', async () => {
    const user = await createUserWithPassword(api, 'victim@contoso.test');
    const token = json<{ access_token: string }>(await signIn(api, { userPrincipalName: 'victim@contoso.test', password: PASSWORD })).access_token;
    const { secret } = json<{ secret: string }>(await api.call(token, 'POST', '/openpim/me/authentication/totp', {}));
    const key = base32Decode(secret)!;
    await api.call(token, 'POST', '/openpim/me/authentication/totp/confirm', { code: totpAt(key, api.clock.now()) });
    const right = totpAt(key, api.clock.now() + 30_000);
    const wrong = (i: number) => {
      const code = String((i * 7919) % 1_000_000).padStart(6, '0');
      return code === right ? '000000' : code;
    };
    const codes = await fire(1000, (i) =>
      api.call(token, 'POST', '/openpim/auth/stepup', { totp: wrong(i) }, { headers: { 'x-forwarded-for': `198.51.100.${i % 250}` } }),
    );
    expect(Object.keys(codes).sort()).toEqual(['400', '429']);
    expect(codes[400]).toBeLessThanOrEqual(5);
    api.clock.advance(30_000);
    expect((await api.call(token, 'POST', '/openpim/auth/stepup', { totp: totpAt(key, api.clock.now()) })).statusCode).toBe(429);
    expect(user.id).toBeTruthy();

    const spId = json<{ id: string }>(await api.call(api.admin, 'POST', '/v1.0/servicePrincipals', { displayName: 'svc' })).id;
    const secrets = await fire(1000, (i) =>
      api.app.inject({
        method: 'POST',
        url: '/openpim/oauth2/token',
        headers: { ...FORM, 'x-forwarded-for': `203.0.113.${i % 100}` },
        payload: form({ grant_type: 'client_credentials', client_id: spId, client_secret: `guess-${i}` }),
      }),
    );
    expect(Object.keys(secrets).sort()).toEqual(['401', '429']);
    expect(secrets[401]).toBeLessThanOrEqual(20);
  });
});
