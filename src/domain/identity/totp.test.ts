import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode } from './base32.ts';
import { otpauthUri } from './otpauth.ts';
import { hotp, matchTotp, timeStep, totpAt } from './totp.ts';

const RFC_KEY = Buffer.from('12345678901234567890');

describe('HOTP (RFC 4226 appendix D)', () => {
  it.each([
    [0, '755224'],
    [1, '287082'],
    [2, '359152'],
    [3, '969429'],
    [4, '338314'],
    [5, '254676'],
    [6, '287922'],
    [7, '162583'],
    [8, '399871'],
    [9, '520489'],
  ])('counter %i → %s', (counter, code) => {
    expect(hotp(RFC_KEY, counter)).toBe(code);
  });
});

describe('TOTP (RFC 6238 appendix B, SHA-1, 8 digits)', () => {
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('T = %i s → %s', (seconds, code) => {
    expect(totpAt(RFC_KEY, seconds * 1000, 8)).toBe(code);
  });

  it('shows 6 digits by default: the last six of the 8-digit value', () => {
    expect(totpAt(RFC_KEY, 59_000)).toBe('287082');
    expect(totpAt(RFC_KEY, 1111111109_000)).toBe('081804');
  });
});

describe('matchTotp', () => {
  const now = Date.UTC(2026, 0, 5, 9, 0, 10);
  const step = timeStep(now);

  it('accepts the current code and one step either side, and says which step matched', () => {
    expect(matchTotp(RFC_KEY, totpAt(RFC_KEY, now), now, null)).toBe(step);
    expect(matchTotp(RFC_KEY, totpAt(RFC_KEY, now - 30_000), now, null)).toBe(step - 1);
    expect(matchTotp(RFC_KEY, totpAt(RFC_KEY, now + 30_000), now, null)).toBe(step + 1);
  });

  it('refuses codes two steps away, wrong codes, and anything that is not six digits', () => {
    expect(matchTotp(RFC_KEY, totpAt(RFC_KEY, now - 60_000), now, null)).toBeNull();
    expect(matchTotp(RFC_KEY, totpAt(RFC_KEY, now + 60_000), now, null)).toBeNull();
    const wrong = String((Number(totpAt(RFC_KEY, now)) + 1) % 1_000_000).padStart(6, '0');
    expect(matchTotp(RFC_KEY, wrong, now, null)).toBeNull();
    for (const junk of ['', '12345', '1234567', 'abcdef', ' 123456', '12345６']) expect(matchTotp(RFC_KEY, junk, now, null)).toBeNull();
  });

  it('refuses a replay: a code for a step at or before the last used one never matches again', () => {
    const code = totpAt(RFC_KEY, now);
    expect(matchTotp(RFC_KEY, code, now, step)).toBeNull();
    expect(matchTotp(RFC_KEY, code, now + 25_000, step)).toBeNull();
    // An older code is refused once a newer one was used.
    expect(matchTotp(RFC_KEY, totpAt(RFC_KEY, now - 30_000), now, step)).toBeNull();
    // The next step's code still works.
    expect(matchTotp(RFC_KEY, totpAt(RFC_KEY, now + 30_000), now + 30_000, step)).toBe(step + 1);
  });
});

describe('base32 (RFC 4648 §10)', () => {
  it.each([
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ])('%j ↔ %s', (text, encoded) => {
    expect(base32Encode(Buffer.from(text))).toBe(encoded);
    expect(Buffer.from(base32Decode(encoded)!).toString()).toBe(text);
  });

  it('decodes lower case, spaces and padding; refuses other characters', () => {
    expect(Buffer.from(base32Decode('mzxw 6ytb oi======')!).toString()).toBe('foobar');
    expect(base32Decode('MZXW1')).toBeNull();
  });
});

describe('otpauthUri', () => {
  it('names issuer and account, and carries the secret and parameters', () => {
    const uri = otpauthUri('OpenPIM', 'alice@contoso.com', 'JBSWY3DPEHPK3PXP');
    expect(uri).toBe('otpauth://totp/OpenPIM:alice%40contoso.com?secret=JBSWY3DPEHPK3PXP&issuer=OpenPIM&algorithm=SHA1&digits=6&period=30');
    const parsed = new URL(uri);
    expect(parsed.protocol).toBe('otpauth:');
    expect(parsed.searchParams.get('secret')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('escapes spaces as %20, not +', () => {
    expect(otpauthUri('Contoso PIM', 'bob@contoso.com', 'AAAA')).toMatch(
      /^otpauth:\/\/totp\/Contoso%20PIM:bob%40contoso.com\?secret=AAAA&issuer=Contoso%20PIM&/,
    );
  });
});
