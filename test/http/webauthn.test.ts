/**
 * WebAuthn over HTTP with a software authenticator: the scripted activation of a role whose policy
 * requires the `phishing-resistant` authentication context — refused with an RFC 9470 challenge
 * that names the context → a TOTP step-up does not satisfy it → a WebAuthn step-up does → the
 * retry succeeds. Also: registration rules (first factor with a password token, later ones with a
 * recent MFA), listing and removing keys, and refusals as clear 4xx.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode } from '../../src/domain/identity/base32.ts';
import { totpAt } from '../../src/domain/identity/totp.ts';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { json, openHttpHarness, TEST_RELYING_PARTY, type GraphErrorBody, type HttpHarness } from '../support/http-harness.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';

const REQUESTS = '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests';
const PASSWORD = 'correct horse battery staple';
const ORIGIN = TEST_RELYING_PARTY.origins[0]!;
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
const tokenOf = (res: LightMyRequestResponse) => json<{ access_token: string }>(res).access_token;

async function createUserWithPassword(api: HttpHarness, upn: string): Promise<Principal> {
  const res = await api.call(api.admin, 'POST', '/v1.0/users', {
    displayName: upn.split('@')[0],
    userPrincipalName: upn,
    accountEnabled: true,
    mailNickname: upn.split('@')[0],
    passwordProfile: { password: PASSWORD, forceChangePasswordNextSignIn: false },
  });
  expect(res.statusCode, res.body).toBe(201);
  return (await api.h.store.read.principals.get(api.h.tenantId, json(res).id as string))!;
}

async function signIn(api: HttpHarness, upn: string): Promise<string> {
  const res = await api.app.inject({ method: 'POST', url: '/openpim/auth/signin', payload: { userPrincipalName: upn, password: PASSWORD } });
  expect(res.statusCode, res.body).toBe(200);
  return tokenOf(res);
}

async function registerKey(api: HttpHarness, token: string, key: SoftAuthenticator, displayName?: string): Promise<LightMyRequestResponse> {
  const options = await api.call(token, 'POST', '/openpim/auth/webauthn/register/options');
  expect(options.statusCode, options.body).toBe(200);
  return api.call(token, 'POST', '/openpim/auth/webauthn/register/verify', {
    ...(displayName ? { displayName } : {}),
    response: key.register(json<{ challenge: string }>(options)),
  });
}

async function webAuthnStepUp(
  api: HttpHarness,
  token: string,
  key: SoftAuthenticator,
  knobs: Parameters<SoftAuthenticator['assert']>[1] = {},
): Promise<LightMyRequestResponse> {
  const options = await api.call(token, 'POST', '/openpim/auth/webauthn/stepup/options');
  expect(options.statusCode, options.body).toBe(200);
  return api.call(token, 'POST', '/openpim/auth/webauthn/stepup', { response: key.assert(json<{ challenge: string }>(options), knobs) });
}

describe('the scripted activation of a role that requires the phishing-resistant context', () => {
  let api: HttpHarness;
  beforeAll(async () => {
    api = await openHttpHarness();
  });
  afterAll(async () => api?.close());

  it('names the missing context, is not met by TOTP, is met by a WebAuthn step-up, and the retry succeeds', async () => {
    const alice = await createUserWithPassword(api, 'alice@contoso.test');
    await api.h.submit(api.h.admin, { kind: 'eligibility', action: 'adminAssign', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator });
    const policyId = (await api.h.store.read.policies.forRoleAt(api.h.tenantId, ROLE.userAdministrator, '/'))!.id;
    const patched = await api.call(api.admin, 'PATCH', `/v1.0/policies/roleManagementPolicies/${policyId}/rules/AuthenticationContext_EndUser_Assignment`, {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule',
      isEnabled: true,
      claimValue: 'phishing-resistant',
    });
    expect(patched.statusCode, patched.body).toBe(204);

    // A password token; an authenticator app enrolled with it (the first second factor needs no MFA).
    const first = await signIn(api, 'alice@contoso.test');
    const enrolled = await api.call(first, 'POST', '/openpim/me/authentication/totp');
    const totpKey = base32Decode(json<{ secret: string }>(enrolled).secret)!;
    expect((await api.call(first, 'POST', '/openpim/me/authentication/totp/confirm', { code: totpAt(totpKey, api.clock.now()) })).statusCode).toBe(200);

    // 1. Refused: MFA and the context are missing; the challenge names the context (RFC 9470).
    const refused = await api.call(first, 'POST', REQUESTS, activation(alice.id));
    expect(refused.statusCode).toBe(400);
    expect(json<GraphErrorBody>(refused).error.message).toContain('AcrsRule');
    const challenge = String(refused.headers['www-authenticate']);
    expect(challenge).toMatch(/^Bearer realm="openpim", error="insufficient_user_authentication"/);
    expect(/acr_values="([^"]+)"/.exec(challenge)?.[1]).toBe('phishing-resistant');
    const claims = JSON.parse(Buffer.from(/claims="([^"]+)"/.exec(challenge)![1]!, 'base64').toString());
    expect(claims).toEqual({ access_token: { acrs: { essential: true, values: ['phishing-resistant'] } } });
    const stepUpUri = /step_up_uri="([^"]+)"/.exec(challenge)?.[1];
    expect(stepUpUri).toBe('/openpim/auth/webauthn/stepup');

    // 2. A TOTP step-up gives MFA but not the context.
    api.clock.advance(30_000);
    const totpStepped = await api.call(first, 'POST', '/openpim/auth/stepup', { totp: totpAt(totpKey, api.clock.now()) });
    expect(totpStepped.statusCode, totpStepped.body).toBe(200);
    const second = tokenOf(totpStepped);
    expect(claimsOf(second)).toMatchObject({ amr: ['pwd', 'mfa', 'otp'] });
    expect(claimsOf(second).acrs ?? []).toEqual([]);
    const stillRefused = await api.call(second, 'POST', REQUESTS, activation(alice.id));
    expect(stillRefused.statusCode).toBe(400);
    expect(errorCode(stillRefused)).toBe('RoleAssignmentRequestAcrsValidationFailed');
    expect(String(stillRefused.headers['www-authenticate'])).toContain('acr_values="phishing-resistant"');

    // 3. Register a security key (a second factor exists, so the MFA token is needed) and step up with it.
    const key = new SoftAuthenticator({ rpId: TEST_RELYING_PARTY.id, origin: ORIGIN });
    const registered = await registerKey(api, second, key, 'YubiKey 5');
    expect(registered.statusCode, registered.body).toBe(201);
    expect(json(registered)).toMatchObject({
      id: key.id,
      displayName: 'YubiKey 5',
      hardwareBound: true,
      authenticatorAttachment: 'cross-platform',
      transports: ['usb'],
    });
    api.clock.advance(60_000);
    const stepped = await webAuthnStepUp(api, second, key);
    expect(stepped.statusCode, stepped.body).toBe(200);
    expect(stepped.headers['cache-control']).toBe('no-store');
    expect(json(stepped)).toMatchObject({ token_type: 'Bearer', expires_in: 3600, acrs: ['phishing-resistant'] });
    const third = tokenOf(stepped);
    expect(claimsOf(third)).toMatchObject({
      sub: alice.id,
      amr: ['pwd', 'mfa', 'otp', 'hwk'],
      acrs: ['phishing-resistant'],
      auth_time: Math.floor(api.clock.now() / 1000),
    });

    // 4. The retry succeeds.
    const retried = await api.call(third, 'POST', REQUESTS, activation(alice.id));
    expect(retried.statusCode, retried.body).toBe(201);
    expect(json(retried)).toMatchObject({ action: 'selfActivate', status: 'Provisioned', principalId: alice.id });
  });
});

describe('WebAuthn registration and refusals over HTTP', () => {
  let api: HttpHarness;
  beforeAll(async () => {
    api = await openHttpHarness();
  });
  afterAll(async () => api?.close());

  it('registers a first key with a password token, needs MFA for the next, lists and removes keys', async () => {
    await createUserWithPassword(api, 'bob@contoso.test');
    const token = await signIn(api, 'bob@contoso.test');
    const key = new SoftAuthenticator({ rpId: TEST_RELYING_PARTY.id, origin: ORIGIN, synced: true });
    const first = await registerKey(api, token, key);
    expect(first.statusCode, first.body).toBe(201);
    expect(json(first)).toMatchObject({ displayName: 'Passkey', hardwareBound: false, backedUp: true });

    const refused = await api.call(token, 'POST', '/openpim/auth/webauthn/register/options');
    expect(refused.statusCode).toBe(403);
    expect(String(refused.headers['www-authenticate'])).toMatch(/error="insufficient_claims"/);

    const stepped = await webAuthnStepUp(api, token, key);
    expect(stepped.statusCode, stepped.body).toBe(200);
    const mfa = tokenOf(stepped);
    expect(claimsOf(mfa)).toMatchObject({ amr: ['pwd', 'mfa', 'swk'], acrs: ['phishing-resistant'] });
    api.clock.advance(1000);
    const second = await registerKey(api, mfa, new SoftAuthenticator({ rpId: TEST_RELYING_PARTY.id, origin: ORIGIN }), 'Backup key');
    expect(second.statusCode, second.body).toBe(201);

    const listed = await api.call(token, 'GET', '/openpim/me/authentication/webauthn');
    expect(listed.statusCode).toBe(200);
    expect(json<{ value: { displayName: string }[] }>(listed).value.map((c) => c.displayName)).toEqual(['Passkey', 'Backup key']);
    expect(listed.body).not.toMatch(/publicKey/i);

    expect((await api.call(token, 'DELETE', `/openpim/me/authentication/webauthn/${key.id}`)).statusCode).toBe(403);
    expect((await api.call(mfa, 'DELETE', `/openpim/me/authentication/webauthn/${key.id}`)).statusCode).toBe(204);
    expect((await api.call(mfa, 'DELETE', `/openpim/me/authentication/webauthn/${key.id}`)).statusCode).toBe(404);
  });

  it("someone else presenting a user's pending registration is refused and does not use it up for its owner", async () => {
    await createUserWithPassword(api, 'dana@contoso.test');
    await createUserWithPassword(api, 'mallory@contoso.test');
    const [dana, mallory] = [await signIn(api, 'dana@contoso.test'), await signIn(api, 'mallory@contoso.test')];
    const options = await api.call(dana, 'POST', '/openpim/auth/webauthn/register/options');
    expect(options.statusCode, options.body).toBe(200);
    const response = new SoftAuthenticator({ rpId: TEST_RELYING_PARTY.id, origin: ORIGIN }).register(json<{ challenge: string }>(options));
    const stolen = await api.call(mallory, 'POST', '/openpim/auth/webauthn/register/verify', { response });
    expect(stolen.statusCode, stolen.body).toBe(400);
    const own = await api.call(dana, 'POST', '/openpim/auth/webauthn/register/verify', { response });
    expect(own.statusCode, own.body).toBe(201);
  });

  it('refuses a wrong origin, a replay and a counter regression with InvalidCredentials, and bad bodies with Request_BadRequest', async () => {
    await createUserWithPassword(api, 'carol@contoso.test');
    const token = await signIn(api, 'carol@contoso.test');
    expect(errorCode(await api.call(token, 'POST', '/openpim/auth/webauthn/stepup/options'))).toBe('AuthenticationMethodNotEnrolled');
    const key = new SoftAuthenticator({ rpId: TEST_RELYING_PARTY.id, origin: ORIGIN });
    expect((await registerKey(api, token, key)).statusCode).toBe(201);

    const phished = await webAuthnStepUp(api, token, key, { origin: 'https://login.evil.example' });
    expect(phished.statusCode).toBe(400);
    expect(errorCode(phished)).toBe('InvalidCredentials');

    const options = json<{ challenge: string }>(await api.call(token, 'POST', '/openpim/auth/webauthn/stepup/options'));
    const response = key.assert(options, { counter: 7 });
    expect((await api.call(token, 'POST', '/openpim/auth/webauthn/stepup', { response })).statusCode).toBe(200);
    const replayed = await api.call(token, 'POST', '/openpim/auth/webauthn/stepup', { response });
    expect([replayed.statusCode, errorCode(replayed)]).toEqual([400, 'InvalidCredentials']);

    const regressed = await webAuthnStepUp(api, token, key, { counter: 2 });
    expect([regressed.statusCode, errorCode(regressed)]).toEqual([400, 'InvalidCredentials']);

    for (const body of [{}, { response: { id: key.id } }, { response: response, extra: 1 }, { response: { ...response, type: 'password' } }]) {
      const res = await api.call(token, 'POST', '/openpim/auth/webauthn/stepup', body);
      expect([res.statusCode, errorCode(res)], res.body).toEqual([400, 'Request_BadRequest']);
    }
    expect((await api.call(null, 'POST', '/openpim/auth/webauthn/stepup/options')).statusCode).toBe(401);
  });
});
