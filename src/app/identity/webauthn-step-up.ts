/**
 * WebAuthn step-up: the holder of a valid token proves possession of a registered passkey or
 * security key, with user verification, against a challenge from begin-webauthn-step-up.ts. The
 * fresh token's `amr` adds `mfa` and `hwk` (device-bound key) or `swk` (synced passkey), its
 * `auth_time` is now, and its `acrs` add every authentication context this factor satisfies
 * (default: `phishing-resistant`). Counted against the lockout like a wrong code.
 */
import { DomainError } from '../../domain/errors.ts';
import { contextsSatisfiedBy } from '../../domain/identity/authentication-contexts.ts';
import type { LockoutPolicy } from '../../domain/identity/lockout.ts';
import type { Caller } from '../caller.ts';
import { confirmFailure, invalidCredentials, reserveAttempt, type AttemptContext } from './attempts.ts';
import { assertUser } from './enroll-totp.ts';
import { issueToken, type IssuedToken, type TokenDeps } from './issue-token.ts';
import { echoedChallenge, responseCredentialId, type WebAuthnStepUpDeps } from './webauthn-challenges.ts';

export interface WebAuthnStepUpResult extends IssuedToken {
  readonly acrs: readonly string[];
}

export async function webAuthnStepUp(
  deps: WebAuthnStepUpDeps & TokenDeps & { readonly lockout?: LockoutPolicy },
  caller: Caller,
  response: unknown,
  context: AttemptContext,
): Promise<WebAuthnStepUpResult> {
  assertUser(caller);
  const user = caller.principal;
  const now = deps.clock.now();
  const challenge = echoedChallenge(response);
  const credentialId = responseCredentialId(response);
  if (!challenge || !credentialId)
    throw new DomainError(
      'Request_BadRequest',
      'response is not a WebAuthn authentication response (id, response.clientDataJSON, authenticatorData, signature).',
    );
  if ((await deps.uow.read.webauthn.list(user.tenantId, user.id)).length === 0) {
    throw new DomainError('AuthenticationMethodNotEnrolled', 'You have no security key or passkey: register one first.');
  }
  const reservation = await reserveAttempt(deps, user, now);

  /** The token's and session's `amr` and `acrs` after a step-up with this kind of key. */
  const stepped = (factor: 'hwk' | 'swk'): [string[], string[]] => [
    [...new Set([...caller.amr, 'mfa', factor])],
    [...new Set([...caller.acrs, ...contextsSatisfiedBy(deps.contexts, factor)])],
  ];
  const check = async (): Promise<'hwk' | 'swk' | null> => {
    const taken = await deps.uow.run((tx) => tx.webauthn.takeChallenge(user.tenantId, challenge, user.id, 'authentication', now));
    if (!taken) return null;
    const credential = await deps.uow.read.webauthn.get(user.tenantId, credentialId);
    if (!credential || credential.principalId !== user.id) return null;
    const verified = await deps.ceremonies.verifyAssertion(deps.rp, response, taken.challenge, credential);
    if (!verified) return null;
    const factor = credential.hardware ? 'hwk' : 'swk';
    return deps.uow.run(async (tx) => {
      // The counter only moves forward, decided by the database (a cloned key shows as a regression).
      if (!(await tx.webauthn.use(user.tenantId, credential.id, verified.newCounter, now))) return null;
      await tx.accounts.recordSignIn(user.tenantId, user.id, now);
      // The caller's sign-in session (a browser's cookie, and later tokens from it) carries the
      // step-up too — committed with the key's use, or neither.
      if (caller.sessionId) await tx.sessions.updateAuthentication(user.tenantId, caller.sessionId, ...stepped(factor), now);
      return factor;
    });
  };
  const factor = await check();
  if (!factor) {
    await confirmFailure(deps, user, reservation, 'webauthn', now, context);
    throw invalidCredentials('The security key or passkey response did not verify (unknown or used challenge, wrong origin, signature or counter).');
  }
  const [amr, acrs] = stepped(factor);
  const token = await issueToken(deps, { tenantId: user.tenantId, principalId: user.id, amr, authTime: now, acrs, sessionId: caller.sessionId ?? null });
  return { ...token, acrs };
}
