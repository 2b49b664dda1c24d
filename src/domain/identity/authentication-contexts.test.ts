import { describe, expect, it } from 'vitest';
import { contextsSatisfiedBy, DEFAULT_AUTHENTICATION_CONTEXTS } from './authentication-contexts.ts';

describe('authentication contexts', () => {
  it('phishing-resistant is met by WebAuthn, software or hardware, and not by a TOTP code', () => {
    expect(contextsSatisfiedBy(DEFAULT_AUTHENTICATION_CONTEXTS, 'hwk')).toEqual(['phishing-resistant']);
    expect(contextsSatisfiedBy(DEFAULT_AUTHENTICATION_CONTEXTS, 'swk')).toEqual(['phishing-resistant']);
    expect(contextsSatisfiedBy(DEFAULT_AUTHENTICATION_CONTEXTS, 'otp')).toEqual([]);
  });

  it('maps Entra-style context ids to factors as configured', () => {
    const contexts = { c1: ['otp', 'webauthn'], c2: ['hwk'] } as const;
    expect(contextsSatisfiedBy(contexts, 'otp')).toEqual(['c1']);
    expect(contextsSatisfiedBy(contexts, 'swk')).toEqual(['c1']);
    expect(contextsSatisfiedBy(contexts, 'hwk')).toEqual(['c1', 'c2']);
  });
});
