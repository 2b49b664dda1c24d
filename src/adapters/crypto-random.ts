/** The real source of secret bytes (TOTP secrets, recovery codes, client secrets). */
import { randomBytes } from 'node:crypto';
import type { Random } from '../app/ports/identity.ts';

export const cryptoRandom: Random = { bytes: (length) => new Uint8Array(randomBytes(length)) };
