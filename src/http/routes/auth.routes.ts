/**
 * Sign-in (local accounts), step-up, the OAuth 2.0 token endpoint for service principals, and the
 * caller's own authentication methods (TOTP enrollment, recovery codes). Sign-in, step-up and the
 * token endpoint are rate-limited per source address and per account (429 + Retry-After).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { tooManyAttempts, type AttemptContext } from '../../app/identity/attempts.ts';
import { myAuthenticationMethods } from '../../app/identity/authentication-methods.ts';
import { ASSERTION_FAILED, claimedClient, clientAssertion, JWT_BEARER_ASSERTION } from '../../app/identity/client-assertion.ts';
import { clientCredentials } from '../../app/identity/client-credentials.ts';
import { confirmTotp } from '../../app/identity/confirm-totp.ts';
import { enrollTotp } from '../../app/identity/enroll-totp.ts';
import type { IssuedToken } from '../../app/identity/issue-token.ts';
import { regenerateRecoveryCodes } from '../../app/identity/regenerate-recovery-codes.ts';
import { removeTotp } from '../../app/identity/remove-totp.ts';
import { signIn } from '../../app/identity/sign-in.ts';
import { stepUp } from '../../app/identity/step-up.ts';
import { redeemCode } from '../../app/identity/sessions/redeem-code.ts';
import { DomainError } from '../../domain/errors.ts';
import { recordBreakGlassSignIn, sessionsOf } from '../auth.ts';
import type { BreakGlassMemo } from '../../app/identity/record-break-glass-use.ts';
import { toIso } from '../../domain/time.ts';
import type { HttpDeps, IdentityHttpDeps } from '../context.ts';
import { STEP_UP_PATH, toOAuthError } from '../errors.ts';
import { doc } from '../openapi.ts';
import { authenticationMethodsShape } from '../shapes/authentication-methods.ts';
import { idString, parseBody, singleLine } from '../validation.ts';

export const SIGN_IN_PATH = '/openpim/auth/signin';
export const TOKEN_PATH = '/openpim/oauth2/token';
/** The one client of the authorization code grant: OpenPIM's own CLI (a public client, RFC 8252). */
export const CLI_CLIENT_ID = 'openpim-cli';
/** Routes served without a bearer token. */
export const PUBLIC_AUTH_PATHS = [SIGN_IN_PATH, TOKEN_PATH] as const;

const tags = ['identity'] as const;
const code = z.string().regex(/^\d{6}$/, 'must be the 6-digit code from the authenticator app');

export const signInBody = z.strictObject({
  userPrincipalName: z.string().trim().min(3).max(113).check(singleLine),
  password: z.string().min(1).max(1024),
  totp: code.optional(),
  tenantId: idString.optional(),
});
const stepUpBody = z.strictObject({
  totp: code.optional(),
  recoveryCode: z.string().min(1).max(64).check(singleLine).optional(),
}).refine((b) => (b.totp === undefined) !== (b.recoveryCode === undefined), 'give exactly one of totp and recoveryCode');
const confirmBody = z.strictObject({ code });
const emptyBody = z.strictObject({});

const TOKEN_ERRORS = {
  400: '`InvalidCredentials`: wrong user principal name, password or code (one answer for all, counted towards the lockout).',
  429: '`TooManyRequests` with `Retry-After`: too many attempts from this address or on this account, or the account is locked after repeated failures.',
} as const;
const TOKEN_RESPONSE = '`{"token_type": "Bearer", "access_token": "…", "expires_in": 3600}`; `Cache-Control: no-store`.';

export function requireIdentity(deps: HttpDeps): IdentityHttpDeps {
  if (!deps.identity) throw new DomainError('Request_ResourceNotFound', 'Sign-in is not enabled on this server.');
  return deps.identity;
}

export const contextOf = (req: FastifyRequest): AttemptContext => ({ correlationId: String(req.headers['client-request-id'] ?? req.id), sourceIp: req.ip ?? null });

