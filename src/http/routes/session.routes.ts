/**
 * Sign-in sessions over HTTP: the browser's sign-in (a cookie), the current session, sign-out and
 * Graph's revokeSignInSessions. Browser sign-in is rate-limited like the bearer one. (The CLI's
 * sign-in through the browser: cli-authorize.routes.ts.)
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { BreakGlassMemo } from '../../app/identity/record-break-glass-use.ts';
import { revokeSignInSessions } from '../../app/identity/sessions/revoke-sign-in-sessions.ts';
import { endReplacedSession, signOut } from '../../app/identity/sessions/sign-out.ts';
import { signIn } from '../../app/identity/sign-in.ts';
import { DomainError } from '../../domain/errors.ts';
import { csrfTokenFor } from '../../domain/identity/sessions.ts';
import { toIso } from '../../domain/time.ts';
import { CSRF_HEADER, recordBreakGlassSignIn, sessionsOf } from '../auth.ts';
import type { HttpDeps } from '../context.ts';
import { doc } from '../openapi.ts';
import { clearSessionCookie, sessionSecretOf, setSessionCookie } from '../session-cookie.ts';
import { idString, parseBody } from '../validation.ts';
import { contextOf, limit, requireIdentity, signInBody, signInDeps } from './auth.routes.ts';

export const SESSION_PATH = '/openpim/auth/session';
/** POST is public (it signs in); GET is the caller's own session. */
export const isPublicSessionRequest = (request: FastifyRequest): boolean => request.method === 'POST' && request.url.split('?')[0] === SESSION_PATH;

const tags = ['identity'] as const;
const emptyBody = z.strictObject({});

async function sessionView(deps: HttpDeps, req: FastifyRequest) {
  const caller = req.caller;
  if (!caller.sessionId) throw new DomainError('Request_BadRequest', 'This token is not from a sign-in session.');
  const session = await deps.uow.read.sessions.get(caller.tenantId, caller.sessionId);
  if (!session) throw new DomainError('InvalidAuthenticationToken', 'The sign-in session is not known: sign in again.');
  const settings = sessionsOf(deps);
  const secret = req.authenticatedBy === 'cookie' ? sessionSecretOf(req, settings) : null;
  const idleEnd = session.kind === 'browser' ? Math.min(session.expiresAt, session.lastSeenAt + settings.idleTimeout) : null;
  return {
    id: session.id,
    kind: session.kind,
    method: session.method,
    userId: session.principalId,
    amr: session.amr,
    acrs: session.acrs,
    authDateTime: session.authTime === null ? null : toIso(session.authTime),
    createdDateTime: toIso(session.createdAt),
    expiresDateTime: toIso(session.expiresAt),
    idleExpiresDateTime: idleEnd === null ? null : toIso(idleEnd),
    ...(secret ? { csrfToken: csrfTokenFor(secret) } : {}),
  };
}

