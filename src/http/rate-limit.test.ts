import { describe, expect, it } from 'vitest';
import { memoryRateLimiter } from './rate-limit.ts';

function clock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('memoryRateLimiter', () => {
  it('allows the per-account budget, then asks to wait until a token is back', () => {
    const c = clock();
    const limiter = memoryRateLimiter(c, { perIpPerMinute: 100, perAccountPerMinute: 6 });
    for (let i = 0; i < 6; i++) expect(limiter.attempt('10.0.0.1', 'alice')).toBe(0);
    expect(limiter.attempt('10.0.0.1', 'alice')).toBe(10_000);
    c.advance(9_999);
    expect(limiter.attempt('10.0.0.1', 'alice')).toBe(1);
    c.advance(1);
    expect(limiter.attempt('10.0.0.1', 'alice')).toBe(0);
    // Another account from the same address is not affected.
    expect(limiter.attempt('10.0.0.1', 'bob')).toBe(0);
  });

  it('limits one address across accounts', () => {
    const c = clock();
    const limiter = memoryRateLimiter(c, { perIpPerMinute: 3, perAccountPerMinute: 100 });
    expect(['a', 'b', 'c'].map((a) => limiter.attempt('10.0.0.9', a))).toEqual([0, 0, 0]);
    expect(limiter.attempt('10.0.0.9', 'd')).toBe(20_000);
    expect(limiter.attempt('10.0.0.10', 'd')).toBe(0);
  });

  it('counts nothing for a refused attempt: one empty bucket does not drain the other', () => {
    const c = clock();
    const limiter = memoryRateLimiter(c, { perIpPerMinute: 2, perAccountPerMinute: 100 });
    limiter.attempt('ip1', 'alice');
    limiter.attempt('ip1', 'alice');
    for (let i = 0; i < 50; i++) expect(limiter.attempt('ip1', 'alice')).toBeGreaterThan(0);
    // alice's own bucket lost only the two allowed attempts.
    for (let i = 0; i < 98; i++) expect(limiter.attempt(`ip-${i}`, 'alice')).toBe(0);
    expect(limiter.attempt('ip-x', 'alice')).toBeGreaterThan(0);
  });

  it('keeps its memory bounded, forgetting refilled buckets before a spent one, even an older one', () => {
    const c = clock();
    const limiter = memoryRateLimiter(c, { perIpPerMinute: 1000, perAccountPerMinute: 3, maxKeys: 50 });
    for (let i = 0; i < 3; i++) limiter.attempt('proxy', 'spent'); // the least recently used bucket
    for (let i = 0; i < 30; i++) limiter.attempt('proxy', `idle${i}`);
    c.advance(25_000); // the idle buckets are full again (they say nothing); 'spent' has 1.25 tokens
    for (let i = 0; i < 25; i++) limiter.attempt('proxy', `new${i}`);
    // Pruning kept 'spent': one more attempt, then it limits (forgotten, it would allow three).
    expect(limiter.attempt('proxy', 'spent')).toBe(0);
    expect(limiter.attempt('proxy', 'spent')).toBeGreaterThan(0);
  });
});
