import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactedConfig } from './config.ts';
import { federationOf } from './federation.ts';

const ENV = {
  OPENPIM_OIDC_ISSUER: 'https://login.contoso.test/realms/corp',
  OPENPIM_OIDC_CLIENT_ID: 'openpim',
  OPENPIM_OIDC_CLIENT_SECRET: 's3cret',
};

describe('OIDC settings', () => {
  it('are off by default, and take their defaults from the environment', () => {
    expect(loadConfig({}, {}).oidc).toBeUndefined();
    expect(federationOf(loadConfig({}, {}))).toBeUndefined();
    const config = loadConfig({}, { ...ENV, OPENPIM_OIDC_TRUST_AMR: 'true', OPENPIM_OIDC_MFA_ACR_VALUES: 'urn:a, urn:b' });
    expect(config.oidc).toEqual({
      issuer: ENV.OPENPIM_OIDC_ISSUER,
      clientId: 'openpim',
      clientSecret: 's3cret',
      clientAuthMethod: 'client_secret_basic',
      scopes: 'openid email profile',
      trustAmr: true,
      mfaAcrValues: ['urn:a', 'urn:b'],
      matchBy: 'email',
      jitProvisioning: false,
      allowInsecureHttp: false,
    });
    expect(federationOf(config)?.settings).toEqual({ trustAmr: true, mfaAcrValues: ['urn:a', 'urn:b'], matchBy: 'email', jitProvisioning: false });
    expect(JSON.stringify(redactedConfig(config))).not.toContain('s3cret');
  });

  it('name a bad setting and its variable', () => {
    expect(() => loadConfig({}, { ...ENV, OPENPIM_OIDC_MATCH_BY: 'name' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { ...ENV, OPENPIM_OIDC_SCOPES: 'email profile' })).toThrow(/oidc\.scopes \(OPENPIM_OIDC_SCOPES\): must include openid/);
    expect(() => loadConfig({}, { OPENPIM_OIDC_ISSUER: 'https://login.contoso.test' })).toThrow(/oidc\.clientId/);
  });
});
