/**
 * WebAuthn (passkeys and security keys): registering one for the caller, and a step-up that
 * exchanges an assertion for a fresh token with `amr` `mfa` + `hwk`/`swk` and the authentication
 * contexts it satisfies in `acrs` (default: `phishing-resistant`). Each ceremony is two calls:
 * options (a single-use challenge stored server-side for 5 minutes), then the authenticator's answer.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { tooManyAttempts } from '../../app/identity/attempts.ts';
import { beginWebAuthnRegistration } from '../../app/identity/begin-webauthn-registration.ts';
import { beginWebAuthnStepUp } from '../../app/identity/begin-webauthn-step-up.ts';
import { finishWebAuthnRegistration } from '../../app/identity/finish-webauthn-registration.ts';
import { removeWebAuthnCredential } from '../../app/identity/remove-webauthn-credential.ts';
import { webAuthnStepUp } from '../../app/identity/webauthn-step-up.ts';
import { myWebAuthnCredentials } from '../../app/identity/webauthn-credentials-query.ts';
import type { WebAuthnCredential } from '../../app/ports/webauthn.ts';
import { DomainError } from '../../domain/errors.ts';
import { DEFAULT_AUTHENTICATION_CONTEXTS } from '../../domain/identity/authentication-contexts.ts';
import { toIso } from '../../domain/time.ts';
import type { HttpDeps, IdentityHttpDeps, WebAuthnHttpDeps } from '../context.ts';
import { WEBAUTHN_STEP_UP_PATH } from '../errors.ts';
import { doc } from '../openapi.ts';
import { idString, parseBody, singleLine } from '../validation.ts';
import { contextOf } from './auth.routes.ts';

export const WEBAUTHN_REGISTER_OPTIONS_PATH = '/openpim/auth/webauthn/register/options';
export const WEBAUTHN_REGISTER_PATH = '/openpim/auth/webauthn/register/verify';
export const WEBAUTHN_STEP_UP_OPTIONS_PATH = `${WEBAUTHN_STEP_UP_PATH}/options`;

const tags = ['identity'] as const;
const b64url = z
  .string()
  .min(1)
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]+={0,2}$/, 'must be base64url');
/** A PublicKeyCredential as JSON (WebAuthn L3 `toJSON()`, or @simplewebauthn/browser). Checked in depth by the ceremony. */
const credentialJson = (inner: z.ZodType) =>
  z.looseObject({
    id: b64url,
    rawId: b64url,
    type: z.literal('public-key'),
    response: inner,
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).nullable().optional(),
    clientExtensionResults: z.record(z.string(), z.unknown()).optional(),
  });
const registerBody = z.strictObject({
  displayName: z.string().trim().min(1).max(64).check(singleLine).optional(),
  response: credentialJson(z.looseObject({ clientDataJSON: b64url, attestationObject: b64url, transports: z.array(z.string().max(32)).max(8).optional() })),
});
const stepUpBody = z.strictObject({
  response: credentialJson(z.looseObject({ clientDataJSON: b64url, authenticatorData: b64url, signature: b64url, userHandle: b64url.nullable().optional() })),
});
const emptyBody = z.strictObject({});

function requireWebAuthn(deps: HttpDeps): { identity: IdentityHttpDeps; webauthn: WebAuthnHttpDeps } {
  const identity = deps.identity;
  if (!identity?.webauthn) throw new DomainError('Request_ResourceNotFound', 'WebAuthn is not enabled on this server.');
  return { identity, webauthn: identity.webauthn };
}

const credentialView = (c: WebAuthnCredential) => ({
  id: c.id,
  displayName: c.displayName,
  hardwareBound: c.hardware,
  authenticatorAttachment: c.attachment,
  transports: c.transports,
  aaGuid: c.aaguid,
  backedUp: c.backedUp,
  createdDateTime: toIso(c.createdAt),
  lastUsedDateTime: c.lastUsedAt === null ? null : toIso(c.lastUsedAt),
});

