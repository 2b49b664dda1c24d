/**
 * Authentication of every API route: a bearer token (`Authorization: Bearer …`), or the browser's
 * session cookie. A token that names a sign-in session (`sid`) works only while that session is
 * open; a cookie works while its session is neither revoked, past its absolute end, nor idle too
 * long, and a state-changing request made with it must carry the session's CSRF token in
 * `X-CSRF-Token` (a page on another site can make the browser send the cookie, but can't read
 * the token). Either way the principal must be enabled (resolveCaller).
 */
import type { FastifyRequest } from 'fastify';
import { resolveCaller, type Authentication } from '../app/caller.ts';
import { recordBreakGlassUse, type BreakGlassMemo } from '../app/identity/record-break-glass-use.ts';
import { sessionOfCookie, sessionOfToken } from '../app/identity/sessions/session-authentication.ts';
import { DomainError } from '../domain/errors.ts';
import type { Principal } from '../domain/model.ts';
import { csrfTokenFor, DEFAULT_SESSION_SETTINGS, sameToken } from '../domain/identity/sessions.ts';
import type { HttpDeps, SessionHttpSettings } from './context.ts';
import { sessionSecretOf } from './session-cookie.ts';

export const DEFAULT_SESSIONS: SessionHttpSettings = { ...DEFAULT_SESSION_SETTINGS, secure: true };
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const sessionsOf = (deps: HttpDeps): SessionHttpSettings => deps.sessions ?? DEFAULT_SESSIONS;

type Authenticated = Omit<Authentication, 'correlationId'> & { readonly useKey: string };

async function fromBearer(deps: HttpDeps, token: string): Promise<Authenticated> {
  const claims = await deps.tokens.verify(token);
  if (claims.sessionId)
    await sessionOfToken({ uow: deps.uow, clock: deps.clock, sessions: sessionsOf(deps) }, claims.tenantId, claims.principalId, claims.sessionId);
  return { ...claims, useKey: claims.sessionId ? `session:${claims.sessionId}` : `token:${claims.tokenId ?? token}` };
}

async function fromCookie(deps: HttpDeps, request: FastifyRequest, secret: string, formCsrfToken: string | undefined): Promise<Authenticated> {
  const session = await sessionOfCookie({ uow: deps.uow, clock: deps.clock, sessions: sessionsOf(deps) }, secret);
  if (!SAFE_METHODS.has(request.method)) {
    const given = formCsrfToken ?? request.headers[CSRF_HEADER];
    if (typeof given !== 'string' || !sameToken(given, csrfTokenFor(secret))) {
      throw new DomainError(
        'InvalidCsrfToken',
        `A request made with the session cookie must send the session's CSRF token in the ${CSRF_HEADER} header (from sign-in or GET /openpim/auth/session).`,
      );
    }
  }
  return {
    tenantId: session.tenantId,
    principalId: session.principalId,
    amr: session.amr,
    authTime: session.authTime,
    acrs: session.acrs,
    sessionId: session.id,
    useKey: `session:${session.id}`,
  };
}

/** A break-glass account signed in: audited and alerted now, and its session's requests not again. */
export async function recordBreakGlassSignIn(
  deps: HttpDeps,
  memo: BreakGlassMemo,
  request: FastifyRequest,
  principal: Principal,
  sessionId: string,
  how: string,
): Promise<void> {
  if (!principal.isBreakGlass) return;
  await recordBreakGlassUse(
    { uow: deps.uow, clock: deps.clock, memo },
    {
      tenantId: principal.tenantId,
      principal,
      correlationId: String(request.headers['client-request-id'] ?? request.id),
    },
    { useKey: `session:${sessionId}`, how, method: request.method, path: request.url, sourceIp: request.ip ?? null },
  );
}

/**
 * Authenticates the request into `request.caller`. A break-glass account's first request with a
 * token or session is audited and alerts the admins before it is served (docs/guide.md,
 * "Break-glass accounts"); if that can't be recorded the request fails rather than go unaudited.
 */
export async function authenticate(
  deps: HttpDeps,
  request: FastifyRequest,
  breakGlass: BreakGlassMemo,
  /** A browser form can't send a header: the CSRF token it carries as a field (cli-authorize.routes.ts). */
  formCsrfToken?: string,
): Promise<void> {
  const header = request.headers.authorization;
  const secret = header ? null : sessionSecretOf(request, sessionsOf(deps));
  let authentication: Authenticated;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new DomainError('InvalidAuthenticationToken', 'Access token is empty or not a Bearer token.');
    authentication = await fromBearer(deps, match[1]!);
    request.authenticatedBy = 'bearer';
  } else if (secret) {
    authentication = await fromCookie(deps, request, secret, formCsrfToken);
    request.authenticatedBy = 'cookie';
  } else {
    throw new DomainError('InvalidAuthenticationToken', 'Access token is empty or not a Bearer token.');
  }
  const { useKey, ...claims } = authentication;
  request.caller = await resolveCaller(
    deps.uow.read,
    {
      ...claims,
      correlationId: String(request.headers['client-request-id'] ?? request.id),
      // The peer's address, or the client's as a trusted proxy forwards it (HttpDeps.trustProxy).
      ipAddress: request.ip || null,
    },
    deps.clock.now(),
    deps.mfaMaxAge,
  );
  if (request.caller.principal.isBreakGlass) {
    await recordBreakGlassUse({ uow: deps.uow, clock: deps.clock, memo: breakGlass }, request.caller, {
      useKey,
      how: request.authenticatedBy === 'cookie' ? 'browser session' : claims.sessionId ? 'signed-in token' : 'bearer token',
      method: request.method,
      path: request.url,
      sourceIp: request.ip ?? null,
    });
  }
}
