/**
 * Password hashing with argon2id from Node's own crypto (node:crypto `argon2`, Node ≥ 24.7): no
 * native package (docs/decisions/0008). Hashes are PHC strings carrying their parameters, so
 * raising the cost later keeps old hashes verifiable and upgrades them at the next sign-in.
 */
import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PasswordHasher } from '../app/ports/identity.ts';

export interface Argon2Parameters {
  /** Memory in KiB. */
  readonly memory: number;
  /** Passes over memory (time cost). */
  readonly passes: number;
  readonly parallelism: number;
}

/** OWASP's baseline for argon2id: 19 MiB, 2 passes, 1 lane (~50 ms on a small server core). */
export const DEFAULT_ARGON2: Argon2Parameters = { memory: 19_456, passes: 2, parallelism: 1 };

const SALT_BYTES = 16;
const TAG_BYTES = 32;
const VERSION = 19; // 0x13, the only version Node implements
const PHC = /^\$argon2id\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;
/** Bounds on parameters read back from storage, so a corrupted row cannot make one check take minutes. */
const LIMITS = { memory: 1 << 20, passes: 20, parallelism: 16 };

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64').replace(/=+$/, '');

function derive(password: string, salt: Uint8Array, p: Argon2Parameters, tagLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2('argon2id', { message: password, nonce: salt, parallelism: p.parallelism, tagLength, memory: p.memory, passes: p.passes }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

interface Parsed extends Argon2Parameters {
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function parse(stored: string): Parsed | null {
  const m = PHC.exec(stored);
  if (!m) return null;
  const [version, memory, passes, parallelism] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  if (version !== VERSION || memory > LIMITS.memory || passes > LIMITS.passes || parallelism > LIMITS.parallelism) return null;
  if (passes < 1 || parallelism < 1 || memory < 8 * parallelism) return null;
  const salt = Buffer.from(m[5]!, 'base64');
  const hash = Buffer.from(m[6]!, 'base64');
  if (salt.length < 8 || hash.length < 16) return null;
  return { memory, passes, parallelism, salt, hash };
}

export function argon2Passwords(params: Argon2Parameters = DEFAULT_ARGON2): PasswordHasher {
  return {
    async hash(password) {
      const salt = randomBytes(SALT_BYTES);
      const tag = await derive(password, salt, params, TAG_BYTES);
      return `$argon2id$v=${VERSION}$m=${params.memory},t=${params.passes},p=${params.parallelism}$${b64(salt)}$${b64(tag)}`;
    },
    async verify(stored, password) {
      const parsed = parse(stored);
      if (!parsed) return false;
      const tag = await derive(password, parsed.salt, parsed, parsed.hash.length);
      return timingSafeEqual(tag, parsed.hash);
    },
    needsRehash(stored) {
      const parsed = parse(stored);
      return (
        !parsed ||
        parsed.memory !== params.memory ||
        parsed.passes !== params.passes ||
        parsed.parallelism !== params.parallelism ||
        parsed.hash.length !== TAG_BYTES
      );
    },
  };
}
