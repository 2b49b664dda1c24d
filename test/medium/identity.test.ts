/**
 * Identity on both databases: local-account sign-in with argon2id passwords, lockout with back-off
 * (audited), accountEnabled, TOTP enrollment and step-up with replay refused, single-use recovery
 * codes (also under races), client secrets for service principals, and who may change whose
 * credentials.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/app/audit/verify-audit.ts';
import type { Caller } from '../../src/app/caller.ts';
import { createServicePrincipal } from '../../src/app/directory/create-service-principal.ts';
import { addClientSecret } from '../../src/app/identity/add-client-secret.ts';
import { clientCredentials } from '../../src/app/identity/client-credentials.ts';
import { confirmTotp } from '../../src/app/identity/confirm-totp.ts';
import { enrollTotp } from '../../src/app/identity/enroll-totp.ts';
import { regenerateRecoveryCodes } from '../../src/app/identity/regenerate-recovery-codes.ts';
import { removeClientCredential } from '../../src/app/identity/remove-client-credential.ts';
import { removeTotp } from '../../src/app/identity/remove-totp.ts';
import { signIn } from '../../src/app/identity/sign-in.ts';
import { stepUp } from '../../src/app/identity/step-up.ts';
import { updateAccount } from '../../src/app/identity/update-account.ts';
import { ACTIVITY } from '../../src/domain/audit/activities.ts';
import { DomainError, type ErrorCode } from '../../src/domain/errors.ts';
import { base32Decode } from '../../src/domain/identity/base32.ts';
import { totpAt } from '../../src/domain/identity/totp.ts';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { DAY, HOUR, MINUTE } from '../../src/domain/time.ts';
import { argon2Passwords } from '../../src/adapters/argon2-passwords.ts';
import { cryptoRandom } from '../../src/adapters/crypto-random.ts';
import { jwtTokens, type JwtTokens } from '../../src/adapters/jwt-tokens.ts';
import { DEFAULT_SESSION_SETTINGS } from '../../src/domain/identity/sessions.ts';
import { signingKeyStore } from '../../src/store/signing-keys.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';

const PASSWORD = 'correct horse battery staple';
const CTX = { correlationId: 'test', sourceIp: '203.0.113.7' };

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<DomainError> {
  const error = await failure(promise);
  expect(`${error.code}: ${error.message}`).toMatch(new RegExp(`^${code}:`));
  return error;
}

describe.each(TEST_DATABASES)('identity on $name', (db) => {
  let h: Harness;
  let tokens: JwtTokens;
  const passwords = argon2Passwords({ memory: 1024, passes: 1, parallelism: 1 });
  const deps = () => ({ ...h.deps, passwords, random: cryptoRandom, tokens, tokenTtl: HOUR, sessions: DEFAULT_SESSION_SETTINGS });

  beforeEach(async () => {
    h = await openHarness(db);
    tokens = jwtTokens(signingKeyStore(h.store.db), h.clock, { uuid: () => crypto.randomUUID() });
  });
  afterEach(async () => h?.close());

  async function userWithPassword(upn: string, password = PASSWORD): Promise<Principal> {
    const user = await h.user(upn);
    await updateAccount(deps(), h.admin, user.id, { password });
    return user;
  }
  /** Signs in as an API client: the bearer token, naming its session. */
  const signInAs = async (upn: string, password = PASSWORD, totp: string | null = null) =>
    (await signIn(deps(), { tenantId: null, userPrincipalName: upn, password, totp, kind: 'api' }, CTX)).token!;
  async function grant(principalId: string, role: string, kind: 'assignment' | 'eligibility' = 'assignment') {
    await h.submit(h.admin, {
      kind,
      action: 'adminAssign',
      principalId,
      roleDefinitionId: role,
      scheduleInfo: { startDateTime: null, expiration: { type: 'noExpiration' } },
    });
  }
  const auditOf = (activity: string) => h.store.db.selectFrom('audit_events').selectAll().where('activity', '=', activity).orderBy('seq').execute();
  /** Enrolls and confirms an authenticator for `caller`; returns its key and the recovery codes. */
  async function enroll(caller: Caller) {
    const enrollment = await enrollTotp(deps(), caller);
    const key = base32Decode(enrollment.secret)!;
    const { recoveryCodes } = await confirmTotp(deps(), caller, totpAt(key, h.clock.now()));
    h.clock.advance(30_000); // the confirming code's step is used up
    return { key, recoveryCodes, enrollment };
  }

  it('signs in with the password an administrator set, stored as argon2id, never in clear', async () => {
    const alice = await userWithPassword('alice@contoso.test');
    const row = await h.store.db.selectFrom('password_credentials').selectAll().where('principal_id', '=', alice.id).executeTakeFirstOrThrow();
    expect(row.hash).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(row.hash).not.toContain('horse');
    expect(row.set_by).toBe(h.admin.principal.id);

    const token = await signInAs('ALICE@contoso.test');
    expect(token).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, amr: ['pwd'] });
    const claims = await tokens.verify(token.accessToken);
    expect(claims).toEqual({
      tenantId: h.tenantId,
      principalId: alice.id,
      amr: ['pwd'],
      authTime: Math.floor(h.clock.now() / 1000) * 1000,
      acrs: [],
      sessionId: expect.any(String),
      tokenId: expect.any(String),
    });
    const session = await h.store.read.sessions.get(h.tenantId, claims.sessionId!);
    expect(session).toMatchObject({ principalId: alice.id, kind: 'api', method: 'password', amr: ['pwd'], secretHash: null, revokedAt: null });

    expect((await auditOf(ACTIVITY.passwordReset)).map((e) => JSON.parse(e.details))).toEqual([{ PasswordWasSet: 'false' }]);
    expect(await h.store.read.accounts.lastSignInAt(h.tenantId, alice.id)).toBe(h.clock.now());
  });

  it('answers a wrong password, an unknown user and a user without a password alike', async () => {
    await userWithPassword('alice@contoso.test');
    await h.user('nopassword@contoso.test');
    const answers = await Promise.all([
      failure(signInAs('alice@contoso.test', 'wrong password')),
      failure(signInAs('nobody@contoso.test')),
      failure(signInAs('nopassword@contoso.test')),
    ]);
    expect(answers.map((e) => [e.code, e.message])).toEqual(
      Array(3).fill(['InvalidCredentials', 'The user principal name, password or verification code is incorrect.']),
    );
  });

  it('locks the account after five failures with a growing lock, audits each lockout, and an admin reset unlocks it', async () => {
    const alice = await userWithPassword('alice@contoso.test');
    for (let i = 0; i < 5; i++) await expectCode(signInAs('alice@contoso.test', `wrong ${i}`), 'InvalidCredentials');
    // Locked: even the right password is refused, with how long to wait, and nothing is checked.
    const locked = await expectCode(signInAs('alice@contoso.test'), 'TooManyRequests');
    expect(locked.details.retryAfterSeconds).toBe(60);
    const [event] = await auditOf(ACTIVITY.accountLocked);
    expect(event).toMatchObject({ result: 'failure', actor_id: '00000000-0000-0000-0000-000000000000' });
    expect(JSON.parse(event!.targets)[0]).toMatchObject({ id: alice.id });
    expect(JSON.parse(event!.details)).toMatchObject({ FailedMethod: 'password', SourceIpAddress: '203.0.113.7', LockoutsInARow: '1' });

    // After the minute, five more failures lock for two minutes.
    h.clock.advance(MINUTE);
    for (let i = 0; i < 5; i++) await expectCode(signInAs('alice@contoso.test', `wrong again ${i}`), 'InvalidCredentials');
    expect((await expectCode(signInAs('alice@contoso.test'), 'TooManyRequests')).details.retryAfterSeconds).toBe(120);
    expect(await auditOf(ACTIVITY.accountLocked)).toHaveLength(2);

    // An administrator's reset clears the lock at once.
    await updateAccount(deps(), h.admin, alice.id, { password: 'a brand new password' });
    expect((await signInAs('alice@contoso.test', 'a brand new password')).amr).toEqual(['pwd']);
    // And a success clears the back-off: the next lockout is one minute again.
    for (let i = 0; i < 5; i++) await expectCode(signInAs('alice@contoso.test', `wrong ${i}`), 'InvalidCredentials');
    expect((await expectCode(signInAs('alice@contoso.test', 'a brand new password'), 'TooManyRequests')).details.retryAfterSeconds).toBe(60);
    expect((await verifyAudit(h.store.read.audit)).ok).toBe(true);
  });

  it('lets no more than five of many simultaneous guesses be checked: each is counted before its check', async () => {
    await userWithPassword('alice@contoso.test');
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => signInAs('alice@contoso.test', `wrong ${i}`)));
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as DomainError).code : 'ok')).sort();
    expect(codes).toEqual([...Array(5).fill('InvalidCredentials'), ...Array(7).fill('TooManyRequests')]);
    expect(await auditOf(ACTIVITY.accountLocked)).toHaveLength(1);
    await expectCode(signInAs('alice@contoso.test'), 'TooManyRequests');
  });

  it('respects accountEnabled: a disabled account cannot sign in, but only the right password learns that', async () => {
    const alice = await userWithPassword('alice@contoso.test');
    await updateAccount(deps(), h.admin, alice.id, { accountEnabled: false });
    await expectCode(signInAs('alice@contoso.test', 'wrong password'), 'InvalidCredentials');
    const disabled = await expectCode(signInAs('alice@contoso.test'), 'Authorization_RequestDenied');
    expect(disabled.message).toContain('disabled');
    const [event] = await auditOf(ACTIVITY.accountDisabled);
    expect(JSON.parse(event!.targets)[0].modifiedProperties).toEqual([{ displayName: 'AccountEnabled', oldValue: 'true', newValue: 'false' }]);
    await updateAccount(deps(), h.admin, alice.id, { accountEnabled: true });
    expect((await signInAs('alice@contoso.test')).amr).toEqual(['pwd']);
    // Nobody disables themselves or a break-glass account.
    await expectCode(updateAccount(deps(), h.admin, h.admin.principal.id, { accountEnabled: false }), 'Request_BadRequest');
  });

  it('enrolls TOTP: the URI carries the secret, a code activates it, and sign-in with a code carries MFA', async () => {
    const alice = await userWithPassword('alice@contoso.test');
    const caller = await h.caller(alice, { mfa: false });
    const enrollment = await enrollTotp(deps(), caller);
    expect(enrollment.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrollment.otpauthUri).toBe(
      `otpauth://totp/Contoso:alice%40contoso.test?secret=${enrollment.secret}&issuer=Contoso&algorithm=SHA1&digits=6&period=30`,
    );
    // Not active until confirmed: a code does not sign in yet.
    const key = base32Decode(enrollment.secret)!;
    await expectCode(signInAs('alice@contoso.test', PASSWORD, totpAt(key, h.clock.now())), 'InvalidCredentials');
    // A wrong code does not confirm.
    const wrong = String((Number(totpAt(key, h.clock.now())) + 1) % 1_000_000).padStart(6, '0');
    await expectCode(confirmTotp(deps(), caller, wrong), 'InvalidCredentials');

    h.clock.advance(30_000);
    const { recoveryCodes } = await confirmTotp(deps(), caller, totpAt(key, h.clock.now()));
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const stored = await h.store.db.selectFrom('recovery_codes').select('code_hash').where('principal_id', '=', alice.id).execute();
    expect(stored.map((r) => r.code_hash).some((hash) => recoveryCodes.some((c) => hash.includes(c.replace(/-/g, ''))))).toBe(false);
    expect(await auditOf(ACTIVITY.securityInfoRegistered)).toHaveLength(1);

    // The confirming code is used up; the next one signs in with MFA, once.
    await expectCode(signInAs('alice@contoso.test', PASSWORD, totpAt(key, h.clock.now())), 'InvalidCredentials');
    h.clock.advance(30_000);
    const code = totpAt(key, h.clock.now());
    const token = await signInAs('alice@contoso.test', PASSWORD, code);
    expect(token.amr).toEqual(['pwd', 'mfa', 'otp']);
    expect((await tokens.verify(token.accessToken)).amr).toEqual(['pwd', 'mfa', 'otp']);
    await expectCode(signInAs('alice@contoso.test', PASSWORD, code), 'InvalidCredentials');
  });

  it('expires an unconfirmed enrollment after ten minutes', async () => {
    const alice = await userWithPassword('alice@contoso.test');
    const caller = await h.caller(alice, { mfa: false });
    const enrollment = await enrollTotp(deps(), caller);
    h.clock.advance(10 * MINUTE + 1);
    await expectCode(confirmTotp(deps(), caller, totpAt(base32Decode(enrollment.secret)!, h.clock.now())), 'AuthenticationMethodNotEnrolled');
  });

  it('steps up with a TOTP code: a fresh token with mfa and auth_time now; the same code never twice', async () => {
    const alice = await userWithPassword('alice@contoso.test');
    const { key } = await enroll(await h.caller(alice, { mfa: false }));
    const signedIn = await signInAs('alice@contoso.test');
    h.clock.advance(10 * MINUTE);
    const caller = await h.caller(alice, { mfa: false });
    expect(caller.amr).toEqual(['pwd']);
    const code = totpAt(key, h.clock.now());
    const stepped = await stepUp(deps(), caller, { totp: code }, CTX);
    expect(stepped.amr).toEqual(['pwd', 'mfa', 'otp']);
    const claims = await tokens.verify(stepped.accessToken);
    expect(claims.authTime).toBe(Math.floor(h.clock.now() / 1000) * 1000);
    expect(signedIn.accessToken).not.toBe(stepped.accessToken);
    await expectCode(stepUp(deps(), caller, { totp: code }, CTX), 'InvalidCredentials');
  });

  it('lets exactly one of many simultaneous step-ups with one code through', async () => {
    const alice = await userWithPassword('alice@contoso.test');
    const { key } = await enroll(await h.caller(alice, { mfa: false }));
    const caller = await h.caller(alice, { mfa: false });
    const code = totpAt(key, h.clock.now());
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => stepUp(deps(), caller, { totp: code }, CTX)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as DomainError).code);
    expect(lost.every((c) => c === 'InvalidCredentials' || c === 'TooManyRequests')).toBe(true);
  });

  it('accepts each recovery code once, also when two requests race with the same code', async () => {
    const alice = await userWithPassword('alice@contoso.test');
    const { recoveryCodes } = await enroll(await h.caller(alice, { mfa: false }));
    const caller = await h.caller(alice, { mfa: false });
    const first = await stepUp(deps(), caller, { recoveryCode: recoveryCodes[0]!.toLowerCase().replace(/-/g, ' ') }, CTX);
    expect(first.amr).toEqual(['pwd', 'mfa', 'otp']);
    await expectCode(stepUp(deps(), caller, { recoveryCode: recoveryCodes[0]! }, CTX), 'InvalidCredentials');
    const [used] = await auditOf(ACTIVITY.recoveryCodeUsed);
    expect(JSON.parse(used!.details)).toMatchObject({ RecoveryCodesRemaining: '9' });

    const results = await Promise.allSettled(Array.from({ length: 8 }, () => stepUp(deps(), caller, { recoveryCode: recoveryCodes[1]! }, CTX)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await h.store.read.totp.remainingRecoveryCodes(h.tenantId, alice.id)).toBe(8);
    expect(await auditOf(ACTIVITY.recoveryCodeUsed)).toHaveLength(2);
  });

  it('asks for a recent MFA before replacing an authenticator or making new recovery codes, and names the step-up', async () => {
    const alice = await userWithPassword('alice@contoso.test');
    await enroll(await h.caller(alice, { mfa: false }));
    const withoutMfa = await h.caller(alice, { mfa: false });
    for (const attempt of [
      () => enrollTotp(deps(), withoutMfa),
      () => regenerateRecoveryCodes(deps(), withoutMfa),
      () => removeTotp(deps(), withoutMfa, alice.id),
    ]) {
      const refused = await expectCode(attempt(), 'Authorization_RequestDenied');
      expect(refused.details.failedRules).toEqual(['MfaRule']);
      expect(refused.message).toContain('/openpim/auth/stepup');
    }
    const withMfa = await h.caller(alice, { mfa: true });
    const { recoveryCodes } = await regenerateRecoveryCodes(deps(), withMfa);
    expect(recoveryCodes).toHaveLength(10);
    const replacement = await enrollTotp(deps(), withMfa);
    await confirmTotp(deps(), withMfa, totpAt(base32Decode(replacement.secret)!, h.clock.now()));
    expect((await h.store.read.totp.get(h.tenantId, alice.id, true))!.id).toBe(replacement.factorId);
    expect(await h.store.db.selectFrom('totp_factors').select('id').where('principal_id', '=', alice.id).execute()).toHaveLength(1);
  });

  it("keeps credentials of privileged accounts out of a helpdesk's reach", async () => {
    const helpdesk = await h.user('helpdesk@contoso.test');
    await grant(helpdesk.id, ROLE.helpdeskAdministrator);
    const paa = await h.user('paa@contoso.test');
    await grant(paa.id, ROLE.privilegedAuthenticationAdministrator);
    const plain = await h.user('plain@contoso.test');
    const eligibleGa = await h.user('eligible-ga@contoso.test');
    await grant(eligibleGa.id, ROLE.globalAdministrator, 'eligibility');
    const asHelpdesk = await h.caller(helpdesk);
    const asPaa = await h.caller(paa);

    await updateAccount(deps(), asHelpdesk, plain.id, { password: 'helpdesk set this' });
    for (const target of [eligibleGa.id, h.admin.principal.id]) {
      const refused = await expectCode(updateAccount(deps(), asHelpdesk, target, { password: 'take over the admin' }), 'Authorization_RequestDenied');
      expect(refused.message).toContain('privileged account');
    }
    await updateAccount(deps(), asPaa, eligibleGa.id, { password: 'paa may do this' });
    // Neither may disable accounts: that is a user administrator's (and for admins a Global Administrator's).
    await expectCode(updateAccount(deps(), asHelpdesk, plain.id, { accountEnabled: false }), 'Authorization_RequestDenied');
    // Refusals changed nothing.
    await expectCode(
      signIn(
        deps(),
        { tenantId: null, userPrincipalName: h.admin.principal.userPrincipalName!, password: 'take over the admin', totp: null, kind: 'api' },
        CTX,
      ),
      'InvalidCredentials',
    );
    expect(await auditOf(ACTIVITY.passwordReset)).toHaveLength(2);
  });

  it('gives service principals client secrets: shown once, stored hashed, expiring, removable; their tokens carry no MFA', async () => {
    const sp = await createServicePrincipal(h.deps, h.admin, { displayName: 'deployer', description: null, accountEnabled: true });
    const { secret, secretText } = await addClientSecret(deps(), h.admin, sp.id, { displayName: 'ci', endAt: h.clock.now() + 30 * DAY });
    expect(secretText).toMatch(/^[\w-]{43}$/);
    expect(secret.hint).toBe(secretText.slice(0, 3));
    const row = await h.store.db.selectFrom('client_secrets').selectAll().where('key_id', '=', secret.keyId).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(secretText);

    const token = await clientCredentials(deps(), { tenantId: null, clientId: sp.id, clientSecret: secretText });
    expect(token.amr).toEqual([]);
    expect(await tokens.verify(token.accessToken)).toEqual({
      tenantId: h.tenantId,
      principalId: sp.id,
      amr: [],
      authTime: null,
      acrs: [],
      sessionId: null,
      tokenId: expect.any(String),
    });
    const spCaller = await h.caller(sp.id, { mfa: false });
    expect(spCaller.mfa).toBe(false);

    await expectCode(clientCredentials(deps(), { tenantId: null, clientId: sp.id, clientSecret: `${secretText}x` }), 'InvalidCredentials');
    await expectCode(clientCredentials(deps(), { tenantId: null, clientId: h.admin.principal.id, clientSecret: secretText }), 'InvalidCredentials');
    h.clock.advance(30 * DAY);
    expect(
      (await expectCode(clientCredentials(deps(), { tenantId: null, clientId: sp.id, clientSecret: secretText }), 'InvalidCredentials')).message,
    ).toContain('expired');

    const second = await addClientSecret(deps(), h.admin, sp.id, { displayName: null, endAt: null });
    expect(second.secret.endAt).toBe(h.clock.now() + 180 * DAY);
    await removeClientCredential(h.deps, h.admin, sp.id, 'secret', second.secret.keyId);
    await expectCode(clientCredentials(deps(), { tenantId: null, clientId: sp.id, clientSecret: second.secretText }), 'InvalidCredentials');
    await expectCode(removeClientCredential(h.deps, h.admin, sp.id, 'secret', second.secret.keyId), 'Request_ResourceNotFound');
    await expectCode(addClientSecret(deps(), h.admin, sp.id, { displayName: null, endAt: h.clock.now() + 731 * DAY }), 'Request_BadRequest');
    expect((await auditOf(ACTIVITY.servicePrincipalCredentialsAdded)).length).toBe(2);
    expect((await auditOf(ACTIVITY.servicePrincipalCredentialsRemoved)).length).toBe(1);
  });

  it('lets an Application Administrator add secrets to a plain service principal, not to a privileged one', async () => {
    const appAdmin = await h.user('apps@contoso.test');
    await grant(appAdmin.id, ROLE.applicationAdministrator);
    const asAppAdmin = await h.caller(appAdmin);
    const plain = await createServicePrincipal(h.deps, asAppAdmin, { displayName: 'reporting', description: null, accountEnabled: true });
    const powerful = await createServicePrincipal(h.deps, asAppAdmin, { displayName: 'automation', description: null, accountEnabled: true });
    await grant(powerful.id, ROLE.privilegedRoleAdministrator);
    await addClientSecret(deps(), asAppAdmin, plain.id, { displayName: null, endAt: null });
    await expectCode(addClientSecret(deps(), asAppAdmin, powerful.id, { displayName: null, endAt: null }), 'Authorization_RequestDenied');
    await addClientSecret(deps(), h.admin, powerful.id, { displayName: null, endAt: null });
    // A disabled service principal gets no token even with a valid secret.
    const disabled = await createServicePrincipal(h.deps, h.admin, { displayName: 'off', description: null, accountEnabled: false });
    const { secretText } = await addClientSecret(deps(), h.admin, disabled.id, { displayName: null, endAt: null });
    await expectCode(clientCredentials(deps(), { tenantId: null, clientId: disabled.id, clientSecret: secretText }), 'Authorization_RequestDenied');
  });

  it('upgrades a hash made with older parameters at the next sign-in', async () => {
    const alice = await userWithPassword('alice@contoso.test');
    const stronger = argon2Passwords({ memory: 2048, passes: 1, parallelism: 1 });
    await signIn(
      { ...deps(), passwords: stronger },
      { tenantId: null, userPrincipalName: 'alice@contoso.test', password: PASSWORD, totp: null, kind: 'api' },
      CTX,
    );
    const row = await h.store.db.selectFrom('password_credentials').select('hash').where('principal_id', '=', alice.id).executeTakeFirstOrThrow();
    expect(row.hash).toMatch(/^\$argon2id\$v=19\$m=2048,/);
    expect(
      (
        await signIn(
          { ...deps(), passwords: stronger },
          { tenantId: null, userPrincipalName: 'alice@contoso.test', password: PASSWORD, totp: null, kind: 'api' },
          CTX,
        )
      ).token!.amr,
    ).toEqual(['pwd']);
  });
});
