/**
 * WebAuthn on both databases, with a software authenticator (test/support/soft-authenticator.ts)
 * against the real `@simplewebauthn/server` ceremonies: registration stores the credential and is
 * audited; an assertion steps up to a token with `mfa` + `hwk`/`swk` and the `phishing-resistant`
 * context; replayed assertions, other origins, counters going backwards, missing user
 * verification and expired challenges are refused; a second key needs a recent MFA.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/app/caller.ts';
import { beginWebAuthnRegistration } from '../../src/app/identity/begin-webauthn-registration.ts';
import { beginWebAuthnStepUp } from '../../src/app/identity/begin-webauthn-step-up.ts';
import { finishWebAuthnRegistration } from '../../src/app/identity/finish-webauthn-registration.ts';
import { webAuthnStepUp } from '../../src/app/identity/webauthn-step-up.ts';
import { confirmTotp } from '../../src/app/identity/confirm-totp.ts';
import { enrollTotp } from '../../src/app/identity/enroll-totp.ts';
import { stepUp } from '../../src/app/identity/step-up.ts';
import { base32Decode } from '../../src/domain/identity/base32.ts';
import { totpAt } from '../../src/domain/identity/totp.ts';
import { ACTIVITY } from '../../src/domain/audit/activities.ts';
import { DomainError, type ErrorCode } from '../../src/domain/errors.ts';
import { DEFAULT_AUTHENTICATION_CONTEXTS } from '../../src/domain/identity/authentication-contexts.ts';
import { HOUR, MINUTE } from '../../src/domain/time.ts';
import { cryptoRandom } from '../../src/adapters/crypto-random.ts';
import { jwtTokens, type JwtTokens } from '../../src/adapters/jwt-tokens.ts';
import { simpleWebAuthnCeremonies } from '../../src/adapters/simplewebauthn-ceremonies.ts';
import { signingKeyStore } from '../../src/store/signing-keys.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';

const RP = { id: 'pim.contoso.test', name: 'OpenPIM (test)', origins: ['https://pim.contoso.test'] };
const ORIGIN = RP.origins[0]!;
const CTX = { correlationId: 'test', sourceIp: '203.0.113.7' };

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw error ?? new Error('expected a failure');
  expect(`${error.code}: ${error.message}`).toMatch(new RegExp(`^${code}:`));
  return error;
}

describe.each(TEST_DATABASES)('WebAuthn on $name', (db) => {
  let h: Harness;
  let tokens: JwtTokens;
  const deps = () => ({
    ...h.deps,
    random: cryptoRandom,
    ceremonies: simpleWebAuthnCeremonies,
    rp: RP,
    contexts: DEFAULT_AUTHENTICATION_CONTEXTS,
    tokens,
    tokenTtl: HOUR,
  });

  beforeEach(async () => {
    h = await openHarness(db);
    tokens = jwtTokens(signingKeyStore(h.store.db), h.clock, { uuid: () => crypto.randomUUID() });
  });
  afterEach(async () => h?.close());

  async function register(caller: Caller, authenticator: SoftAuthenticator, displayName: string | null = null) {
    const options = (await beginWebAuthnRegistration(deps(), caller)) as { challenge: string };
    return finishWebAuthnRegistration(deps(), caller, { response: authenticator.register(options), displayName });
  }
  async function assertion(caller: Caller, authenticator: SoftAuthenticator, knobs: Parameters<SoftAuthenticator['assert']>[1] = {}) {
    const options = (await beginWebAuthnStepUp(deps(), caller)) as { challenge: string; allowCredentials: { id: string }[]; userVerification: string };
    return { options, response: authenticator.assert(options, knobs) };
  }

  it('registers a security key without a prior MFA (first factor), stores it and audits it', async () => {
    const alice = await h.user('alice@contoso.test');
    const caller = await h.caller(alice, { mfa: false });
    const key = new SoftAuthenticator({ rpId: RP.id, origin: ORIGIN });
    const options = (await beginWebAuthnRegistration(deps(), caller)) as Record<string, unknown>;
    expect(options).toMatchObject({ rp: { id: RP.id, name: RP.name }, attestation: 'none', authenticatorSelection: { userVerification: 'required' } });

    const credential = await finishWebAuthnRegistration(deps(), caller, { response: key.register(options as { challenge: string }), displayName: 'YubiKey' });
    expect(credential).toMatchObject({
      id: key.id,
      principalId: alice.id,
      counter: 0,
      transports: ['usb'],
      hardware: true,
      attachment: 'cross-platform',
      displayName: 'YubiKey',
      backedUp: false,
    });
    expect(await h.store.read.webauthn.list(h.tenantId, alice.id)).toEqual([credential]);
    const audit = await h.store.db.selectFrom('audit_events').selectAll().where('activity', '=', ACTIVITY.securityInfoRegistered).execute();
    expect(audit.map((e) => JSON.parse(e.details))).toEqual([
      expect.objectContaining({ Method: 'webauthn', CredentialId: key.id, Hardware: 'true', AttestationFormat: 'none' }),
    ]);

    // The registration challenge is spent.
    await expectCode(
      finishWebAuthnRegistration(deps(), caller, { response: key.register(options as { challenge: string }), displayName: null }),
      'InvalidCredentials',
    );
  });

  it('steps up with an assertion: mfa + hwk, the phishing-resistant context, auth_time now, counter stored', async () => {
    const alice = await h.user('alice@contoso.test');
    const key = new SoftAuthenticator({ rpId: RP.id, origin: ORIGIN });
    await register(await h.caller(alice, { mfa: false }), key);
    h.clock.advance(MINUTE);
    const caller = await h.caller(alice, { mfa: false });
    const { options, response } = await assertion(caller, key);
    expect(options.allowCredentials.map((c) => c.id)).toEqual([key.id]);
    expect(options.userVerification).toBe('required');

    const token = await webAuthnStepUp(deps(), caller, response, CTX);
    expect(token.acrs).toEqual(['phishing-resistant']);
    expect(await tokens.verify(token.accessToken)).toEqual({
      tenantId: h.tenantId,
      principalId: alice.id,
      amr: ['pwd', 'mfa', 'hwk'],
      authTime: Math.floor(h.clock.now() / 1000) * 1000,
      acrs: ['phishing-resistant'],
      sessionId: null,
      tokenId: expect.any(String),
    });
    expect(await h.store.read.webauthn.get(h.tenantId, key.id)).toMatchObject({ counter: 1, lastUsedAt: h.clock.now() });
  });

  it('a synced passkey gives swk and still meets phishing-resistant', async () => {
    const bob = await h.user('bob@contoso.test');
    const passkey = new SoftAuthenticator({ rpId: RP.id, origin: ORIGIN, synced: true });
    const stored = await register(await h.caller(bob, { mfa: false }), passkey);
    expect(stored).toMatchObject({ hardware: false, backedUp: true, attachment: 'platform', displayName: 'Passkey' });
    const caller = await h.caller(bob, { mfa: false });
    const { response } = await assertion(caller, passkey);
    const token = await webAuthnStepUp(deps(), caller, response, CTX);
    expect(await tokens.verify(token.accessToken)).toMatchObject({ amr: ['pwd', 'mfa', 'swk'], acrs: ['phishing-resistant'] });
  });

  it('refuses a replayed assertion, another origin, a counter going backwards and a missing user verification', async () => {
    const alice = await h.user('alice@contoso.test');
    const key = new SoftAuthenticator({ rpId: RP.id, origin: ORIGIN });
    await register(await h.caller(alice, { mfa: false }), key);
    const caller = await h.caller(alice, { mfa: false });

    const first = await assertion(caller, key, { counter: 5 });
    await webAuthnStepUp(deps(), caller, first.response, CTX);
    // The same assertion again: its challenge is spent.
    await expectCode(webAuthnStepUp(deps(), caller, first.response, CTX), 'InvalidCredentials');

    const phished = await assertion(caller, key, { origin: 'https://pim.contoso.test.evil.example' });
    await expectCode(webAuthnStepUp(deps(), caller, phished.response, CTX), 'InvalidCredentials');

    const cloned = await assertion(caller, key, { counter: 3 });
    await expectCode(webAuthnStepUp(deps(), caller, cloned.response, CTX), 'InvalidCredentials');

    const unverified = await assertion(caller, key, { counter: 10, userVerified: false });
    await expectCode(webAuthnStepUp(deps(), caller, unverified.response, CTX), 'InvalidCredentials');

    expect(await h.store.read.webauthn.get(h.tenantId, key.id)).toMatchObject({ counter: 5 });
    // Failures count towards the lockout like wrong codes: four so far.
    expect((await h.store.read.accounts.signInState(h.tenantId, alice.id)).failures).toBe(4);
    const good = await assertion(caller, key, { counter: 11 });
    await webAuthnStepUp(deps(), caller, good.response, CTX);
    expect((await h.store.read.accounts.signInState(h.tenantId, alice.id)).failures).toBe(0);
  });

  it('refuses a registration from another origin, and challenges once expired or of another user', async () => {
    const alice = await h.user('alice@contoso.test');
    const bob = await h.user('bob@contoso.test');
    const aliceCaller = await h.caller(alice, { mfa: false });
    const key = new SoftAuthenticator({ rpId: RP.id, origin: ORIGIN });

    const options = (await beginWebAuthnRegistration(deps(), aliceCaller)) as { challenge: string };
    await expectCode(
      finishWebAuthnRegistration(deps(), aliceCaller, { response: key.register(options, { origin: 'https://evil.example' }), displayName: null }),
      'InvalidCredentials',
    );

    const late = (await beginWebAuthnRegistration(deps(), aliceCaller)) as { challenge: string };
    h.clock.advance(6 * MINUTE);
    await expectCode(finishWebAuthnRegistration(deps(), aliceCaller, { response: key.register(late), displayName: null }), 'InvalidCredentials');

    const bobs = (await beginWebAuthnRegistration(deps(), await h.caller(bob, { mfa: false }))) as { challenge: string };
    await expectCode(
      finishWebAuthnRegistration(deps(), await h.caller(alice, { mfa: false }), { response: key.register(bobs), displayName: null }),
      'InvalidCredentials',
    );
    expect(await h.store.read.webauthn.list(h.tenantId, alice.id)).toEqual([]);
  });

  it('a second key needs a recent MFA; without any key, step-up says so', async () => {
    const alice = await h.user('alice@contoso.test');
    await expectCode(beginWebAuthnStepUp(deps(), await h.caller(alice, { mfa: false })), 'AuthenticationMethodNotEnrolled');
    await register(await h.caller(alice, { mfa: false }), new SoftAuthenticator({ rpId: RP.id, origin: ORIGIN }));
    const error = await expectCode(beginWebAuthnRegistration(deps(), await h.caller(alice, { mfa: false })), 'Authorization_RequestDenied');
    expect(error.details.failedRules).toEqual(['MfaRule']);
    const second = await register(await h.caller(alice, { mfa: true }), new SoftAuthenticator({ rpId: RP.id, origin: ORIGIN }), 'Backup key');
    expect(second.displayName).toBe('Backup key');
    expect(await h.store.read.webauthn.list(h.tenantId, alice.id)).toHaveLength(2);
  });

  it('a TOTP step-up meets only contexts configured for otp (not phishing-resistant); a key makes TOTP enrollment need MFA', async () => {
    const alice = await h.user('alice@contoso.test');
    const enrollment = await enrollTotp(deps(), await h.caller(alice, { mfa: false }));
    const key = base32Decode(enrollment.secret)!;
    await confirmTotp(deps(), await h.caller(alice, { mfa: false }), totpAt(key, h.clock.now()));
    h.clock.advance(30_000);
    const plain = await stepUp(deps(), await h.caller(alice, { mfa: false }), { totp: totpAt(key, h.clock.now()) }, CTX);
    expect((await tokens.verify(plain.accessToken)).acrs).toEqual([]);
    h.clock.advance(30_000);
    const contexts = { 'phishing-resistant': ['webauthn'], c1: ['otp', 'webauthn'] } as const;
    const c1 = await stepUp({ ...deps(), contexts }, await h.caller(alice, { mfa: false }), { totp: totpAt(key, h.clock.now()) }, CTX);
    expect((await tokens.verify(c1.accessToken)).acrs).toEqual(['c1']);

    const bob = await h.user('bob@contoso.test');
    await register(await h.caller(bob, { mfa: false }), new SoftAuthenticator({ rpId: RP.id, origin: ORIGIN }));
    await expectCode(enrollTotp(deps(), await h.caller(bob, { mfa: false })), 'Authorization_RequestDenied');
    await enrollTotp(deps(), await h.caller(bob, { mfa: true }));
  });
});