/** Counts an attempt against the address and account budgets; throws TooManyRequests when one is spent. */
export function limit(identity: IdentityHttpDeps, req: FastifyRequest, account: string): void {
  const wait = identity.rateLimiter.attempt(req.ip ?? 'unknown', account);
  if (wait > 0) throw tooManyAttempts(wait);
}

function sendToken(reply: FastifyReply, token: IssuedToken) {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache')
    .send({ token_type: token.tokenType, access_token: token.accessToken, expires_in: token.expiresIn });
}

/** Form fields, each once (RFC 6749 §3.2: a repeated parameter is an invalid request). */
export function parseForm(text: string): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(text)) (fields[name] ??= []).push(value);
  return fields;
}

const oauthFailure = (status: number, error: string, description: string, headers: Record<string, string> = {}) =>
  Object.assign(new Error(description), { oauth: { status, error, description, headers } });

/** `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1), or null when absent. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  if (!header || !/^Basic\s/i.test(header)) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  const text = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const colon = text.indexOf(':');
  if (colon < 0) throw oauthFailure(401, 'invalid_client', 'The Authorization header is not HTTP Basic client authentication.', { 'www-authenticate': 'Basic realm="openpim"' });
  const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  try {
    return { id: decode(text.slice(0, colon)), secret: decode(text.slice(colon + 1)) };
  } catch {
    throw oauthFailure(401, 'invalid_client', 'The client credentials in the Authorization header are not form-encoded.', { 'www-authenticate': 'Basic realm="openpim"' });
  }
}

/**
 * client_credentials with a client assertion (RFC 7523 §2.2, private_key_jwt). The audience is the
 * configured public URL's token endpoint; without a public URL, the URL this request was made to
 * (scheme and Host header — set publicUrl so a client-chosen Host cannot pick the audience).
 */
async function assertedClient(deps: HttpDeps, identity: IdentityHttpDeps, req: FastifyRequest, field: (name: string) => string | undefined, basic: boolean): Promise<IssuedToken> {
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
  return clientAssertion({ uow: deps.uow, clock: deps.clock, tokens: identity.issuer, tokenTtl: identity.tokenTtl, assertions: assertions.verifier }, {
    tenantId: null, clientId, assertion, audiences: [audience],
  });
}

