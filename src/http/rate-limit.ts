/**
 * Rate limiting of sign-in, step-up and the token endpoint: a token bucket per source IP and one
 * per account (a user principal name, a signed-in user, a client id), each refilled at its budget
 * per minute. An attempt takes one token from both, or — when either is empty — none, and the
 * caller is told how long to wait (429 + Retry-After).
 *
 * In memory, so each node limits on its own: with N nodes behind a load balancer the budget is up
 * to N times larger. The durable, shared protection is the account lockout in the database
 * (docs/decisions/0008); this limiter only keeps floods away from argon2 and the database.
 */
import type { Clock } from '../app/ports/clock.ts';

export interface RateLimits {
  /** Attempts per minute from one source IP address, across accounts and endpoints. */
  readonly perIpPerMinute: number;
  /** Attempts per minute on one account. */
  readonly perAccountPerMinute: number;
  /** Buckets kept before the fullest are forgotten (memory bound). Default 100,000. */
  readonly maxKeys?: number;
}

export interface RateLimiter {
  /** Counts an attempt; returns 0 when allowed, else the milliseconds to wait (nothing is counted then). */
  attempt(ip: string, account: string): number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function memoryRateLimiter(clock: Clock, limits: RateLimits): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const maxKeys = limits.maxKeys ?? 100_000;

  const level = (key: string, capacity: number, now: number): Bucket => {
    const b = buckets.get(key);
    const rate = capacity / 60_000;
    if (!b) return { tokens: capacity, at: now };
    return { tokens: Math.min(capacity, b.tokens + Math.max(0, now - b.at) * rate), at: now };
  };

  /**
   * Drops full buckets (they say nothing), least recently used first; then the least recently used
   * if still too many. Down to 90 % of the bound, so a flood of new keys prunes once per 10 %, not
   * on every attempt.
   */
  const prune = (now: number) => {
    const target = Math.floor(maxKeys * 0.9);
    for (const key of [...buckets.keys()]) {
      if (buckets.size <= target) return;
      const capacity = key.startsWith('ip:') ? limits.perIpPerMinute : limits.perAccountPerMinute;
      if (level(key, capacity, now).tokens >= capacity) buckets.delete(key);
    }
    for (const key of buckets.keys()) {
      if (buckets.size <= target) return;
      buckets.delete(key);
    }
  };

  return {
    attempt(ip, account) {
      const now = clock.now();
      const wanted = [
        { key: `ip:${ip}`, capacity: limits.perIpPerMinute },
        { key: `account:${account}`, capacity: limits.perAccountPerMinute },
      ];
      const levels = wanted.map((w) => ({ ...w, bucket: level(w.key, w.capacity, now) }));
      const wait = Math.max(0, ...levels.map((l) => (l.bucket.tokens >= 1 ? 0 : Math.ceil(((1 - l.bucket.tokens) * 60_000) / l.capacity))));
      if (wait > 0) return wait;
      for (const l of levels) {
        buckets.delete(l.key); // re-inserted last: the map stays in order of last use
        buckets.set(l.key, { tokens: l.bucket.tokens - 1, at: now });
      }
      if (buckets.size > maxKeys) prune(now);
      return 0;
    },
  };
}
