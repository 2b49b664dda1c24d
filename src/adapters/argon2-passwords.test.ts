import { describe, expect, it } from 'vitest';
import { argon2Passwords, DEFAULT_ARGON2 } from './argon2-passwords.ts';

/** Made by the reference implementation: `echo -n password | argon2 somesalt -id -t 2 -m 16 -p 4 -l 32 -e`. */
const REFERENCE = '$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo';

describe('argon2id passwords', () => {
  const hasher = argon2Passwords({ memory: 1024, passes: 1, parallelism: 1 });

  it('stores a PHC string with the parameters and a fresh salt, never the password', async () => {
    const a = await hasher.hash('correct horse battery staple');
    const b = await hasher.hash('correct horse battery staple');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('horse');
  });

  it('verifies the right password and refuses others', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    expect(await hasher.verify(stored, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(stored, 'correct horse battery stapl')).toBe(false);
    expect(await hasher.verify(stored, '')).toBe(false);
  });

  it('verifies hashes made by the reference implementation, whatever their parameters', async () => {
    expect(await hasher.verify(REFERENCE, 'password')).toBe(true);
    expect(await hasher.verify(REFERENCE, 'Password')).toBe(false);
  });

  it('answers false, never throws, for malformed or unbounded stored strings', async () => {
    for (const bad of [
      '',
      'plaintext',
      REFERENCE.replace('argon2id', 'argon2i'),
      REFERENCE.replace('v=19', 'v=16'),
      REFERENCE.replace('m=65536', 'm=99999999'),
      REFERENCE.replace('t=2', 't=0'),
      '$argon2id$v=19$m=1024,t=1,p=1$$',
    ]) {
      expect(await hasher.verify(bad, 'password'), bad).toBe(false);
    }
  });

  it('says when a stored hash was made with other parameters', async () => {
    expect(hasher.needsRehash(await hasher.hash('password1'))).toBe(false);
    expect(hasher.needsRehash(REFERENCE)).toBe(true);
    expect(argon2Passwords().needsRehash(await hasher.hash('password1'))).toBe(true);
    expect(DEFAULT_ARGON2).toEqual({ memory: 19_456, passes: 2, parallelism: 1 });
  });
});