/** POST /openpim/oauth2/token: its own scope, for the form parser and RFC 6749 error bodies. */
function tokenEndpoint(app: FastifyInstance, deps: HttpDeps): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, parseForm(String(body))));
    scope.setErrorHandler((error, req, reply) => {
      const e = (error as { oauth?: { status: number; error: string; description: string; headers: Record<string, string> } }).oauth ?? toOAuthError(error);
      if (e.status >= 500) req.log.error({ err: error }, 'token request failed');
      for (const [name, value] of Object.entries(e.headers)) reply.header(name, value);
      return reply.status(e.status).header('cache-control', 'no-store').header('pragma', 'no-cache')
        .send({ error: e.error, error_description: e.description });
    });

    scope.post(TOKEN_PATH, doc({
      summary: 'Get a token: a service principal (client credentials) or the CLI (authorization code + PKCE)', tags, public: true, errorSchema: 'OAuthError',
      consumes: ['application/x-www-form-urlencoded'],
      body: {
        type: 'object',
        properties: {
          grant_type: { type: 'string', enum: ['client_credentials', 'authorization_code'] },
          client_id: { type: 'string', description: "The service principal's id (its appId); `openpim-cli` with authorization_code." },
          client_secret: { type: 'string', description: 'A secret from addPassword; or send both in `Authorization: Basic`.' },
          client_assertion_type: { type: 'string', enum: [JWT_BEARER_ASSERTION], description: 'With client_assertion, instead of a secret (private_key_jwt).' },
          client_assertion: {
            type: 'string',
            description: 'A JWT signed with the private key of a certificate added with addKey (RFC 7523 §2.2): header `x5t` (base64url SHA-1 thumbprint), '
              + '`x5t#S256` or `kid` (the keyId); `alg` RS256, PS256 or ES256; claims `iss` = `sub` = client id, `aud` = this endpoint\'s URL, `exp` at most 10 minutes ahead, `jti` used once.',
          },
          scope: { type: 'string', description: 'Accepted and ignored (e.g. `…/.default`).' },
          code: { type: 'string', description: 'authorization_code: the code from `GET /openpim/auth/authorize`.' },
          redirect_uri: { type: 'string', description: 'authorization_code: the loopback URI the code was issued for.' },
          code_verifier: { type: 'string', description: 'authorization_code: the PKCE verifier (RFC 7636).' },
        },
        required: ['grant_type'],
      },
      notes: 'OAuth 2.0 client credentials grant (RFC 6749 §4.4), form-encoded; the client authenticates with a secret, or with a client assertion '
        + '(RFC 7523 §2.2, `private_key_jwt`) signed by a certificate added with addKey. Errors are RFC 6749 `{"error", "error_description"}`. '
        + 'The token has no `amr`: service principals never satisfy an MFA rule. '
        + 'With `authorization_code` (the CLI\'s loopback sign-in, RFC 8252): a one-time code, its redirect URI and PKCE verifier give a token '
        + 'for a new CLI session carrying the browser session\'s authentication; a code works once and for a minute.',
      responses: {
        200: TOKEN_RESPONSE,
        400: '`invalid_request` (not form-encoded, a parameter missing or repeated, two client authentication methods), `unsupported_grant_type`, '
          + '`unauthorized_client` (the service principal is disabled), `invalid_grant` (the code is unknown, used or expired, or redirect_uri or code_verifier does not match).',
        401: '`invalid_client`: unknown client, wrong or expired secret, or a client assertion that is not valid, for whatever reason (`WWW-Authenticate: Basic`).',
        429: '`temporarily_unavailable` with `Retry-After`: too many attempts from this address or for this client.',
      },
    }), async (req, reply) => {
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
        if (client !== CLI_CLIENT_ID) throw oauthFailure(400, 'invalid_client', `client_id must be '${CLI_CLIENT_ID}': the authorization code grant is for OpenPIM's CLI.`);
        // Per address (the account budget is per code, so one user's CLI can't spend another's).
        limit(identity, req, `code:${code.slice(0, 64)}`);
        return sendToken(reply, await redeemCode({ uow: deps.uow, clock: deps.clock, tokens: identity.issuer, tokenTtl: identity.tokenTtl }, { code, redirectUri, codeVerifier: verifier }));
      }
      if (grant !== 'client_credentials') throw oauthFailure(400, 'unsupported_grant_type', `grant_type '${grant.slice(0, 50)}' is not supported; use client_credentials (or authorization_code for the CLI).`);
      const basic = basicCredentials(req.headers.authorization);
      if (field('client_assertion') !== undefined || field('client_assertion_type') !== undefined) {
        return sendToken(reply, await assertedClient(deps, identity, req, field, basic !== null));
      }
      if (basic && field('client_secret') !== undefined) throw oauthFailure(400, 'invalid_request', 'Use one client authentication method: the Authorization header or client_secret, not both.');
      if (basic && field('client_id') !== undefined && field('client_id') !== basic.id) throw oauthFailure(400, 'invalid_request', 'client_id differs from the one in the Authorization header.');
      const clientId = basic?.id ?? field('client_id');
      const clientSecret = basic?.secret ?? field('client_secret');
      if (!clientId || !clientSecret) {
        throw oauthFailure(401, 'invalid_client', 'Client authentication is missing: send client_id and client_secret, or HTTP Basic.', { 'www-authenticate': 'Basic realm="openpim"' });
      }
      if (clientId.length > 200 || clientSecret.length > 512) throw oauthFailure(400, 'invalid_request', 'client_id or client_secret is too long.');
      limit(identity, req, `client:${clientId}`);
      const token = await clientCredentials({ uow: deps.uow, clock: deps.clock, tokens: identity.issuer, tokenTtl: identity.tokenTtl }, {
        tenantId: null, clientId, clientSecret,
      });
      return sendToken(reply, token);
    });
  });
}

