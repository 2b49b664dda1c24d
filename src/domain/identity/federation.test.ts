import { describe, expect, it } from 'vitest';
import { MINUTE } from '../time.ts';
import { federatedAuthentication, jitAttributes, matchableEmail, safeReturnPath, type FederatedClaims } from './federation.ts';

const NOW = Date.parse('2026-01-05T09:00:00Z');
const TRUST = { trustAmr: true, mfaAcrValues: ['https://refeds.org/profile/mfa'] };
const claims: FederatedClaims = {
  issuer: 'https://idp.contoso.test',
  subject: 's-1',
  email: 'Alice@Contoso.test',
  emailVerified: true,
  name: 'Alice',
  preferredUsername: 'alice',
  amr: ['pwd', 'mfa'],
  acr: null,
  authTime: NOW - MINUTE,
};

describe("federatedAuthentication: what OpenPIM records of the provider's authentication", () => {
  it.each([
    // name, trust, amr, acr, authTime → amr, mfa, authTime
    ['trusted mfa', TRUST, ['pwd', 'mfa'], null, NOW - MINUTE, ['fed', 'pwd', 'mfa'], true, NOW - MINUTE],
    ["trusted mfa keeps the provider's factors", TRUST, ['hwk', 'mfa'], null, NOW - MINUTE, ['fed', 'hwk', 'mfa'], true, NOW - MINUTE],
    ['trusted acr in the list', TRUST, ['pwd'], 'https://refeds.org/profile/mfa', NOW - MINUTE, ['fed', 'pwd', 'mfa'], true, NOW - MINUTE],
    ['trusted acr not in the list', TRUST, ['pwd'], 'urn:loa:1', NOW - MINUTE, ['fed'], false, NOW - MINUTE],
    ['trusted, password only', TRUST, ['pwd'], null, NOW - MINUTE, ['fed'], false, NOW - MINUTE],
    ['not trusted', { trustAmr: false, mfaAcrValues: [] }, ['pwd', 'mfa'], null, NOW - MINUTE, ['fed'], false, NOW - MINUTE],
    [
      'not trusted, even with a listed acr',
      { ...TRUST, trustAmr: false },
      ['pwd'],
      'https://refeds.org/profile/mfa',
      NOW - MINUTE,
      ['fed'],
      false,
      NOW - MINUTE,
    ],
    ['no auth_time: now, and no MFA', TRUST, ['pwd', 'mfa'], null, null, ['fed'], false, NOW],
    ['auth_time a little ahead (skew): now', TRUST, ['mfa'], null, NOW + MINUTE, ['fed', 'mfa'], true, NOW],
    ['auth_time far in the future: absent', TRUST, ['mfa'], null, NOW + 60 * MINUTE, ['fed'], false, NOW],
    ['odd amr values are dropped', TRUST, ['mfa', 'fed', 'x y', ''], null, NOW, ['fed', 'mfa'], true, NOW],
  ] as const)('%s', (_name, trust, amr, acr, authTime, expectedAmr, mfa, expectedTime) => {
    expect(federatedAuthentication(trust, { amr, acr, authTime }, NOW)).toEqual({ amr: expectedAmr, mfa, authTime: expectedTime });
  });
});

describe('matching and naming accounts', () => {
  it('matches only a verified email, lower-cased', () => {
    expect(matchableEmail(claims)).toBe('alice@contoso.test');
    expect(matchableEmail({ ...claims, emailVerified: false })).toBeNull();
    expect(matchableEmail({ ...claims, email: null })).toBeNull();
    expect(matchableEmail({ ...claims, email: 'not an address' })).toBeNull();
  });

  it('names a just-in-time user by the verified email, else an address-like username, else not at all', () => {
    expect(jitAttributes(claims)).toEqual({ userPrincipalName: 'alice@contoso.test', displayName: 'Alice', mail: 'alice@contoso.test' });
    expect(jitAttributes({ ...claims, emailVerified: false, preferredUsername: 'Alice@Corp.test', name: null })).toEqual({
      userPrincipalName: 'alice@corp.test',
      displayName: 'Alice@Corp.test',
      mail: null,
    });
    expect(jitAttributes({ ...claims, emailVerified: false, preferredUsername: 'alice' })).toBeNull();
  });
});

describe('safeReturnPath: no open redirect', () => {
  it.each([
    [undefined, '/'],
    ['', '/'],
    ['/', '/'],
    ['/requests?tab=mine#x', '/requests?tab=mine#x'],
    ['//evil.test/x', null],
    ['/\\evil.test', null],
    ['https://evil.test/', null],
    ['evil', null],
    ['/a\\b', null],
    ['/a\tb', null],
    ['/a b', null],
    ['/caf\u00e9', null],
    ['/%E2%82%AC', '/%E2%82%AC'],
    ['/\n/evil.test', null],
    ['javascript:alert(1)', null],
    [`/${'a'.repeat(2048)}`, null],
  ])('%j → %j', (given, expected) => {
    expect(safeReturnPath(given)).toBe(expected);
  });
});
