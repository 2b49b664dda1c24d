import { describe, expect, it } from 'vitest';
import { parseChallenge } from './challenge.ts';

describe('parseChallenge', () => {
  it('reads the MFA step-up challenge the server sends, commas and colons inside quotes included', () => {
    const header =
      'Bearer realm="openpim", error="insufficient_claims", error_description="multi-factor authentication required: POST a TOTP or recovery code to /openpim/auth/stepup", ' +
      'claims="eyJhY2Nlc3NfdG9rZW4iOnt9fQ==", step_up_uri="/openpim/auth/stepup"';
    expect(parseChallenge(header)).toEqual({
      kind: 'mfa',
      stepUpUri: '/openpim/auth/stepup',
      description: 'multi-factor authentication required: POST a TOTP or recovery code to /openpim/auth/stepup',
    });
  });

  it('reads an authentication context challenge (RFC 9470) with its acr_values', () => {
    const header =
      'Bearer realm="openpim", error="insufficient_user_authentication", error_description="x", acr_values="phishing-resistant c2", step_up_uri="/openpim/auth/webauthn/stepup"';
    expect(parseChallenge(header)).toMatchObject({
      kind: 'authenticationContext',
      acrValues: ['phishing-resistant', 'c2'],
      stepUpUri: '/openpim/auth/webauthn/stepup',
    });
  });

  it('reads invalid_token, unquoted values and escapes; ignores other schemes and unknown errors', () => {
    expect(parseChallenge('Bearer realm="openpim", error="invalid_token"')).toEqual({ kind: 'invalidToken', description: null });
    expect(parseChallenge('bearer error=invalid_token, error_description="say \\"hi\\""')).toEqual({ kind: 'invalidToken', description: 'say "hi"' });
    expect(parseChallenge('Basic realm="openpim"')).toBeNull();
    expect(parseChallenge('Bearer realm="openpim", error="insufficient_scope"')).toBeNull();
    expect(parseChallenge('Bearer error="insufficient_claims"')).toBeNull(); // no step_up_uri: nothing the CLI can do
    expect(parseChallenge(null)).toBeNull();
  });
});
