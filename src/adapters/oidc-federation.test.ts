import { describe, expect, it } from 'vitest';
import { insecureAllowed, oidcIdentityProvider } from './oidc-federation.ts';

describe('plain http to the provider', () => {
  it.each([
    ['https://login.contoso.test', false, false],
    ['http://127.0.0.1:4000', false, true],
    ['http://localhost:4000', false, true],
    ['http://[::1]:4000', false, true],
    ['http://idp.internal', true, true],
  ])('%s (allowInsecureHttp %s) → insecure requests %s', (issuer, flag, expected) => {
    expect(insecureAllowed(issuer, flag)).toBe(expected);
  });

  it('is refused for a provider elsewhere unless the operator allows it, so the server does not start', () => {
    expect(() => insecureAllowed('http://idp.contoso.test', false)).toThrow(/allowInsecureHttp/);
    expect(() =>
      oidcIdentityProvider({
        issuer: 'http://idp.contoso.test',
        clientId: 'c',
        clientSecret: 's',
        clientAuthMethod: 'client_secret_post',
        scopes: 'openid',
        redirectUri: 'https://pim/cb',
        allowInsecureHttp: false,
      }),
    ).toThrow(/allowInsecureHttp/);
  });
});
