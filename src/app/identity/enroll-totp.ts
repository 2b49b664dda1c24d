/**
 * Starts enrolling an authenticator app for the caller: a new random secret, returned once as
 * base32 and as an otpauth:// URI (for a QR code). Nothing changes for sign-in until the user
 * confirms it with a code (confirm-totp.ts), so a pending enrollment is not audited.
 *
 * Replacing an existing authenticator needs a recent MFA: otherwise whoever learnt the password
 * could swap the victim's second factor for their own.
 */
import { DomainError } from '../../domain/errors.ts';
import { base32Encode } from '../../domain/identity/base32.ts';
import { otpauthUri } from '../../domain/identity/otpauth.ts';
import { MINUTE, type Instant } from '../../domain/time.ts';
import type { Caller } from '../caller.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { Random } from '../ports/identity.ts';
import type { UnitOfWork } from '../ports/repositories.ts';

/** How long an enrollment waits for its confirming code. */
export const ENROLLMENT_TTL = 10 * MINUTE;
/** RFC 4226 §4: at least 128 bits, 160 recommended. */
const SECRET_BYTES = 20;

export interface TotpEnrollment {
  readonly factorId: string;
  readonly secret: string;
  readonly otpauthUri: string;
  readonly expiresAt: Instant;
}

/** Refuses with a step-up challenge (MfaRule) unless the caller passed MFA recently. */
export function requireRecentMfa(caller: Caller, what: string): void {
  if (!caller.mfa) {
    throw new DomainError(
      'Authorization_RequestDenied',
      `${what} needs a recent multi-factor authentication: step up at POST /openpim/auth/stepup and retry.`,
      {
        failedRules: ['MfaRule'],
      },
    );
  }
}

/** Users only: service principals have client secrets, not authenticators. */
export function assertUser(caller: Caller): void {
  if (caller.principal.type !== 'user') {
    throw new DomainError('Request_BadRequest', 'Only users have authentication methods; service principals use client secrets.');
  }
}

export async function enrollTotp(
  deps: { uow: UnitOfWork<'totp' | 'webauthn' | 'tenants'>; clock: Clock; ids: Ids; random: Random },
  caller: Caller,
): Promise<TotpEnrollment> {
  assertUser(caller);
  const user = caller.principal;
  const now = deps.clock.now();
  if (await deps.uow.read.totp.get(user.tenantId, user.id, true)) requireRecentMfa(caller, 'Replacing your authenticator app');
  // Adding a factor next to a security key or passkey needs one too (whoever learnt the password could add theirs).
  if ((await deps.uow.read.webauthn.list(user.tenantId, user.id)).length > 0) requireRecentMfa(caller, 'Adding an authenticator app');
  const secret = base32Encode(deps.random.bytes(SECRET_BYTES));
  const factorId = deps.ids.uuid();
  const tenant = await deps.uow.read.tenants.get(user.tenantId);
  await deps.uow.run(async (tx) => {
    await tx.totp.putPending({
      tenantId: user.tenantId,
      id: factorId,
      principalId: user.id,
      secret,
      active: false,
      createdAt: now,
      confirmedAt: null,
      lastUsedStep: null,
    });
  });
  return {
    factorId,
    secret,
    otpauthUri: otpauthUri(tenant?.displayName ?? 'OpenPIM', user.userPrincipalName ?? user.id, secret),
    expiresAt: now + ENROLLMENT_TTL,
  };
}
