/**
 * The organisation's OpenID provider through openid-client (docs/decisions/0012): discovery of
 * the issuer (once, on first use, and again after a failure), authorization code with PKCE S256,
 * state and nonce; openid-client verifies the ID token (signature against the provider's JWKS,
 * issuer, audience, expiry, nonce) and the RFC 9207 `iss` of the answer. Userinfo is asked only
 * when the ID token carries no email.
 */
import * as client from 'openid-client';
import type { FlowSecrets, IdentityProvider } from '../app/ports/federation.ts';
import { DomainError } from '../domain/errors.ts';
import type { FederatedClaims } from '../domain/identity/federation.ts';
import { isLoopbackHostname } from '../domain/identity/sessions.ts';

export interface OidcProviderOptions {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly clientAuthMethod: 'client_secret_basic' | 'client_secret_post';
  /** Space-separated; must include `openid`. */
  readonly scopes: string;
  /** The callback's absolute URL, as registered at the provider. */
  readonly redirectUri: string;
  /** Allow plain http to a provider that is not on this machine (never in production). */
  readonly allowInsecureHttp: boolean;
  /** Why a discovery or code exchange failed (the browser is told only that it did). */
  readonly onError?: (error: unknown, during: 'discovery' | 'exchange') => void;
}

/** Whether requests to this issuer may go over plain http: loopback, or when the operator says so. */
export function insecureAllowed(issuer: string, allowInsecureHttp: boolean): boolean {
  const url = new URL(issuer);
  if (url.protocol === 'https:') return false;
  if (url.protocol !== 'http:') throw new Error(`oidc.issuer must be an https URL, not ${url.protocol}`);
  if (isLoopbackHostname(url.hostname) || allowInsecureHttp) return true;
  throw new Error('oidc.issuer is plain http: use https, or set oidc.allowInsecureHttp for a test provider');
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** The claims OpenPIM reads, from a verified ID token and (optionally) userinfo. */
function claimsOf(idToken: Record<string, unknown>, userinfo: Record<string, unknown> | null): FederatedClaims {
  const pick = (name: string) => idToken[name] ?? userinfo?.[name];
  const verified = pick('email_verified');
  const authTime = idToken.auth_time;
  return {
    issuer: String(idToken.iss),
    subject: String(idToken.sub),
    email: text(pick('email')),
    // Some providers send "true" as a string.
    emailVerified: verified === true || verified === 'true',
    name: text(pick('name')),
    preferredUsername: text(pick('preferred_username')),
    amr: Array.isArray(idToken.amr) ? idToken.amr.filter((m): m is string => typeof m === 'string') : [],
    acr: text(idToken.acr),
    authTime: typeof authTime === 'number' && Number.isFinite(authTime) ? authTime * 1000 : null,
  };
}

export function oidcIdentityProvider(options: OidcProviderOptions): IdentityProvider {
  const insecure = insecureAllowed(options.issuer, options.allowInsecureHttp);
  if (!options.scopes.split(/\s+/).includes('openid')) throw new Error('oidc.scopes must include openid');
  const auth =
    options.clientAuthMethod === 'client_secret_post' ? client.ClientSecretPost(options.clientSecret) : client.ClientSecretBasic(options.clientSecret);
  let configuration: Promise<client.Configuration> | null = null;

  function discovered(): Promise<client.Configuration> {
    configuration ??= client
      .discovery(new URL(options.issuer), options.clientId, { client_secret: options.clientSecret }, auth, {
        timeout: 10,
        ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
      })
      .catch((error: unknown) => {
        // Try again at the next sign-in: the provider may be back.
        configuration = null;
        options.onError?.(error, 'discovery');
        throw new DomainError('IdentityProviderUnavailable', 'The identity provider cannot be reached; try again later.');
      });
    return configuration;
  }

  return {
    async authorizationUrl(secrets: FlowSecrets) {
      const config = await discovered();
      return client.buildAuthorizationUrl(config, {
        redirect_uri: options.redirectUri,
        scope: options.scopes,
        response_type: 'code',
        state: secrets.state,
        nonce: secrets.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(secrets.codeVerifier),
        code_challenge_method: 'S256',
      }).href;
    },
    async exchange(callbackQuery, expected) {
      const config = await discovered();
      const current = new URL(options.redirectUri);
      current.search = callbackQuery;
      try {
        const tokens = await client.authorizationCodeGrant(config, current, {
          expectedState: expected.state,
          expectedNonce: expected.nonce,
          pkceCodeVerifier: expected.codeVerifier,
          idTokenExpected: true,
        });
        const idToken = tokens.claims() as Record<string, unknown> | undefined;
        if (!idToken) throw new Error('no ID token');
        const userinfo =
          text(idToken.email) === null && config.serverMetadata().userinfo_endpoint
            ? ((await client.fetchUserInfo(config, tokens.access_token, String(idToken.sub))) as Record<string, unknown>)
            : null;
        return claimsOf(idToken, userinfo);
      } catch (error) {
        options.onError?.(error, 'exchange');
        throw new DomainError('InvalidCredentials', "The identity provider's answer could not be verified; start the sign-in again.");
      }
    },
  };
}
