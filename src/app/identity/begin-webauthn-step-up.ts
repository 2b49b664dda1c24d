/**
 * Starts a WebAuthn step-up: options for `navigator.credentials.get()` listing the caller's
 * credentials, user verification required, with a fresh single-use challenge (5 minutes).
 */
import { DomainError } from '../../domain/errors.ts';
import type { Caller } from '../caller.ts';
import { assertUser } from './enroll-totp.ts';
import { CHALLENGE_BYTES, CHALLENGE_TTL, type WebAuthnDeps } from './webauthn-challenges.ts';

export async function beginWebAuthnStepUp(deps: WebAuthnDeps<'webauthn'>, caller: Caller): Promise<Record<string, unknown>> {
  assertUser(caller);
  const user = caller.principal;
  const now = deps.clock.now();
  const credentials = await deps.uow.read.webauthn.list(user.tenantId, user.id);
  if (credentials.length === 0) {
    throw new DomainError(
      'AuthenticationMethodNotEnrolled',
      'You have no security key or passkey: register one at POST /openpim/auth/webauthn/register/options first.',
    );
  }
  const options = await deps.ceremonies.authenticationOptions(deps.rp, { challenge: deps.random.bytes(CHALLENGE_BYTES), allow: credentials });
  await deps.uow.run(async (tx) => {
    await tx.webauthn.putChallenge({
      tenantId: user.tenantId,
      challenge: options.challenge,
      principalId: user.id,
      purpose: 'authentication',
      createdAt: now,
      expiresAt: now + CHALLENGE_TTL,
    });
  });
  return options;
}
