import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../time.ts';
import { afterFailure, afterSuccess, CLEAN_STATE, DEFAULT_LOCKOUT_POLICY, lockedFor, type SignInState } from './lockout.ts';

const T0 = Date.UTC(2026, 0, 5, 9);

/** Fails `n` times, one second apart, from `at`. */
function fail(state: SignInState, n: number, at: number): { state: SignInState; locks: number[] } {
  const locks: number[] = [];
  for (let i = 0; i < n; i++) {
    const outcome = afterFailure(state, at + i * 1000);
    state = outcome.state;
    if (outcome.locked) locks.push(outcome.lockMs);
  }
  return { state, locks };
}

describe('lockout back-off', () => {
  it('locks on the fifth failure close together, for one minute', () => {
    const four = fail(CLEAN_STATE, 4, T0);
    expect(four.locks).toEqual([]);
    expect(lockedFor(four.state, T0 + 4000)).toBe(0);
    const outcome = afterFailure(four.state, T0 + 4000);
    expect(outcome).toMatchObject({ locked: true, lockMs: MINUTE });
    expect(lockedFor(outcome.state, T0 + 4000)).toBe(MINUTE);
    expect(lockedFor(outcome.state, T0 + 4000 + MINUTE)).toBe(0);
  });

  it('doubles the lock with each lockout in a row, up to an hour', () => {
    let state = CLEAN_STATE;
    const periods: number[] = [];
    let at = T0;
    for (let round = 0; round < 9; round++) {
      const r = fail(state, 5, at);
      periods.push(...r.locks);
      state = r.state;
      at = state.lockedUntil!; // the attacker waits out each lock and tries again
    }
    expect(periods).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60].map((m) => m * MINUTE));
  });

  it('does not add up failures further apart than the failure window', () => {
    let state = CLEAN_STATE;
    for (let i = 0; i < 20; i++) {
      const outcome = afterFailure(state, T0 + i * (DEFAULT_LOCKOUT_POLICY.failureWindow + 1));
      expect(outcome.locked).toBe(false);
      state = outcome.state;
    }
    expect(state.failures).toBe(1);
  });

  it('forgets earlier lockouts after a day without failures', () => {
    const first = fail(CLEAN_STATE, 5, T0);
    const second = fail(first.state, 5, first.state.lockedUntil!);
    expect(second.locks).toEqual([2 * MINUTE]);
    const later = fail(second.state, 5, second.state.lastFailureAt! + DAY + HOUR);
    expect(later.locks).toEqual([MINUTE]);
  });

  it('clears everything after a success', () => {
    const locked = fail(CLEAN_STATE, 5, T0).state;
    expect(afterSuccess()).toEqual(CLEAN_STATE);
    expect(fail(afterSuccess(), 5, locked.lockedUntil!).locks).toEqual([MINUTE]);
  });
});
