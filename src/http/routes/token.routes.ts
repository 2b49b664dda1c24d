/**
 * The OAuth 2.0 token endpoint (TOKEN_PATH): client credentials for service principals (a client
 * secret, or a client assertion signed with one of their certificates) and the CLI's authorization
 * code. Rate-limited per source address and per client, like sign-in.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ASSERTION_FAILED, claimedClient, clientAssertion, JWT_BEARER_ASSERTION } from '../../app/identity/client-assertion.ts';
import { clientCredentials } from '../../app/identity/client-credentials.ts';
import type { IssuedToken } from '../../app/identity/issue-token.ts';
import { redeemCode } from '../../app/identity/sessions/redeem-code.ts';
import type { HttpDeps, IdentityHttpDeps } from '../context.ts';
import { toOAuthError } from '../errors.ts';
import { doc } from '../openapi.ts';
import { CLI_CLIENT_ID, limit, parseForm, requireIdentity, sendToken, TOKEN_PATH, TOKEN_RESPONSE } from './auth.routes.ts';

const tags = ['identity'] as const;

const oauthFailure = (status: number, error: string, description: string, headers: Record<string, string> = {}) =>
  Object.assign(new Error(description), { oauth: { status, error, description, headers } });

/** `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1), or null when absent. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  if (!header || !/^Basic\s/i.test(header)) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  const text = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const colon = text.indexOf(':');
  if (colon < 0)
    throw oauthFailure(401, 'invalid_client', 'The Authorization header is not HTTP Basic client authentication.', {
      'www-authenticate': 'Basic realm="openpim"',
    });
  const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  try {
    return { id: decode(text.slice(0, colon)), secret: decode(text.slice(colon + 1)) };
  } catch {
    throw oauthFailure(401, 'invalid_client', 'The client credentials in the Authorization header are not form-encoded.', {
      'www-authenticate': 'Basic realm="openpim"',
    });
  }
}

/**
 * client_credentials with a client assertion (RFC 7523 §2.2, private_key_jwt). The audience is the
 * configured public URL's token endpoint; without a public URL, the URL this request was made to
 * (scheme and Host header — set publicUrl so a client-chosen Host cannot pick the audience).
 */
async function assertedClient(
  deps: HttpDeps,
  identity: IdentityHttpDeps,
  req: FastifyRequest,
  field: (name: string) => string | undefined,
  basic: boolean,
): Promise<IssuedToken> {
  if (basic || field('client_secret') !== undefined) {
    throw oauthFailure(400, 'invalid_request', 'Use one client authentication method: a client assertion, or a client secret, not both.');
  }
  const type = field('client_assertion_type');
  const assertion = field('client_assertion');
  if (type !== JWT_BEARER_ASSERTION) throw oauthFailure(400, 'invalid_request', `client_assertion_type must be '${JWT_BEARER_ASSERTION}'.`);
  if (!assertion) throw oauthFailure(400, 'invalid_request', 'client_assertion is missing.');
  const assertions = identity.clientAssertions;
  if (!assertions) throw oauthFailure(400, 'invalid_request', 'Client assertions are not enabled on this server.');
  const clientId = field('client_id') ?? null;
  if (clientId !== null && clientId.length > 200) throw oauthFailure(400, 'invalid_request', 'client_id is too long.');
  // Counted like a secret, against the address and the claimed client.
  limit(identity, req, `client:${clientId ?? claimedClient(assertion) ?? ''}`);
  if (assertion.length > 16 * 1024) throw oauthFailure(401, 'invalid_client', ASSERTION_FAILED);
  const audience = `${assertions.publicUrl ?? `${req.protocol}://${req.host}`}${TOKEN_PATH}`;
  return clientAssertion(
    { uow: deps.uow, clock: deps.clock, tokens: identity.issuer, tokenTtl: identity.tokenTtl, assertions: assertions.verifier },
    {
      tenantId: null,
      clientId,
      assertion,
      audiences: [audience],
    },
  );
}

