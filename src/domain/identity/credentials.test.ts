import { describe, expect, it } from 'vitest';
import { clientSecretHint, clientSecretMatches, formatClientSecret, hashClientSecret } from './client-secrets.ts';
import { assertAcceptablePassword } from './password-policy.ts';
import { formatRecoveryCode, hashRecoveryCode, normalizeRecoveryCode } from './recovery-codes.ts';

describe('password policy', () => {
  it.each([
    ['s3cr3t!', 'too short'],
    ['x'.repeat(257), 'too long'],
    ['        ', 'only spaces'],
    ['abc\ndefghi', 'control characters'],
  ])('refuses %j (%s), without echoing the password', (password, reason) => {
    expect(() => assertAcceptablePassword(password)).toThrow(reason);
    try {
      assertAcceptablePassword(password);
    } catch (error) {
      expect((error as Error).message).not.toContain(password.trim() || '\u0000');
    }
  });

  it('accepts 8 to 256 characters of anything printable, counting characters not bytes', () => {
    for (const ok of ['12345678', 'correct horse battery staple', 'é'.repeat(256), '🔑🔑🔑🔑🔑🔑🔑🔑'])
      expect(() => assertAcceptablePassword(ok)).not.toThrow();
  });
});

describe('recovery codes', () => {
  const code = formatRecoveryCode(Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));

  it('are four groups of four base32 characters', () => {
    expect(code).toMatch(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/);
  });

  it('match however they are typed, and only themselves', () => {
    expect(normalizeRecoveryCode(code.toLowerCase().replace(/-/g, ' '))).toBe(code.replace(/-/g, ''));
    expect(hashRecoveryCode(code.toLowerCase())).toBe(hashRecoveryCode(code));
    expect(hashRecoveryCode(code)).not.toBe(hashRecoveryCode(formatRecoveryCode(Uint8Array.from([1, 1, 2, 3, 4, 5, 6, 7, 8, 9]))));
    expect(normalizeRecoveryCode('123456')).toBeNull();
    expect(normalizeRecoveryCode(`${code}-AAAA`)).toBeNull();
  });
});

describe('client secrets', () => {
  it('are 43 base64url characters; the hash is not the secret and the hint is its start', () => {
    const secret = formatClientSecret(new Uint8Array(32).fill(7));
    expect(secret).toMatch(/^[\w-]{43}$/);
    expect(hashClientSecret(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashClientSecret(secret)).not.toContain(secret);
    expect(clientSecretHint(secret)).toBe(secret.slice(0, 3));
    expect(clientSecretMatches(hashClientSecret(secret), secret)).toBe(true);
    expect(clientSecretMatches(hashClientSecret(secret), `${secret}x`)).toBe(false);
    expect(clientSecretMatches('not a hash', secret)).toBe(false);
  });
});
