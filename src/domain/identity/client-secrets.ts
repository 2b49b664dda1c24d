/**
 * Client secrets of service principals (the `client_credentials` grant): 256 random bits as
 * base64url, shown once. Only the SHA-256 is kept — as with recovery codes, the entropy makes a
 * slow hash pointless — and the first three characters as a hint, as Graph's `hint` does.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { DAY } from '../time.ts';

export const CLIENT_SECRET_BYTES = 32;
/** Graph's default and longest lifetime of a password credential: two years. */
export const CLIENT_SECRET_MAX_LIFETIME = 730 * DAY;
export const CLIENT_SECRET_DEFAULT_LIFETIME = 180 * DAY;

export function formatClientSecret(random: Uint8Array): string {
  if (random.length !== CLIENT_SECRET_BYTES) throw new Error(`a client secret takes ${CLIENT_SECRET_BYTES} random bytes`);
  return Buffer.from(random).toString('base64url');
}

export const hashClientSecret = (secret: string): string => createHash('sha256').update(`openpim-client-secret:${secret}`).digest('hex');

export const clientSecretHint = (secret: string): string => secret.slice(0, 3);

/** Whether `secret` is the one a stored hash was made from (compared in constant time). */
export function clientSecretMatches(storedHash: string, secret: string): boolean {
  const given = Buffer.from(hashClientSecret(secret));
  const stored = Buffer.from(storedHash);
  return stored.length === given.length && timingSafeEqual(stored, given);
}
