/**
 * A real OpenID provider for tests: `oidc-provider` on 127.0.0.1 (a free port), with one
 * confidential client that must use PKCE, accounts the test edits, and a login step the test
 * decides (`signInAs`): which account, with which `amr` and `acr` — or a refusal.
 *
 * `signInAs` plays the browser with fetch and a small cookie jar, following redirects by hand,
 * and returns the URL the provider sends the browser back to (OpenPIM's callback), not followed:
 * the test calls the callback itself.
 *
 * @example
 *   const idp = await startOidcProvider({ redirectUri: 'https://pim.contoso.test/openpim/auth/oidc/callback' });
 *   idp.accounts.set('u-1', { email: 'alice@contoso.test', email_verified: true });
 *   const callback = await idp.signInAs(authorizationUrl, { accountId: 'u-1', amr: ['pwd', 'mfa'] });
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

export interface AccountClaims {
  email?: string;
  email_verified?: boolean;
  name?: string;
  preferred_username?: string;
}

export interface Login {
  readonly accountId: string;
  readonly amr?: readonly string[];
  readonly acr?: string;
  /** Refuse the sign-in instead (the provider answers `error=access_denied`). */
  readonly deny?: boolean;
}

export interface TestOidcProvider {
  /** http://127.0.0.1:PORT */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Account id (the `sub`) → claims; edit freely between sign-ins. */
  readonly accounts: Map<string, AccountClaims>;
  /** Follows the authorization URL through a login as `login`; returns the redirect to the client's callback. */
  signInAs(authorizationUrl: string, login: Login): Promise<string>;
  close(): Promise<void>;
}

export async function startOidcProvider(options: { redirectUri: string; clientId?: string; clientSecret?: string }): Promise<TestOidcProvider> {
  const clientId = options.clientId ?? 'openpim';
  const clientSecret = options.clientSecret ?? 'openpim-test-client-secret-0123456789';
  const accounts = new Map<string, AccountClaims>();
  let next: Login | null = null;

  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        require_auth_time: true,
      },
    ],
    pkce: { required: () => true },
    // As most providers do, the ID token says how and when the user authenticated.
    claims: { openid: ['sub', 'acr', 'amr', 'auth_time'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    findAccount: async (_ctx: unknown, id: string) => {
      const claims = accounts.get(id);
      return claims ? { accountId: id, claims: async () => ({ sub: id, ...claims }) } : undefined;
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
    cookies: { keys: ['openpim-test-oidc-provider-cookie-key'] },
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' }] },
  });
  // Errors the provider answers with are the tests' business; keep its console quiet.
  provider.on('server_error', () => {});

  /** The login page, done programmatically: the account and methods `signInAs` was given, and consent to the scopes asked. */
  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const login = next;
    if (!login) throw new Error('an interaction without signInAs');
    let result: Record<string, unknown>;
    if (login.deny) {
      result = { error: 'access_denied', error_description: 'The user declined to sign in.' };
    } else {
      const grant = new provider.Grant({ accountId: login.accountId, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope));
      result = {
        login: { accountId: login.accountId, ...(login.amr ? { amr: [...login.amr] } : {}), ...(login.acr ? { acr: login.acr } : {}) },
        consent: { grantId: await grant.save() },
      };
    }
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }

  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    } else {
      handle(req, res);
    }
  });

  async function signInAs(authorizationUrl: string, login: Login): Promise<string> {
    next = login;
    // A fresh browser: no session at the provider, so every sign-in is a new login.
    const jar = new Map<string, string>();
    let url = authorizationUrl;
    for (let hops = 0; hops < 10; hops++) {
      if (!url.startsWith(`${issuer}/`)) return url;
      const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const cookie of res.headers.getSetCookie()) {
        const [pair, ...attributes] = cookie.split(';');
        const eq = pair!.indexOf('=');
        const name = pair!.slice(0, eq).trim();
        const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
        if (expired) jar.delete(name);
        else jar.set(name, pair!.slice(eq + 1).trim());
      }
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location)
        throw new Error(`the provider answered ${res.status} at ${url}: ${(await res.text()).slice(0, 500)}`);
      url = new URL(location, url).href;
    }
    throw new Error('too many redirects at the provider');
  }

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    signInAs,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