export function sessionRoutes(app: FastifyInstance, deps: HttpDeps, breakGlass: BreakGlassMemo): void {
  app.post(
    SESSION_PATH,
    doc({
      summary: 'Sign in the browser (session cookie)',
      tags,
      public: true,
      body: signInBody,
      notes:
        'OpenPIM extension: the browser form of `POST /openpim/auth/signin`. Sets the session cookie (`__Host-openpim-session`: HttpOnly, Secure, SameSite=Lax) ' +
        `and answers the CSRF token that every state-changing request made with the cookie must send in \`${CSRF_HEADER}\`. ` +
        'The session ends after the idle time-out without a request, at its absolute end, or at sign-out.',
      responses: {
        200: '`{csrfToken, expiresDateTime, idleExpiresDateTime, amr}`; `Set-Cookie` with the session.',
        400: '`InvalidCredentials`: wrong user principal name, password or code (one answer for all).',
        403: '`Authorization_RequestDenied`: the account is disabled.',
        404: '`Request_ResourceNotFound`: sign-in is not enabled on this server.',
        429: '`TooManyRequests` with `Retry-After`.',
      },
    }),
    async (req, reply) => {
      const identity = requireIdentity(deps);
      const body = parseBody(signInBody, req.body);
      limit(identity, req, `user:${body.tenantId ?? ''}:${body.userPrincipalName.toLowerCase()}`);
      const settings = sessionsOf(deps);
      const { session, principal } = await signIn(
        signInDeps(deps, identity),
        {
          tenantId: body.tenantId ?? null,
          userPrincipalName: body.userPrincipalName,
          password: body.password,
          totp: body.totp ?? null,
          kind: 'browser',
        },
        contextOf(req),
      );
      await recordBreakGlassSignIn(deps, breakGlass, req, principal, session.sessionId, 'password sign-in (browser)');
      const replaced = sessionSecretOf(req, settings);
      if (replaced) await endReplacedSession(deps, replaced);
      setSessionCookie(reply, session, settings, deps.clock.now());
      return reply.header('cache-control', 'no-store').send({
        csrfToken: session.csrfToken,
        expiresDateTime: toIso(session.expiresAt),
        idleExpiresDateTime: session.idleExpiresAt === null ? null : toIso(session.idleExpiresAt),
        amr: body.totp ? ['pwd', 'mfa', 'otp'] : ['pwd'],
      });
    },
  );

  app.get(
    SESSION_PATH,
    doc({
      summary: 'My sign-in session',
      tags,
      notes:
        'OpenPIM extension. The session behind the cookie or the bearer token; with the cookie, also its CSRF token (a page reloaded in the browser gets it here).',
      responses: {
        200: '`{id, kind: browser|cli|api, method, userId, amr, acrs, authDateTime, createdDateTime, expiresDateTime, idleExpiresDateTime, csrfToken?}`.',
        400: '`Request_BadRequest`: the token is not from a sign-in session (a service principal or operator token).',
      },
    }),
    async (req, reply) => reply.header('cache-control', 'no-store').send(await sessionView(deps, req)),
  );

  app.post(
    '/openpim/auth/signout',
    doc({
      summary: 'Sign out',
      tags,
      body: emptyBody,
      notes:
        'OpenPIM extension. Ends the session behind the cookie or the bearer token: the cookie and every token issued from the session stop working at once. ' +
        `With the cookie, send \`${CSRF_HEADER}\`. Clears the cookie.`,
      responses: {
        204: 'Signed out.',
        400: '`Request_BadRequest`: the token is not from a sign-in session.',
      },
    }),
    async (req, reply) => {
      if (req.body !== undefined) parseBody(emptyBody, req.body);
      await signOut(deps, req.caller);
      if (req.authenticatedBy === 'cookie') clearSessionCookie(reply, sessionsOf(deps));
      return reply.status(204).send();
    },
  );

  app.post(
    '/v1.0/users/:id/revokeSignInSessions',
    doc({
      summary: 'Revoke sign-in sessions',
      tags: ['directory'],
      params: { id: "The user's id." },
      notes:
        'As Graph: ends every sign-in session of the user (browser, CLI and the tokens issued from them). Anyone may revoke their own; ' +
        'for someone else it takes the rights of resetting their password (a privileged account: Privileged Authentication Administrator).',
      responses: {
        200: '`{"@odata.context": "…$metadata#Edm.Boolean", "value": true}`.',
        404: '`Request_ResourceNotFound`: no such user.',
      },
    }),
    async (req) => {
      // The id is a path parameter (a string, not a body); like Graph, the action takes no body, or an empty object.
      const id = idString.safeParse((req.params as { id: string }).id);
      if (!id.success) throw new DomainError('Request_BadRequest', 'The user id in the path is not a valid id.');
      if (req.body !== undefined) parseBody(emptyBody, req.body);
      await revokeSignInSessions(deps, req.caller, id.data);
      return { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean', value: true };
    },
  );
}
