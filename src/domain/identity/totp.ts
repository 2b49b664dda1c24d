/**
 * HOTP (RFC 4226) and TOTP (RFC 6238) with HMAC-SHA-1, 6 digits and 30-second steps: what every
 * authenticator app does by default. Pure: the time is a parameter, and a code is accepted only
 * for a step after the last one used, so a code cannot be replayed within its window.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Instant } from '../time.ts';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted either side of the current one: tolerates 30 s of clock drift or typing time. */
export const TOTP_WINDOW = 1;

/**
 * The HOTP value of `key` at `counter` (RFC 4226 §5.3: dynamic truncation of HMAC-SHA-1).
 * @example hotp(Buffer.from('12345678901234567890'), 0) === '755224'
 */
export function hotp(key: Uint8Array, counter: number, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The TOTP time step an instant falls in (RFC 6238 §4: T0 = 0). */
export const timeStep = (at: Instant): number => Math.floor(at / 1000 / TOTP_PERIOD_SECONDS);

/** The code an authenticator shows at `at`. */
export const totpAt = (key: Uint8Array, at: Instant, digits = TOTP_DIGITS): string => hotp(key, timeStep(at), digits);

/**
 * The time step a code matches at `now` (within ±TOTP_WINDOW steps), or null. Steps at or before
 * `lastUsedStep` never match: each code works once, and an older one never after a newer one.
 */
export function matchTotp(key: Uint8Array, code: string, now: Instant, lastUsedStep: number | null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const current = timeStep(now);
  const given = Buffer.from(code);
  let matched: number | null = null;
  // Every candidate is computed and compared, so the time taken does not say which step matched.
  for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step++) {
    const equal = timingSafeEqual(Buffer.from(hotp(key, step)), given);
    if (equal && step >= 0 && (lastUsedStep === null || step > lastUsedStep) && matched === null) matched = step;
  }
  return matched;
}
