import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../time.ts';
import { csrfTokenFor, hashSessionSecret, isLoopbackRedirect, needsTouch, pkceMatches, sessionState, type SessionTimes } from './sessions.ts';

const settings = { idleTimeout: 30 * MINUTE, absoluteTimeout: 12 * HOUR };
const t0 = Date.UTC(2026, 10, 22, 8);
const browser: SessionTimes = { kind: 'browser', lastSeenAt: t0, expiresAt: t0 + 12 * HOUR, revokedAt: null };

describe('session state', () => {
  it.each([
    ['fresh', browser, t0, 'active'],
    ['one ms before the idle limit', browser, t0 + 30 * MINUTE - 1, 'active'],
    ['at the idle limit', browser, t0 + 30 * MINUTE, 'idle'],
    ['busy but at the absolute end', { ...browser, lastSeenAt: t0 + 12 * HOUR - 1 }, t0 + 12 * HOUR, 'expired'],
    ['a CLI session does not idle out', { ...browser, kind: 'cli' }, t0 + 5 * HOUR, 'active'],
    ['a CLI session ends absolutely', { ...browser, kind: 'cli' }, t0 + 12 * HOUR, 'expired'],
    ['revoked', { ...browser, revokedAt: t0 + MINUTE }, t0 + MINUTE, 'revoked'],
  ] as const)('%s', (_name, times, now, expected) => {
    expect(sessionState(times, now, settings)).toBe(expected);
  });

  it('writes last-seen once a minute, not on every request', () => {
    expect(needsTouch(browser, t0 + 59_999, settings)).toBe(false);
    expect(needsTouch(browser, t0 + 60_000, settings)).toBe(true);
  });

  it('writes it more often for short idle time-outs: never judged idle by more than a tenth while in use', () => {
    const short = { ...settings, idleTimeout: MINUTE };
    expect(needsTouch(browser, t0 + 5_999, short)).toBe(false);
    expect(needsTouch(browser, t0 + 6_000, short)).toBe(true);
  });
});

describe('secrets', () => {
  it('stores a digest, and derives a CSRF token that differs from it and from the secret', () => {
    const secret = 'a'.repeat(43);
    expect(hashSessionSecret(secret)).not.toBe(secret);
    expect(csrfTokenFor(secret)).not.toBe(hashSessionSecret(secret));
    expect(csrfTokenFor(secret)).toBe(csrfTokenFor(secret));
    expect(csrfTokenFor('b'.repeat(43))).not.toBe(csrfTokenFor(secret));
  });
});

describe('PKCE S256 (RFC 7636)', () => {
  it('matches the RFC 7636 appendix B example', () => {
    expect(pkceMatches('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(true);
  });
  it('refuses another verifier, and verifiers outside the grammar', () => {
    const challenge = createHash('sha256').update('x'.repeat(43)).digest('base64url');
    expect(pkceMatches('x'.repeat(43), challenge)).toBe(true);
    expect(pkceMatches('y'.repeat(43), challenge)).toBe(false);
    expect(pkceMatches('x'.repeat(42), createHash('sha256').update('x'.repeat(42)).digest('base64url'))).toBe(false);
  });
});

describe('loopback redirect URIs (RFC 8252)', () => {
  it.each([
    ['http://127.0.0.1:49152/callback', true],
    ['http://[::1]:8000/cb', true],
    ['http://localhost:1234/', false],
    ['https://127.0.0.1:1/callback', false],
    ['http://evil.example/callback', false],
    ['http://127.0.0.1.evil.example/callback', false],
    ['http://user@127.0.0.1:1/callback', false],
    ['http://127.0.0.1:1/callback#x', false],
    ['not a url', false],
  ])('%s → %s', (uri, ok) => {
    expect(isLoopbackRedirect(uri)).toBe(ok);
  });
});
