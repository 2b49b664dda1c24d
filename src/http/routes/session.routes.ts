/**
 * Sign-in sessions over HTTP: the browser's sign-in (a cookie), the current session, sign-out,
 * Graph's revokeSignInSessions, and the CLI's loopback sign-in (`GET /openpim/auth/authorize`,
 * redeemed at the token endpoint with PKCE). Browser sign-in is rate-limited like the bearer one.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { BreakGlassMemo } from '../../app/identity/record-break-glass-use.ts';
import { authorizeCli } from '../../app/identity/sessions/authorize-cli.ts';
import { revokeSignInSessions } from '../../app/identity/sessions/revoke-sign-in-sessions.ts';
import { signOut } from '../../app/identity/sessions/sign-out.ts';
import { signIn } from '../../app/identity/sign-in.ts';
import { DomainError, isDomainError } from '../../domain/errors.ts';
import { csrfTokenFor, isLoopbackRedirect, isS256Challenge } from '../../domain/identity/sessions.ts';
import { toIso } from '../../domain/time.ts';
import { authenticate, CSRF_HEADER, recordBreakGlassSignIn, sessionsOf } from '../auth.ts';
import type { HttpDeps } from '../context.ts';
import { doc } from '../openapi.ts';
import { clearSessionCookie, sessionSecretOf, setSessionCookie } from '../session-cookie.ts';
import { idString, parseBody } from '../validation.ts';
import { CLI_CLIENT_ID, contextOf, limit, requireIdentity, signInBody, signInDeps } from './auth.routes.ts';

export const SESSION_PATH = '/openpim/auth/session';
export const AUTHORIZE_PATH = '/openpim/auth/authorize';
/** Served without a bearer token: browser sign-in; authorize authenticates by cookie itself (to redirect to sign-in). */
export const PUBLIC_SESSION_PATHS = [AUTHORIZE_PATH] as const;
/** POST is public (it signs in); GET is the caller's own session. */
export const isPublicSessionRequest = (request: FastifyRequest): boolean =>
  request.method === 'POST' && request.url.split('?')[0] === SESSION_PATH;

const tags = ['identity'] as const;
const emptyBody = z.strictObject({});

/** Where a browser without a session signs in before coming back (federation, when configured). */
export type SignInRedirect = (returnTo: string) => string | null;

function sessionView(deps: HttpDeps, req: FastifyRequest) {
  return async () => {
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
  };
}

/** RFC 6749 §4.1.2.1: once the redirect URI is known good, errors go back to it. */
function redirectError(reply: FastifyReply, redirectUri: string, state: string | undefined, error: string, description: string) {
  const url = new URL(redirectUri);
  url.searchParams.set('error', error);
  url.searchParams.set('error_description', description);
  if (state !== undefined) url.searchParams.set('state', state);
  return reply.status(302).header('location', url.toString()).header('cache-control', 'no-store').send();
}

const authorizeQuery = z.object({
  response_type: z.string().optional(),
  client_id: z.string().optional(),
  redirect_uri: z.string().max(512).optional(),
  state: z.string().max(512).optional(),
  code_challenge: z.string().optional(),
  code_challenge_method: z.string().optional(),
});