/** What sign-in needs, for the bearer (here) and browser (session.routes.ts) forms alike. */
export const signInDeps = (deps: HttpDeps, identity: IdentityHttpDeps) => ({
  uow: deps.uow, clock: deps.clock, ids: deps.ids, random: identity.random, sessions: sessionsOf(deps), passwords: identity.passwords,
  tokens: identity.issuer, tokenTtl: identity.tokenTtl, ...(identity.lockout ? { lockout: identity.lockout } : {}),
});

export function authRoutes(app: FastifyInstance, deps: HttpDeps, breakGlass: BreakGlassMemo): void {
  const read = deps.uow.read;

  app.post(SIGN_IN_PATH, doc({
    summary: 'Sign in with a local account', tags, public: true, body: signInBody,
    notes: 'OpenPIM extension. Password, and optionally the current code of the enrolled authenticator app (`totp`). '
      + 'With a right code the token carries `amr: ["pwd","mfa","otp"]`, else `["pwd"]`; `auth_time` is now. '
      + `A token without MFA can be stepped up later at \`POST ${STEP_UP_PATH}\`. Five failures in a row lock the account for a minute, doubling with each further lockout up to an hour.`,
    responses: {
      200: TOKEN_RESPONSE,
      ...TOKEN_ERRORS,
      403: '`Authorization_RequestDenied`: the password was right but the account is disabled.',
      404: '`Request_ResourceNotFound`: sign-in is not enabled on this server.',
    },
  }), async (req, reply) => {
    const identity = requireIdentity(deps);
    const body = parseBody(signInBody, req.body);
    limit(identity, req, `user:${body.tenantId ?? ''}:${body.userPrincipalName.toLowerCase()}`);
    const { token, session, principal } = await signIn(signInDeps(deps, identity), {
      tenantId: body.tenantId ?? null, userPrincipalName: body.userPrincipalName, password: body.password, totp: body.totp ?? null, kind: 'api',
    }, contextOf(req));
    await recordBreakGlassSignIn(deps, breakGlass, req, principal, session.sessionId, 'password sign-in');
    return sendToken(reply, token!);
  });

  app.post(STEP_UP_PATH, doc({
    summary: 'Step up: exchange a TOTP or recovery code for a token with MFA', tags, body: stepUpBody,
    notes: 'OpenPIM extension. Send the current bearer token and `{"totp": "123456"}` or `{"recoveryCode": "ABCD-EFGH-IJKL-MNOP"}`. '
      + 'The new token adds `mfa` and `otp` to `amr` and has `auth_time` now, so a request refused with '
      + '`WWW-Authenticate: Bearer error="insufficient_claims"` (rule `MfaRule`) succeeds when retried with it. Each code works once.',
    responses: {
      200: TOKEN_RESPONSE,
      400: '`InvalidCredentials`: the code is wrong or already used (counted towards the lockout); `AuthenticationMethodNotEnrolled`: no authenticator app is enrolled.',
      429: TOKEN_ERRORS[429],
    },
  }), async (req, reply) => {
    const identity = requireIdentity(deps);
    const body = parseBody(stepUpBody, req.body);
    limit(identity, req, `principal:${req.caller.principal.id}`);
    const proof = body.totp !== undefined ? { totp: body.totp } : { recoveryCode: body.recoveryCode! };
    const token = await stepUp({
      uow: deps.uow, clock: deps.clock, tokens: identity.issuer, tokenTtl: identity.tokenTtl, ...(identity.lockout ? { lockout: identity.lockout } : {}),
      ...(identity.webauthn?.contexts ? { contexts: identity.webauthn.contexts } : {}),
    },
      req.caller, proof, contextOf(req));
    return sendToken(reply, token);
  });

  tokenEndpoint(app, deps);

  app.get('/openpim/me/authentication/methods', doc({
    summary: 'My authentication methods', tags,
    notes: 'OpenPIM extension. Never returns a secret.',
    responses: { 200: '`{passwordSetDateTime, totp: {id, confirmedDateTime, lastUsedDateTime} | null, pendingTotp, recoveryCodesRemaining, lastSignInDateTime}`.' },
  }), async (req) => {
    return authenticationMethodsShape(await myAuthenticationMethods(read, req.caller));
  });

  app.post('/openpim/me/authentication/totp', doc({
    summary: 'Start enrolling an authenticator app (TOTP)', tags, body: emptyBody,
    notes: 'OpenPIM extension. Returns the secret once, as base32 and as an `otpauth://` URI to show as a QR code (SHA-1, 6 digits, 30 s). '
      + 'Confirm within 10 minutes with a code from the app. Replacing an existing authenticator needs a recent MFA (step up first).',
    responses: {
      201: '`{id, secret, otpauthUri, algorithm, digits, period, expiresDateTime}`.',
      400: '`Request_BadRequest`: the caller is not a user.',
      403: '`Authorization_RequestDenied` with a step-up challenge: an authenticator exists and the token has no recent MFA.',
    },
  }), async (req, reply) => {
    const identity = requireIdentity(deps);
    if (req.body !== undefined) parseBody(emptyBody, req.body);
    const e = await enrollTotp({ uow: deps.uow, clock: deps.clock, ids: deps.ids, random: identity.random }, req.caller);
    return reply.status(201).header('cache-control', 'no-store').send({
      id: e.factorId, secret: e.secret, otpauthUri: e.otpauthUri, algorithm: 'SHA1', digits: 6, period: 30, expiresDateTime: toIso(e.expiresAt),
    });
  });

  app.post('/openpim/me/authentication/totp/confirm', doc({
    summary: 'Confirm the authenticator app being enrolled', tags, body: confirmBody,
    notes: 'OpenPIM extension. The code activates the app (replacing an earlier one); the response carries ten single-use recovery codes, shown this once.',
    responses: {
      200: '`{recoveryCodes: ["ABCD-EFGH-IJKL-MNOP", …]}`.',
      400: '`InvalidCredentials`: the code does not match; `AuthenticationMethodNotEnrolled`: no enrollment waiting (or it expired).',
      403: '`Authorization_RequestDenied` with a step-up challenge: replacing an authenticator needs a recent MFA.',
    },
  }), async (req, reply) => {
    const identity = requireIdentity(deps);
    const body = parseBody(confirmBody, req.body);
    const result = await confirmTotp({ uow: deps.uow, clock: deps.clock, random: identity.random }, req.caller, body.code);
    return reply.header('cache-control', 'no-store').send({ recoveryCodes: result.recoveryCodes });
  });

  app.post('/openpim/me/authentication/recoveryCodes', doc({
    summary: 'Replace my recovery codes', tags, body: emptyBody,
    notes: 'OpenPIM extension. Needs a recent MFA. The earlier codes stop working.',
    responses: {
      200: '`{recoveryCodes: […]}`, shown this once.',
      400: '`AuthenticationMethodNotEnrolled`: no authenticator app.',
      403: '`Authorization_RequestDenied` with a step-up challenge: no recent MFA.',
    },
  }), async (req, reply) => {
    const identity = requireIdentity(deps);
    if (req.body !== undefined) parseBody(emptyBody, req.body);
    const result = await regenerateRecoveryCodes({ uow: deps.uow, clock: deps.clock, random: identity.random }, req.caller);
    return reply.header('cache-control', 'no-store').send({ recoveryCodes: result.recoveryCodes });
  });

  app.delete('/openpim/me/authentication/totp', doc({
    summary: 'Remove my authenticator app', tags,
    notes: 'OpenPIM extension. Needs a recent MFA. Removes the recovery codes too.',
    responses: {
      204: 'Removed.',
      403: '`Authorization_RequestDenied` with a step-up challenge: no recent MFA.',
      404: '`Request_ResourceNotFound`: no authenticator app.',
    },
  }), async (req, reply) => {
    await removeTotp(deps, req.caller, req.caller.principal.id);
    return reply.status(204).send();
  });
}
