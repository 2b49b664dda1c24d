/**
 * Sign-in (local accounts), step-up, and the caller's own authentication methods (TOTP enrollment,
 * recovery codes); the OAuth 2.0 token endpoint is in token.routes.ts. Sign-in, step-up and the
 * token endpoint are rate-limited per source address and per account (429 + Retry-After).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { tooManyAttempts, type AttemptContext } from '../../app/identity/attempts.ts';
import { myAuthenticationMethods } from '../../app/identity/authentication-methods.ts';
import { confirmTotp } from '../../app/identity/confirm-totp.ts';
import { enrollTotp } from '../../app/identity/enroll-totp.ts';
import type { IssuedToken } from '../../app/identity/issue-token.ts';
import { regenerateRecoveryCodes } from '../../app/identity/regenerate-recovery-codes.ts';
import { removeTotp } from '../../app/identity/remove-totp.ts';
import { signIn } from '../../app/identity/sign-in.ts';
import { stepUp } from '../../app/identity/step-up.ts';
import { DomainError } from '../../domain/errors.ts';
import { recordBreakGlassSignIn, sessionsOf } from '../auth.ts';
import type { BreakGlassMemo } from '../../app/identity/record-break-glass-use.ts';
import { toIso } from '../../domain/time.ts';
import type { HttpDeps, IdentityHttpDeps } from '../context.ts';
import { STEP_UP_PATH } from '../errors.ts';
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
const stepUpBody = z
  .strictObject({
    totp: code.optional(),
    recoveryCode: z.string().min(1).max(64).check(singleLine).optional(),
  })
  .refine((b) => (b.totp === undefined) !== (b.recoveryCode === undefined), 'give exactly one of totp and recoveryCode');
const confirmBody = z.strictObject({ code });
const emptyBody = z.strictObject({});

export const TOKEN_ERRORS = {
  400: '`InvalidCredentials`: wrong user principal name, password or code (one answer for all, counted towards the lockout).',
  429: '`TooManyRequests` with `Retry-After`: too many attempts from this address or on this account, or the account is locked after repeated failures.',
} as const;
export const TOKEN_RESPONSE = '`{"token_type": "Bearer", "access_token": "…", "expires_in": 3600}`; `Cache-Control: no-store`.';

export function requireIdentity(deps: HttpDeps): IdentityHttpDeps {
  if (!deps.identity) throw new DomainError('Request_ResourceNotFound', 'Sign-in is not enabled on this server.');
  return deps.identity;
}

export const contextOf = (req: FastifyRequest): AttemptContext => ({
  correlationId: String(req.headers['client-request-id'] ?? req.id),
  sourceIp: req.ip ?? null,
});

/** Counts an attempt against the address and account budgets; throws TooManyRequests when one is spent. */
export function limit(identity: IdentityHttpDeps, req: FastifyRequest, account: string): void {
  const wait = identity.rateLimiter.attempt(req.ip ?? 'unknown', account);
  if (wait > 0) throw tooManyAttempts(wait);
}

export function sendToken(reply: FastifyReply, token: IssuedToken) {
  return reply
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .send({ token_type: token.tokenType, access_token: token.accessToken, expires_in: token.expiresIn });
}

/** Form fields, each once (RFC 6749 §3.2: a repeated parameter is an invalid request). */
export function parseForm(text: string): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(text)) (fields[name] ??= []).push(value);
  return fields;
}

export const signInDeps = (deps: HttpDeps, identity: IdentityHttpDeps) => ({
  uow: deps.uow,
  clock: deps.clock,
  ids: deps.ids,
  random: identity.random,
  sessions: sessionsOf(deps),
  passwords: identity.passwords,
  tokens: identity.issuer,
  tokenTtl: identity.tokenTtl,
  ...(identity.lockout ? { lockout: identity.lockout } : {}),
});

