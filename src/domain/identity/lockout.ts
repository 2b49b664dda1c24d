/**
 * Lockout with back-off after failed sign-in attempts (wrong password, TOTP or recovery code).
 * After `threshold` failures close together the account is locked for `baseLock`; each further
 * lockout within `memory` doubles the period, up to `maxLock`. A success clears everything.
 * Pure: the caller supplies the state and `now` and stores what comes back.
 */
import { DAY, HOUR, MINUTE, type Instant } from '../time.ts';

export interface LockoutPolicy {
  /** Failures that lock the account. */
  readonly threshold: number;
  /** Failures further apart than this do not add up: the count starts again. */
  readonly failureWindow: number;
  /** The first lock's length. */
  readonly baseLock: number;
  /** The longest lock. */
  readonly maxLock: number;
  /** Lockouts are remembered this long after the last failure, for the back-off. */
  readonly memory: number;
}

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = {
  threshold: 5,
  failureWindow: 15 * MINUTE,
  baseLock: MINUTE,
  maxLock: HOUR,
  memory: DAY,
};

export interface SignInState {
  /** Failures since the last success or lockout. */
  readonly failures: number;
  /** Lockouts in a row (the back-off exponent). */
  readonly lockouts: number;
  readonly lockedUntil: Instant | null;
  readonly lastFailureAt: Instant | null;
}

export const CLEAN_STATE: SignInState = { failures: 0, lockouts: 0, lockedUntil: null, lastFailureAt: null };

/** How long the account stays locked from `now` (0: not locked). */
export const lockedFor = (state: SignInState, now: Instant): number => (state.lockedUntil !== null && state.lockedUntil > now ? state.lockedUntil - now : 0);

export interface FailureOutcome {
  readonly state: SignInState;
  /** This failure locked the account, for `lockMs`. */
  readonly locked: boolean;
  readonly lockMs: number;
}

/**
 * The state after one more failure at `now`.
 * @example afterFailure of the 5th failure within 15 minutes → locked for 1 min; the next lockout 2 min, then 4, … 60.
 */
export function afterFailure(state: SignInState, now: Instant, policy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY): FailureOutcome {
  const last = state.lastFailureAt;
  const lockouts = last !== null && now - last > policy.memory ? 0 : state.lockouts;
  const failures = last !== null && now - last <= policy.failureWindow ? state.failures + 1 : 1;
  if (failures < policy.threshold) {
    return { state: { failures, lockouts, lockedUntil: state.lockedUntil, lastFailureAt: now }, locked: false, lockMs: 0 };
  }
  const lockMs = Math.min(policy.baseLock * 2 ** Math.min(lockouts, 30), policy.maxLock);
  return { state: { failures: 0, lockouts: lockouts + 1, lockedUntil: now + lockMs, lastFailureAt: now }, locked: true, lockMs };
}

/** The state after a successful sign-in: no failures, no back-off. */
export const afterSuccess = (): SignInState => CLEAN_STATE;