export function sessionRoutes(app: FastifyInstance, deps: HttpDeps, breakGlass: BreakGlassMemo, signInRedirect: SignInRedirect = () => null): void {
  app.post(SESSION_PATH, doc({
    summary: 'Sign in the browser (session cookie)', tags, public: true, body: signInBody,
    notes: 'OpenPIM extension: the browser form of `POST /openpim/auth/signin`. Sets the session cookie (`__Host-openpim-session`: HttpOnly, Secure, SameSite=Lax) '
      + `and answers the CSRF token that every state-changing request made with the cookie must send in \`${CSRF_HEADER}\`. `
      + 'The session ends after the idle time-out without a request, at its absolute end, or at sign-out.',
    responses: {
      200: '`{csrfToken, expiresDateTime, idleExpiresDateTime, amr}`; `Set-Cookie` with the session.',
      400: '`InvalidCredentials`: wrong user principal name, password or code (one answer for all).',
      403: '`Authorization_RequestDenied`: the account is disabled.',
      404: '`Request_ResourceNotFound`: sign-in is not enabled on this server.',
      429: '`TooManyRequests` with `Retry-After`.',
    },
  }), async (req, reply) => {
    const identity = requireIdentity(deps);
    const body = parseBody(signInBody, req.body);
    limit(identity, req, `user:${body.tenantId ?? ''}:${body.userPrincipalName.toLowerCase()}`);
    const settings = sessionsOf(deps);
    const { session, principal } = await signIn(signInDeps(deps, identity), {
      tenantId: body.tenantId ?? null, userPrincipalName: body.userPrincipalName, password: body.password, totp: body.totp ?? null, kind: 'browser',
    }, contextOf(req));
    await recordBreakGlassSignIn(deps, breakGlass, req, principal, session.sessionId, 'password sign-in (browser)');
    setSessionCookie(reply, session, settings, deps.clock.now());
    return reply.header('cache-control', 'no-store').send({
      csrfToken: session.csrfToken,
      expiresDateTime: toIso(session.expiresAt),
      idleExpiresDateTime: session.idleExpiresAt === null ? null : toIso(session.idleExpiresAt),
      amr: body.totp ? ['pwd', 'mfa', 'otp'] : ['pwd'],
    });
  });

  app.get(SESSION_PATH, doc({
    summary: 'My sign-in session', tags,
    notes: 'OpenPIM extension. The session behind the cookie or the bearer token; with the cookie, also its CSRF token (a page reloaded in the browser gets it here).',
    responses: {
      200: '`{id, kind: browser|cli|api, method, userId, amr, acrs, authDateTime, createdDateTime, expiresDateTime, idleExpiresDateTime, csrfToken?}`.',
      400: '`Request_BadRequest`: the token is not from a sign-in session (a service principal or operator token).',
    },
  }), async (req, reply) => reply.header('cache-control', 'no-store').send(await sessionView(deps, req)()));

  app.post('/openpim/auth/signout', doc({
    summary: 'Sign out', tags, body: emptyBody,
    notes: 'OpenPIM extension. Ends the session behind the cookie or the bearer token: the cookie and every token issued from the session stop working at once. '
      + `With the cookie, send \`${CSRF_HEADER}\`. Clears the cookie.`,
    responses: {
      204: 'Signed out.',
      400: '`Request_BadRequest`: the token is not from a sign-in session.',
    },
  }), async (req, reply) => {
    if (req.body !== undefined) parseBody(emptyBody, req.body);
    await signOut(deps, req.caller);
    if (req.authenticatedBy === 'cookie') clearSessionCookie(reply, sessionsOf(deps));
    return reply.status(204).send();
  });

  app.post('/v1.0/users/:id/revokeSignInSessions', doc({
    summary: 'Revoke sign-in sessions', tags: ['directory'], params: { id: 'The user\'s id.' },
    notes: 'As Graph: ends every sign-in session of the user (browser, CLI and the tokens issued from them). Anyone may revoke their own; '
      + 'for someone else it takes the rights of resetting their password (a privileged account: Privileged Authentication Administrator).',
    responses: {
      200: '`{"@odata.context": "…$metadata#Edm.Boolean", "value": true}`.',
      404: '`Request_ResourceNotFound`: no such user.',
    },
  }), async (req) => {
    // The id is a path parameter (a string, not a body); like Graph, the action takes no body, or an empty object.
    const id = idString.safeParse((req.params as { id: string }).id);
    if (!id.success) throw new DomainError('Request_BadRequest', 'The user id in the path is not a valid id.');
    if (req.body !== undefined) parseBody(emptyBody, req.body);
    await revokeSignInSessions(deps, req.caller, id.data);
    return { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean', value: true };
  });

  app.get(AUTHORIZE_PATH, doc({
    summary: 'Sign in the CLI from the browser (loopback, PKCE)', tags, public: true,
    notes: 'OpenPIM extension: the authorization endpoint of `openpim login --browser` (RFC 8252, RFC 7636). Query: `response_type=code`, '
      + `\`client_id=${CLI_CLIENT_ID}\`, \`redirect_uri=http://127.0.0.1:PORT/…\` (or [::1], localhost), \`state\`, \`code_challenge\` (S256), \`code_challenge_method=S256\`. `
      + 'A browser signed in to OpenPIM (session cookie) is redirected to the loopback address with a one-time `code` (valid for a minute) and the `state`; '
      + 'one without a session goes to the identity provider\'s sign-in first when federation is configured, and comes back.',
    responses: {
      302: 'To `redirect_uri?code=…&state=…`, or `?error=…&error_description=…&state=…` (`unsupported_response_type`, `invalid_request`, `access_denied`); or to sign-in.',
      400: '`Request_BadRequest`: client_id or redirect_uri is missing or not allowed (nothing is redirected).',
      401: '`InvalidAuthenticationToken`: this browser is not signed in to OpenPIM (and no identity provider is configured).',
    },
  }), async (req, reply) => {
    const q = authorizeQuery.safeParse(req.query);
    const query = q.success ? q.data : {};
    if (query.client_id !== CLI_CLIENT_ID) throw new DomainError('Request_BadRequest', `client_id must be '${CLI_CLIENT_ID}'.`);
    const redirectUri = query.redirect_uri;
    if (!redirectUri || !isLoopbackRedirect(redirectUri)) {
      throw new DomainError('Request_BadRequest', 'redirect_uri must be http://127.0.0.1:PORT/…, http://[::1]:PORT/… or http://localhost:PORT/… (RFC 8252).');
    }
    const identity = requireIdentity(deps);
    if (query.response_type !== 'code') return redirectError(reply, redirectUri, query.state, 'unsupported_response_type', 'response_type must be code.');
    if (query.code_challenge_method !== 'S256' || !query.code_challenge || !isS256Challenge(query.code_challenge)) {
      return redirectError(reply, redirectUri, query.state, 'invalid_request', 'PKCE is required: code_challenge (43 base64url characters) with code_challenge_method=S256.');
    }
    try {
      await authenticate(deps, req, breakGlass);
    } catch (error) {
      if (!isDomainError(error) || error.code !== 'InvalidAuthenticationToken') throw error;
      const to = signInRedirect(req.url);
      if (!to) throw new DomainError('InvalidAuthenticationToken', 'Sign in to OpenPIM in this browser first, then run openpim login --browser again.');
      return reply.status(302).header('location', to).header('cache-control', 'no-store').send();
    }
    if (req.authenticatedBy !== 'cookie') return redirectError(reply, redirectUri, query.state, 'access_denied', 'Only a browser signed in to OpenPIM (session cookie) can sign in the CLI.');
    const { code } = await authorizeCli({ uow: deps.uow, clock: deps.clock, ids: deps.ids, random: identity.random, sessions: sessionsOf(deps) }, req.caller,
      { redirectUri, codeChallenge: query.code_challenge }, req.ip ?? null);
    const url = new URL(redirectUri);
    url.searchParams.set('code', code);
    if (query.state !== undefined) url.searchParams.set('state', query.state);
    return reply.status(302).header('location', url.toString()).header('cache-control', 'no-store').send();
  });
}
