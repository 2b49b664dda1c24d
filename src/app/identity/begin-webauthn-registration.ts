/**
 * Starts registering a passkey or security key for the caller: options for
 * `navigator.credentials.create()` with a fresh challenge, stored server-side for 5 minutes and
 * usable once. Like replacing an authenticator app, adding a factor to an account that has one
 * needs a recent MFA — otherwise whoever learnt the password could add their own key.
 */
import type { Caller } from '../caller.ts';
import { assertUser, requireRecentMfa } from './enroll-totp.ts';
import { CHALLENGE_BYTES, CHALLENGE_TTL, type WebAuthnDeps } from './webauthn-challenges.ts';

export async function beginWebAuthnRegistration(deps: WebAuthnDeps<'webauthn' | 'totp'>, caller: Caller): Promise<Record<string, unknown>> {
  assertUser(caller);
  const user = caller.principal;
  const read = deps.uow.read;
  const now = deps.clock.now();
  const [totp, existing] = await Promise.all([read.totp.get(user.tenantId, user.id, true), read.webauthn.list(user.tenantId, user.id)]);
  if (totp || existing.length > 0) requireRecentMfa(caller, 'Adding a security key or passkey');
  const options = await deps.ceremonies.registrationOptions(deps.rp, {
    challenge: deps.random.bytes(CHALLENGE_BYTES),
    userId: user.id,
    userName: user.userPrincipalName ?? user.id,
    displayName: user.displayName,
    exclude: existing,
  });
  await deps.uow.run(async (tx) => {
    await tx.webauthn.putChallenge({
      tenantId: user.tenantId,
      challenge: options.challenge,
      principalId: user.id,
      purpose: 'registration',
      createdAt: now,
      expiresAt: now + CHALLENGE_TTL,
    });
  });
  return options;
}
