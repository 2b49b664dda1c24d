/**
 * Sign-in sessions, pure: whether one is still good at `now` (revoked, past its absolute end, or
 * idle too long), how its secrets are stored and derived, and PKCE (RFC 7636, S256) for the CLI's
 * loopback sign-in. The cookie carries a random secret; the database keeps its digest; the CSRF
 * token is derived from the secret, so a page that can read it must already hold the cookie's value.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Instant } from '../time.ts';

export interface SessionSettings {
  /** A browser session ends after this long without a request (ms). */
  readonly idleTimeout: number;
  /** Every session ends this long after sign-in, however busy (ms). */
  readonly absoluteTimeout: number;
}

/** Defaults: a browser idle for 30 minutes signs in again; every session ends after 12 hours. */
export const DEFAULT_SESSION_SETTINGS: SessionSettings = { idleTimeout: 30 * 60_000, absoluteTimeout: 12 * 3_600_000 };

/** A browser session's last-seen time is written at most this often (ms): not on every request. */
export const TOUCH_INTERVAL = 60_000;
/** How long the CLI has to redeem a one-time authorization code (ms). */
export const CODE_TTL = 60_000;

export interface SessionTimes {
  readonly kind: 'browser' | 'cli' | 'api';
  readonly lastSeenAt: Instant;
  readonly expiresAt: Instant;
  readonly revokedAt: Instant | null;
}

export type SessionState = 'active' | 'revoked' | 'expired' | 'idle';

/** Only browser sessions time out when idle: tokens from the CLI and sign-in have their own short lifetime. */
export function sessionState(s: SessionTimes, now: Instant, settings: SessionSettings): SessionState {
  if (s.revokedAt !== null && s.revokedAt <= now) return 'revoked';
  if (now >= s.expiresAt) return 'expired';
  if (s.kind === 'browser' && now - s.lastSeenAt >= settings.idleTimeout) return 'idle';
  return 'active';
}

/**
 * Whether to write last-seen now: once a minute, or more often for short idle time-outs, so a
 * session is never judged idle by more than a tenth of its time-out while it is in use.
 */
export const needsTouch = (s: SessionTimes, now: Instant, settings: SessionSettings): boolean =>
  now - s.lastSeenAt >= Math.min(TOUCH_INTERVAL, settings.idleTimeout / 10);

const base64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const digest = (label: string, text: string): string => createHash('sha256').update(`${label}\0${text}`).digest('base64url');

/** 256 random bits, as the cookie (or one-time code) carries them. */
export const encodeSecret = (bytes: Uint8Array): string => base64url(bytes);
export const hashSessionSecret = (secret: string): string => digest('openpim-session', secret);
export const hashAuthorizationCode = (code: string): string => digest('openpim-code', code);
export const csrfTokenFor = (secret: string): string => digest('openpim-csrf', secret);

export function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A cookie or code value as we make them: 43 base64url characters (256 bits). */
export const isWellFormedSecret = (value: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(value);

/** RFC 7636 §4.1: 43–128 characters of [A-Z a-z 0-9 - . _ ~]. */
export const isCodeVerifier = (value: string): boolean => /^[A-Za-z0-9._~-]{43,128}$/.test(value);

/** RFC 7636 §4.2: BASE64URL(SHA256(verifier)) — 43 characters. */
export const isS256Challenge = (value: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(value);

export function pkceMatches(verifier: string, challenge: string): boolean {
  if (!isCodeVerifier(verifier)) return false;
  return sameToken(createHash('sha256').update(verifier, 'ascii').digest('base64url'), challenge);
}

/** The loopback interface by name or address (not `*.localhost`, which needs a resolver's help). */
export const isLoopbackHostname = (host: string): boolean => ['127.0.0.1', '[::1]', 'localhost'].includes(host);

/**
 * RFC 8252 §7.3: the CLI listens on the loopback interface on a port of its choosing; we accept
 * only plain http to the loopback address (127.0.0.1 or [::1] — not `localhost`, which §8.3 advises
 * against: it may resolve elsewhere), with no user info and no fragment.
 */
export function isLoopbackRedirect(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  return (
    url.protocol === 'http:' &&
    ['127.0.0.1', '[::1]'].includes(url.hostname) &&
    url.username === '' &&
    url.password === '' &&
    url.hash === '' &&
    uri.length <= 512
  );
}