export function webAuthnRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const ceremonyDeps = (identity: IdentityHttpDeps, webauthn: WebAuthnHttpDeps) => ({
    uow: deps.uow,
    clock: deps.clock,
    random: identity.random,
    ceremonies: webauthn.ceremonies,
    rp: webauthn.rp,
  });

  app.post(
    WEBAUTHN_REGISTER_OPTIONS_PATH,
    doc({
      summary: 'Start registering a passkey or security key',
      tags,
      body: emptyBody,
      notes:
        'OpenPIM extension. Returns `PublicKeyCredentialCreationOptionsJSON` for `navigator.credentials.create()` ' +
        '(attestation `none`, user verification required, existing keys excluded). The challenge works once, for 5 minutes. ' +
        'A user with no second factor yet may register with a password token; otherwise a recent MFA is needed (step up first).',
      responses: {
        200: '`{challenge, rp: {id, name}, user: {id, name, displayName}, pubKeyCredParams, timeout, excludeCredentials, authenticatorSelection, attestation}`.',
        400: '`Request_BadRequest`: the caller is not a user.',
        403: '`Authorization_RequestDenied` with a step-up challenge: the account has a second factor and the token no recent MFA.',
        404: '`Request_ResourceNotFound`: WebAuthn is not enabled.',
      },
    }),
    async (req, reply) => {
      const { identity, webauthn } = requireWebAuthn(deps);
      if (req.body !== undefined) parseBody(emptyBody, req.body);
      const options = await beginWebAuthnRegistration(ceremonyDeps(identity, webauthn), req.caller);
      return reply.header('cache-control', 'no-store').send(options);
    },
  );

  app.post(
    WEBAUTHN_REGISTER_PATH,
    doc({
      summary: 'Finish registering a passkey or security key',
      tags,
      body: registerBody,
      notes:
        'OpenPIM extension. `{"displayName": "YubiKey 5", "response": <the PublicKeyCredential from create(), as JSON>}`. ' +
        'Checks the challenge (once), origin, relying party id, user verification and the credential; stores its id, public key, ' +
        'counter and transports. A device-bound credential (not backup-eligible) counts as a hardware key (`hwk`), a synced passkey as `swk`.',
      responses: {
        201: 'The credential: `{id, displayName, hardwareBound, authenticatorAttachment, transports, aaGuid, backedUp, createdDateTime, lastUsedDateTime}`.',
        400: '`InvalidCredentials`: unknown, used or expired challenge, or the response did not verify.',
        403: '`Authorization_RequestDenied` with a step-up challenge: the account has a second factor and the token no recent MFA.',
        404: '`Request_ResourceNotFound`: WebAuthn is not enabled.',
        409: '`ObjectConflict`: this authenticator is registered already.',
      },
    }),
    async (req, reply) => {
      const { identity, webauthn } = requireWebAuthn(deps);
      const body = parseBody(registerBody, req.body);
      const credential = await finishWebAuthnRegistration(ceremonyDeps(identity, webauthn), req.caller, {
        response: body.response,
        displayName: body.displayName ?? null,
      });
      return reply.status(201).send(credentialView(credential));
    },
  );

  app.post(
    WEBAUTHN_STEP_UP_OPTIONS_PATH,
    doc({
      summary: 'Start a step-up with a passkey or security key',
      tags,
      body: emptyBody,
      notes:
        'OpenPIM extension. Returns `PublicKeyCredentialRequestOptionsJSON` for `navigator.credentials.get()` listing ' +
        "the caller's credentials, user verification required; the challenge works once, for 5 minutes.",
      responses: {
        200: '`{challenge, rpId, allowCredentials, userVerification: "required", timeout}`.',
        400: '`AuthenticationMethodNotEnrolled`: no passkey or security key registered.',
        404: '`Request_ResourceNotFound`: WebAuthn is not enabled.',
      },
    }),
    async (req, reply) => {
      const { identity, webauthn } = requireWebAuthn(deps);
      if (req.body !== undefined) parseBody(emptyBody, req.body);
      const options = await beginWebAuthnStepUp(ceremonyDeps(identity, webauthn), req.caller);
      return reply.header('cache-control', 'no-store').send(options);
    },
  );

  app.post(
    WEBAUTHN_STEP_UP_PATH,
    doc({
      summary: 'Step up: exchange a WebAuthn assertion for a token with MFA and authentication contexts',
      tags,
      body: stepUpBody,
      notes:
        'OpenPIM extension. `{"response": <the PublicKeyCredential from get(), as JSON>}` with the current bearer token. ' +
        'The new token adds `mfa` and `hwk` (device-bound key) or `swk` (synced passkey) to `amr`, has `auth_time` now, and adds to `acrs` ' +
        'every authentication context WebAuthn satisfies (by default `phishing-resistant`), so a request refused with ' +
        '`WWW-Authenticate: Bearer error="insufficient_user_authentication", acr_values="…"` succeeds when retried with it. ' +
        'The signature counter must move forward; each challenge works once.',
      responses: {
        200: '`{"token_type": "Bearer", "access_token": "…", "expires_in": 3600, "acrs": ["phishing-resistant"]}`; `Cache-Control: no-store`.',
        400:
          '`InvalidCredentials`: unknown or used challenge, wrong origin, signature or counter (counted towards the lockout); ' +
          '`AuthenticationMethodNotEnrolled`: no passkey or security key.',
        404: '`Request_ResourceNotFound`: WebAuthn is not enabled.',
        429: '`TooManyRequests` with `Retry-After`: too many attempts, or the account is locked after repeated failures.',
      },
    }),
    async (req, reply) => {
      const { identity, webauthn } = requireWebAuthn(deps);
      const body = parseBody(stepUpBody, req.body);
      const wait = identity.rateLimiter.attempt(req.ip ?? 'unknown', `principal:${req.caller.principal.id}`);
      if (wait > 0) throw tooManyAttempts(wait);
      const token = await webAuthnStepUp(
        {
          ...ceremonyDeps(identity, webauthn),
          contexts: webauthn.contexts ?? DEFAULT_AUTHENTICATION_CONTEXTS,
          tokens: identity.issuer,
          tokenTtl: identity.tokenTtl,
          ...(identity.lockout ? { lockout: identity.lockout } : {}),
        },
        req.caller,
        body.response,
        contextOf(req),
      );
      return reply
        .header('cache-control', 'no-store')
        .header('pragma', 'no-cache')
        .send({ token_type: token.tokenType, access_token: token.accessToken, expires_in: token.expiresIn, acrs: token.acrs });
    },
  );

  app.get(
    '/openpim/me/authentication/webauthn',
    doc({
      summary: 'My passkeys and security keys',
      tags,
      notes: 'OpenPIM extension. Never returns key material.',
      responses: {
        200: '`{value: [{id, displayName, hardwareBound, authenticatorAttachment, transports, aaGuid, backedUp, createdDateTime, lastUsedDateTime}]}`.',
      },
    }),
    async (req) => {
      const list = await myWebAuthnCredentials(deps.uow.read, req.caller);
      return { value: list.map(credentialView) };
    },
  );

  app.delete(
    '/openpim/me/authentication/webauthn/:id',
    doc({
      summary: 'Remove one of my passkeys or security keys',
      tags,
      params: { id: 'The credential id (base64url).' },
      notes: 'OpenPIM extension. Needs a recent MFA.',
      responses: {
        204: 'Removed.',
        403: '`Authorization_RequestDenied` with a step-up challenge: no recent MFA.',
        404: '`Request_ResourceNotFound`: no such credential of yours.',
      },
    }),
    async (req, reply) => {
      const id = parseBody(z.object({ id: idString }), req.params).id;
      await removeWebAuthnCredential(deps, req.caller, id);
      return reply.status(204).send();
    },
  );
}
