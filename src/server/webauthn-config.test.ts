import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, relyingPartyOf } from './config.ts';

describe('WebAuthn and authentication context settings', () => {
  it('derive the relying party from publicUrl, else localhost and the port; phishing-resistant → WebAuthn by default', () => {
    const plain = loadConfig({}, {});
    expect(relyingPartyOf(plain)).toEqual({ id: 'localhost', name: 'OpenPIM', origins: ['http://localhost:8080'] });
    expect(plain.authenticationContexts).toEqual({ 'phishing-resistant': ['webauthn'] });
    expect(relyingPartyOf(loadConfig({ publicUrl: 'https://pim.contoso.test/app/' }, {}))).toEqual({
      id: 'pim.contoso.test',
      name: 'OpenPIM',
      origins: ['https://pim.contoso.test'],
    });
  });

  it('take the relying party and the contexts from the environment', () => {
    const config = loadConfig(
      {},
      {
        OPENPIM_WEBAUTHN_RP_ID: 'contoso.test',
        OPENPIM_WEBAUTHN_RP_NAME: 'Contoso PIM',
        OPENPIM_WEBAUTHN_ORIGINS: 'https://pim.contoso.test, https://admin.contoso.test:8443/',
        OPENPIM_AUTHENTICATION_CONTEXTS: '{"phishing-resistant":["webauthn"],"c1":["otp","webauthn"],"c2":["hwk"]}',
      },
    );
    expect(relyingPartyOf(config)).toEqual({
      id: 'contoso.test',
      name: 'Contoso PIM',
      origins: ['https://pim.contoso.test', 'https://admin.contoso.test:8443'],
    });
    expect(config.authenticationContexts).toEqual({ 'phishing-resistant': ['webauthn'], c1: ['otp', 'webauthn'], c2: ['hwk'] });
  });

  it('name a bad factor or origin and its variable', () => {
    expect(() => loadConfig({}, { OPENPIM_AUTHENTICATION_CONTEXTS: '{"c1":["sms"]}' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { OPENPIM_AUTHENTICATION_CONTEXTS: '{"c1":["sms"]}' })).toThrow(/OPENPIM_AUTHENTICATION_CONTEXTS/);
    expect(() => loadConfig({}, { OPENPIM_WEBAUTHN_ORIGINS: 'ftp://x' })).toThrow(/OPENPIM_WEBAUTHN_ORIGINS/);
  });
});