export function authRoutes(app: FastifyInstance, deps: HttpDeps, breakGlass: BreakGlassMemo): void {
  const read = deps.uow.read;

  app.post(
    SIGN_IN_PATH,
    doc({
      summary: 'Sign in with a local account',
      tags,
      public: true,
      body: signInBody,
      notes:
        'OpenPIM extension. Password, and optionally the current code of the enrolled authenticator app (`totp`). ' +
        'With a right code the token carries `amr: ["pwd","mfa","otp"]`, else `["pwd"]`; `auth_time` is now. ' +
        `A token without MFA can be stepped up later at \`POST ${STEP_UP_PATH}\`. Five failures in a row lock the account for a minute, doubling with each further lockout up to an hour.`,
      responses: {
        200: TOKEN_RESPONSE,
        ...TOKEN_ERRORS,
        403: '`Authorization_RequestDenied`: the password was right but the account is disabled.',
        404: '`Request_ResourceNotFound`: sign-in is not enabled on this server.',
      },
    }),
    async (req, reply) => {
      const identity = requireIdentity(deps);
      const body = parseBody(signInBody, req.body);
      limit(identity, req, `user:${body.tenantId ?? ''}:${body.userPrincipalName.toLowerCase()}`);
      const { token, session, principal } = await signIn(
        signInDeps(deps, identity),
        {
          tenantId: body.tenantId ?? null,
          userPrincipalName: body.userPrincipalName,
          password: body.password,
          totp: body.totp ?? null,
          kind: 'api',
        },
        contextOf(req),
      );
      await recordBreakGlassSignIn(deps, breakGlass, req, principal, session.sessionId, 'password sign-in');
      return sendToken(reply, token!);
    },
  );

  app.post(
    STEP_UP_PATH,
    doc({
      summary: 'Step up: exchange a TOTP or recovery code for a token with MFA',
      tags,
      body: stepUpBody,
      notes:
        'OpenPIM extension. Send the current bearer token and `{"totp": "123456"}` or `{"recoveryCode": "ABCD-EFGH-IJKL-MNOP"}`. ' +
        'The new token adds `mfa` and `otp` to `amr` and has `auth_time` now, so a request refused with ' +
        '`WWW-Authenticate: Bearer error="insufficient_claims"` (rule `MfaRule`) succeeds when retried with it. Each code works once.',
      responses: {
        200: TOKEN_RESPONSE,
        400: '`InvalidCredentials`: the code is wrong or already used (counted towards the lockout); `AuthenticationMethodNotEnrolled`: no authenticator app is enrolled.',
        429: TOKEN_ERRORS[429],
      },
    }),
    async (req, reply) => {
      const identity = requireIdentity(deps);
      const body = parseBody(stepUpBody, req.body);
      limit(identity, req, `principal:${req.caller.principal.id}`);
      const proof = body.totp !== undefined ? { totp: body.totp } : { recoveryCode: body.recoveryCode! };
      const token = await stepUp(
        {
          uow: deps.uow,
          clock: deps.clock,
          tokens: identity.issuer,
          tokenTtl: identity.tokenTtl,
          ...(identity.lockout ? { lockout: identity.lockout } : {}),
          ...(identity.webauthn?.contexts ? { contexts: identity.webauthn.contexts } : {}),
        },
        req.caller,
        proof,
        contextOf(req),
      );
      return sendToken(reply, token);
    },
  );

  app.get(
    '/openpim/me/authentication/methods',
    doc({
      summary: 'My authentication methods',
      tags,
      notes: 'OpenPIM extension. Never returns a secret.',
      responses: {
        200: '`{passwordSetDateTime, totp: {id, confirmedDateTime, lastUsedDateTime} | null, pendingTotp, recoveryCodesRemaining, lastSignInDateTime}`.',
      },
    }),
    async (req) => {
      return authenticationMethodsShape(await myAuthenticationMethods(read, req.caller));
    },
  );

  app.post(
    '/openpim/me/authentication/totp',
    doc({
      summary: 'Start enrolling an authenticator app (TOTP)',
      tags,
      body: emptyBody,
      notes:
        'OpenPIM extension. Returns the secret once, as base32 and as an `otpauth://` URI to show as a QR code (SHA-1, 6 digits, 30 s). ' +
        'Confirm within 10 minutes with a code from the app. Replacing an existing authenticator needs a recent MFA (step up first).',
      responses: {
        201: '`{id, secret, otpauthUri, algorithm, digits, period, expiresDateTime}`.',
        400: '`Request_BadRequest`: the caller is not a user.',
        403: '`Authorization_RequestDenied` with a step-up challenge: an authenticator exists and the token has no recent MFA.',
      },
    }),
    async (req, reply) => {
      const identity = requireIdentity(deps);
      if (req.body !== undefined) parseBody(emptyBody, req.body);
      const e = await enrollTotp({ uow: deps.uow, clock: deps.clock, ids: deps.ids, random: identity.random }, req.caller);
      return reply
        .status(201)
        .header('cache-control', 'no-store')
        .send({
          id: e.factorId,
          secret: e.secret,
          otpauthUri: e.otpauthUri,
          algorithm: 'SHA1',
          digits: 6,
          period: 30,
          expiresDateTime: toIso(e.expiresAt),
        });
    },
  );

  app.post(
    '/openpim/me/authentication/totp/confirm',
    doc({
      summary: 'Confirm the authenticator app being enrolled',
      tags,
      body: confirmBody,
      notes: 'OpenPIM extension. The code activates the app (replacing an earlier one); the response carries ten single-use recovery codes, shown this once.',
      responses: {
        200: '`{recoveryCodes: ["ABCD-EFGH-IJKL-MNOP", …]}`.',
        400: '`InvalidCredentials`: the code does not match; `AuthenticationMethodNotEnrolled`: no enrollment waiting (or it expired).',
        403: '`Authorization_RequestDenied` with a step-up challenge: replacing an authenticator needs a recent MFA.',
      },
    }),
    async (req, reply) => {
      const identity = requireIdentity(deps);
      const body = parseBody(confirmBody, req.body);
      const result = await confirmTotp({ uow: deps.uow, clock: deps.clock, random: identity.random }, req.caller, body.code);
      return reply.header('cache-control', 'no-store').send({ recoveryCodes: result.recoveryCodes });
    },
  );

  app.post(
    '/openpim/me/authentication/recoveryCodes',
    doc({
      summary: 'Replace my recovery codes',
      tags,
      body: emptyBody,
      notes: 'OpenPIM extension. Needs a recent MFA. The earlier codes stop working.',
      responses: {
        200: '`{recoveryCodes: […]}`, shown this once.',
        400: '`AuthenticationMethodNotEnrolled`: no authenticator app.',
        403: '`Authorization_RequestDenied` with a step-up challenge: no recent MFA.',
      },
    }),
    async (req, reply) => {
      const identity = requireIdentity(deps);
      if (req.body !== undefined) parseBody(emptyBody, req.body);
      const result = await regenerateRecoveryCodes({ uow: deps.uow, clock: deps.clock, random: identity.random }, req.caller);
      return reply.header('cache-control', 'no-store').send({ recoveryCodes: result.recoveryCodes });
    },
  );

  app.delete(
    '/openpim/me/authentication/totp',
    doc({
      summary: 'Remove my authenticator app',
      tags,
      notes: 'OpenPIM extension. Needs a recent MFA. Removes the recovery codes too.',
      responses: {
        204: 'Removed.',
        403: '`Authorization_RequestDenied` with a step-up challenge: no recent MFA.',
        404: '`Request_ResourceNotFound`: no authenticator app.',
      },
    }),
    async (req, reply) => {
      await removeTotp(deps, req.caller, req.caller.principal.id);
      return reply.status(204).send();
    },
  );
}
