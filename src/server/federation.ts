/**
 * The federation the HTTP layer gets from the configuration, or none when `oidc` is not set: the
 * openid-client adapter (adapters/oidc-federation.ts) built from the `oidc` settings.
 */
import { oidcIdentityProvider, type OidcProviderOptions } from '../adapters/oidc-federation.ts';
import type { FederationHttpDeps } from '../http/context.ts';
import { OIDC_CALLBACK_PATH } from '../http/routes/oidc.routes.ts';
import type { Config } from './config.ts';

/** The redirect URI is always publicUrl + the callback route's fixed path (the one the server serves). */
export function federationOf(config: Config, onError?: OidcProviderOptions['onError']): FederationHttpDeps | undefined {
  const oidc = config.oidc;
  if (!oidc) return undefined;
  const base = config.publicUrl ?? `http://localhost:${config.port}`;
  const provider = oidcIdentityProvider({
    issuer: oidc.issuer,
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret,
    clientAuthMethod: oidc.clientAuthMethod,
    scopes: oidc.scopes,
    redirectUri: `${base}${OIDC_CALLBACK_PATH}`,
    allowInsecureHttp: oidc.allowInsecureHttp,
    ...(onError ? { onError } : {}),
  });
  return {
    provider,
    displayName: oidc.displayName ?? new URL(oidc.issuer).hostname,
    settings: { trustAmr: oidc.trustAmr, mfaAcrValues: oidc.mfaAcrValues, matchBy: oidc.matchBy, jitProvisioning: oidc.jitProvisioning },
  };
}