/** POST /openpim/oauth2/token: its own scope, for the form parser and RFC 6749 error bodies. */
export function tokenEndpoint(app: FastifyInstance, deps: HttpDeps): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, parseForm(String(body))));
    scope.setErrorHandler((error, req, reply) => {
      const e = (error as { oauth?: { status: number; error: string; description: string; headers: Record<string, string> } }).oauth ?? toOAuthError(error);
      if (e.status >= 500) req.log.error({ err: error }, 'token request failed');
      for (const [name, value] of Object.entries(e.headers)) reply.header(name, value);
      return reply.status(e.status).header('cache-control', 'no-store').header('pragma', 'no-cache').send({ error: e.error, error_description: e.description });
    });

    scope.post(
      TOKEN_PATH,
      doc({
        summary: 'Get a token: a service principal (client credentials) or the CLI (authorization code + PKCE)',
        tags,
        public: true,
        errorSchema: 'OAuthError',
        consumes: ['application/x-www-form-urlencoded'],
        body: {
          type: 'object',
          properties: {
            grant_type: { type: 'string', enum: ['client_credentials', 'authorization_code'] },
            client_id: { type: 'string', description: "The service principal's id (its appId); `openpim-cli` with authorization_code." },
            client_secret: { type: 'string', description: 'A secret from addPassword; or send both in `Authorization: Basic`.' },
            client_assertion_type: {
              type: 'string',
              enum: [JWT_BEARER_ASSERTION],
              description: 'With client_assertion, instead of a secret (private_key_jwt).',
            },
            client_assertion: {
              type: 'string',
              description:
                'A JWT signed with the private key of a certificate added with addKey (RFC 7523 §2.2): header `x5t` (base64url SHA-1 thumbprint), ' +
                "`x5t#S256` or `kid` (the keyId); `alg` RS256, PS256 or ES256; claims `iss` = `sub` = client id, `aud` = this endpoint's URL, `exp` at most 10 minutes ahead, `jti` used once.",
            },
            scope: { type: 'string', description: 'Accepted and ignored (e.g. `…/.default`).' },
            code: { type: 'string', description: 'authorization_code: the code from `GET /openpim/auth/authorize`.' },
            redirect_uri: { type: 'string', description: 'authorization_code: the loopback URI the code was issued for.' },
            code_verifier: { type: 'string', description: 'authorization_code: the PKCE verifier (RFC 7636).' },
          },
          required: ['grant_type'],
        },
        notes:
          'OAuth 2.0 client credentials grant (RFC 6749 §4.4), form-encoded; the client authenticates with a secret, or with a client assertion ' +
          '(RFC 7523 §2.2, `private_key_jwt`) signed by a certificate added with addKey. Errors are RFC 6749 `{"error", "error_description"}`. ' +
          'The token has no `amr`: service principals never satisfy an MFA rule. ' +
          "With `authorization_code` (the CLI's loopback sign-in, RFC 8252): a one-time code, its redirect URI and PKCE verifier give a token " +
          "for a new CLI session carrying the browser session's authentication; a code works once and for a minute.",
        responses: {
          200: TOKEN_RESPONSE,
          400:
            '`invalid_request` (not form-encoded, a parameter missing or repeated, two client authentication methods), `unsupported_grant_type`, ' +
            '`unauthorized_client` (the service principal is disabled), `invalid_grant` (the code is unknown, used or expired, or redirect_uri or code_verifier does not match).',
          401: '`invalid_client`: unknown client, wrong or expired secret, or a client assertion that is not valid, for whatever reason (`WWW-Authenticate: Basic`).',
          429: '`temporarily_unavailable` with `Retry-After`: too many attempts from this address or for this client.',
        },
      }),
      async (req, reply) => {
        const identity = requireIdentity(deps);
        if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '') || !req.body || typeof req.body !== 'object') {
          throw oauthFailure(400, 'invalid_request', 'Send the parameters form-encoded (application/x-www-form-urlencoded).');
        }
        const form = req.body as Record<string, string[]>;
        const repeated = Object.entries(form).find(([, values]) => values.length > 1);
        if (repeated) throw oauthFailure(400, 'invalid_request', `The parameter '${repeated[0]}' is given more than once.`);
        const field = (name: string) => form[name]?.[0];
        const grant = field('grant_type');
        if (!grant) throw oauthFailure(400, 'invalid_request', 'grant_type is missing.');
        if (grant === 'authorization_code') {
          const [code, redirectUri, verifier, client] = ['code', 'redirect_uri', 'code_verifier', 'client_id'].map(field);
          if (!code || !redirectUri || !verifier) throw oauthFailure(400, 'invalid_request', 'code, redirect_uri and code_verifier are required (PKCE).');
          if (client !== CLI_CLIENT_ID)
            throw oauthFailure(400, 'invalid_client', `client_id must be '${CLI_CLIENT_ID}': the authorization code grant is for OpenPIM's CLI.`);
          // Per address (the account budget is per code, so one user's CLI can't spend another's).
          limit(identity, req, `code:${code.slice(0, 64)}`);
          return sendToken(
            reply,
            await redeemCode(
              { uow: deps.uow, clock: deps.clock, tokens: identity.issuer, tokenTtl: identity.tokenTtl },
              { code, redirectUri, codeVerifier: verifier },
            ),
          );
        }
        if (grant !== 'client_credentials')
          throw oauthFailure(
            400,
            'unsupported_grant_type',
            `grant_type '${grant.slice(0, 50)}' is not supported; use client_credentials (or authorization_code for the CLI).`,
          );
        const basic = basicCredentials(req.headers.authorization);
        if (field('client_assertion') !== undefined || field('client_assertion_type') !== undefined) {
          return sendToken(reply, await assertedClient(deps, identity, req, field, basic !== null));
        }
        if (basic && field('client_secret') !== undefined)
          throw oauthFailure(400, 'invalid_request', 'Use one client authentication method: the Authorization header or client_secret, not both.');
        if (basic && field('client_id') !== undefined && field('client_id') !== basic.id)
          throw oauthFailure(400, 'invalid_request', 'client_id differs from the one in the Authorization header.');
        const clientId = basic?.id ?? field('client_id');
        const clientSecret = basic?.secret ?? field('client_secret');
        if (!clientId || !clientSecret) {
          throw oauthFailure(401, 'invalid_client', 'Client authentication is missing: send client_id and client_secret, or HTTP Basic.', {
            'www-authenticate': 'Basic realm="openpim"',
          });
        }
        if (clientId.length > 200 || clientSecret.length > 512) throw oauthFailure(400, 'invalid_request', 'client_id or client_secret is too long.');
        limit(identity, req, `client:${clientId}`);
        const token = await clientCredentials(
          { uow: deps.uow, clock: deps.clock, tokens: identity.issuer, tokenTtl: identity.tokenTtl },
          {
            tenantId: null,
            clientId,
            clientSecret,
          },
        );
        return sendToken(reply, token);
      },
    );
  });
}

/** What sign-in needs, for the bearer (here) and browser (session.routes.ts) forms alike. */
