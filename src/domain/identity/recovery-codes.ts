/**
 * Recovery codes: single-use codes for when the authenticator is lost. Each is 80 random bits
 * shown as `XXXX-XXXX-XXXX-XXXX` (base32). Only their SHA-256 is stored: with 80 bits of entropy a
 * slow password hash adds nothing (guessing one from a stolen hash costs ~2^79 hashes), and a fast
 * hash lets a code be looked up by its hash, so "use once" is one conditional UPDATE.
 */
import { createHash } from 'node:crypto';
import { base32Encode } from './base32.ts';

export const RECOVERY_CODE_COUNT = 10;
/** Random bytes per code (80 bits → 16 base32 characters). */
export const RECOVERY_CODE_BYTES = 10;

/** Formats 10 random bytes as a code. */
export function formatRecoveryCode(random: Uint8Array): string {
  if (random.length !== RECOVERY_CODE_BYTES) throw new Error(`a recovery code takes ${RECOVERY_CODE_BYTES} random bytes`);
  return base32Encode(random).match(/.{4}/g)!.join('-');
}

/** A code as typed (any case, with or without dashes and spaces) in its canonical form, or null if it cannot be one. */
export function normalizeRecoveryCode(input: string): string | null {
  const clean = input.replace(/[\s-]/g, '').toUpperCase();
  return /^[A-Z2-7]{16}$/.test(clean) ? clean : null;
}

/** What is stored for a code (hex SHA-256 of its canonical form). */
export const hashRecoveryCode = (code: string): string =>
  createHash('sha256')
    .update(`openpim-recovery:${normalizeRecoveryCode(code) ?? code}`)
    .digest('hex');
