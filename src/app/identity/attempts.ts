/**
 * Sign-in attempts against the lockout state (domain/identity/lockout.ts). Each attempt is first
 * reserved — counted as a failure — in a short transaction; the password or code is then checked
 * *outside* any transaction (argon2 takes tens of milliseconds and must not hold the write lock);
 * a success clears the count, a failure only has its lockout audited.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { SYSTEM_ACTOR } from '../../domain/audit/event.ts';
import { DomainError } from '../../domain/errors.ts';
import { afterFailure, DEFAULT_LOCKOUT_POLICY, lockedFor, type LockoutPolicy } from '../../domain/identity/lockout.ts';
import type { Principal } from '../../domain/model.ts';
import { formatDuration, type Instant } from '../../domain/time.ts';
import { auditRecord, principalTarget } from '../audit/record.ts';
import type { UnitOfWork } from '../ports/repositories.ts';

/** Where an attempt came from: for the audit trail of a lockout. */
export interface AttemptContext {
  readonly correlationId: string;
  readonly sourceIp: string | null;
}

export type AttemptMethod = 'password' | 'totp' | 'recoveryCode' | 'webauthn';

/** The one refusal for any wrong password or code: it never says which part was wrong. */
export const invalidCredentials = (message = 'The user principal name, password or verification code is incorrect.') =>
  new DomainError('InvalidCredentials', message);

/** A 429 with Retry-After; the same wording for a lockout and a rate limit, so neither tells the other apart. */
export const tooManyAttempts = (ms: number) => {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return new DomainError('TooManyRequests', `Too many attempts; try again in ${seconds} seconds.`, { retryAfterSeconds: seconds });
};

/** What reserving an attempt found: the failure it counted in advance, and whether that locked the account. */
export interface Reservation {
  readonly lockedByThis: { readonly lockedUntil: Instant; readonly lockouts: number; readonly lockMs: number } | null;
}

/**
 * Counts an attempt as a failure *before* the password or code is checked, so concurrent guesses
 * cannot outrun the lockout: the fifth reservation locks the account and the sixth is refused,
 * however many requests arrive at once. A success then clears the count (`recordSignIn`).
 * Throws TooManyRequests while the account is locked; nothing is checked then.
 */
export async function reserveAttempt(deps: { uow: UnitOfWork<'accounts'>; lockout?: LockoutPolicy }, principal: Principal, now: Instant): Promise<Reservation> {
  const result = await deps.uow.run(async (tx): Promise<number | Reservation> => {
    const state = await tx.accounts.signInState(principal.tenantId, principal.id);
    const locked = lockedFor(state, now);
    if (locked > 0) return locked;
    const outcome = afterFailure(state, now, deps.lockout ?? DEFAULT_LOCKOUT_POLICY);
    await tx.accounts.saveSignInState(principal.tenantId, principal.id, outcome.state);
    return { lockedByThis: outcome.locked ? { lockedUntil: outcome.state.lockedUntil!, lockouts: outcome.state.lockouts, lockMs: outcome.lockMs } : null };
  });
  if (typeof result === 'number') throw tooManyAttempts(result);
  return result;
}

/**
 * The reserved attempt failed. If its reservation locked the account, the lockout is audited now
 * that it is certain (a right password on that attempt would have cleared it).
 */
export async function confirmFailure(
  deps: { uow: UnitOfWork<'audit'> },
  principal: Principal,
  reservation: Reservation,
  method: AttemptMethod,
  now: Instant,
  context: AttemptContext,
): Promise<void> {
  const lock = reservation.lockedByThis;
  if (!lock) return;
  await deps.uow.run(async (tx) => {
    await tx.audit.append(
      auditRecord(principal.tenantId, SYSTEM_ACTOR, context.correlationId, now, {
        activity: ACTIVITY.accountLocked,
        category: 'UserManagement',
        operationType: 'Update',
        result: 'failure',
        resultReason: `Too many failed sign-in attempts; locked for ${formatDuration(lock.lockMs)}.`,
        targets: [principalTarget(principal)],
        details: {
          FailedMethod: method,
          LockedUntil: new Date(lock.lockedUntil).toISOString(),
          LockoutsInARow: String(lock.lockouts),
          ...(context.sourceIp ? { SourceIpAddress: context.sourceIp } : {}),
        },
      }),
    );
  });
}
