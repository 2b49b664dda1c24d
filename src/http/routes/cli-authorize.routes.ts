/**
 * The CLI's sign-in through the browser (`openpim login --browser`; RFC 8252 with PKCE, RFC 7636;
 * docs/decisions/0011). `GET /openpim/auth/authorize` checks the request and, for a browser
 * signed in to OpenPIM, shows a page asking the user to confirm; only the page's own form — a POST
 * with the session cookie and the session's CSRF token — gives the CLI its one-time code. A
 * website can make the browser open the GET (its cookie is SameSite=Lax), but can't read the page
 * or post the form, so no local program can get a session without the user saying yes
 * (RFC 8252 §8.6). A browser without a session goes to the identity provider's sign-in first, when
 * one is configured, else to the portal's sign-in page, and comes back.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { BreakGlassMemo } from '../../app/identity/record-break-glass-use.ts';
import { authorizeCli } from '../../app/identity/sessions/authorize-cli.ts';
import { DomainError, isDomainError } from '../../domain/errors.ts';
import { escapeHtml } from '../../domain/html.ts';
import { csrfTokenFor, isLoopbackRedirect, isS256Challenge } from '../../domain/identity/sessions.ts';
import { authenticate, sessionsOf } from '../auth.ts';
import type { HttpDeps } from '../context.ts';
import { doc } from '../openapi.ts';
import { sessionSecretOf } from '../session-cookie.ts';
import { CLI_CLIENT_ID, parseForm, requireIdentity } from './auth.routes.ts';

export const AUTHORIZE_PATH = '/openpim/auth/authorize';
/** Served without a bearer token: they authenticate by the browser's cookie themselves (to send a browser without one to sign in). */
export const PUBLIC_AUTHORIZE_PATHS = [AUTHORIZE_PATH] as const;

/** Where a browser without a session signs in before coming back (the identity provider, when configured). */
/** Where a browser without a session signs in before coming back to `returnTo`; null: nowhere (401). `page`: it asked for HTML. */
export type SignInRedirect = (returnTo: string, page: boolean) => string | null;

const tags = ['identity'] as const;
const FIELDS = ['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method'] as const;
const authorizeParams = z.object({
  response_type: z.string().optional(),
  client_id: z.string().optional(),
  redirect_uri: z.string().max(512).optional(),
  state: z.string().max(512).optional(),
  code_challenge: z.string().optional(),
  code_challenge_method: z.string().optional(),
});
type AuthorizeParams = z.output<typeof authorizeParams>;

/** A form post's fields, one value each (the last wins is not an option: a repeated field is refused). */
function formFields(body: unknown): Record<string, string> {
  const fields = (body ?? {}) as Record<string, string[]>;
  const single: Record<string, string> = {};
  for (const [name, values] of Object.entries(fields)) {
    if (values.length !== 1) throw new DomainError('Request_BadRequest', `The form field '${name}' must be given once.`);
    single[name] = values[0]!;
  }
  return single;
}

/** RFC 6749 §4.1.2.1: once the redirect URI is known good, errors go back to it. */
function redirectTo(reply: FastifyReply, redirectUri: string, params: Record<string, string | undefined>) {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return reply.status(302).header('location', url.toString()).header('cache-control', 'no-store').send();
}

/**
 * Checks what needs no session: the client and the loopback redirect URI (else a 400, nothing
 * redirected), then the response type and PKCE (errors go back to the CLI). Returns the redirect
 * URI and challenge, or null when an error was sent.
 */
function checkRequest(p: AuthorizeParams, reply: FastifyReply): { redirectUri: string; challenge: string } | null {
  if (p.client_id !== CLI_CLIENT_ID) throw new DomainError('Request_BadRequest', `client_id must be '${CLI_CLIENT_ID}'.`);
  const redirectUri = p.redirect_uri;
  if (!redirectUri || !isLoopbackRedirect(redirectUri)) {
    throw new DomainError('Request_BadRequest', 'redirect_uri must be http://127.0.0.1:PORT/… or http://[::1]:PORT/… (RFC 8252).');
  }
  if (p.response_type !== 'code') {
    void redirectTo(reply, redirectUri, { error: 'unsupported_response_type', error_description: 'response_type must be code.', state: p.state });
    return null;
  }
  if (p.code_challenge_method !== 'S256' || !p.code_challenge || !isS256Challenge(p.code_challenge)) {
    void redirectTo(reply, redirectUri, {
      error: 'invalid_request',
      error_description: 'PKCE is required: code_challenge (43 base64url characters) with code_challenge_method=S256.',
      state: p.state,
    });
    return null;
  }
  return { redirectUri, challenge: p.code_challenge };
}

function confirmationPage(p: AuthorizeParams, who: string, csrfToken: string, port: string): string {
  const hidden = FIELDS.filter((f) => p[f] !== undefined)
    .map((f) => `<input type="hidden" name="${f}" value="${escapeHtml(p[f]!)}">`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign in the OpenPIM CLI</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.5rem 1rem;margin-right:.5rem}</style>
</head><body><main><h1>Sign in the OpenPIM CLI?</h1>
<p>The <code>openpim</code> command on this computer (listening on port ${escapeHtml(port)}) asks to act as <strong>${escapeHtml(who)}</strong>.</p>
<p>Continue only if you have just run <code>openpim login --browser</code> yourself.</p>
<form method="post" action="${AUTHORIZE_PATH}">${hidden}<input type="hidden" name="csrf_token" value="${escapeHtml(csrfToken)}">
<button type="submit" name="decision" value="allow">Sign in the CLI</button><button type="submit" name="decision" value="deny">Cancel</button></form>
</main></body></html>
`;
}

/**
 * The page and the redirect must not be framed, cached or sent to anyone else. Its form may post
 * only here — and, since browsers check form-action on the redirect that answers the post too, on
 * to the CLI's loopback origin (already checked by isLoopbackRedirect, so it holds no `;` or quote).
 */
const pageHeaders = (redirectUri: string) => ({
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${new URL(redirectUri).origin}; frame-ancestors 'none'; base-uri 'none'`,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
});

export function cliAuthorizeRoutes(app: FastifyInstance, deps: HttpDeps, breakGlass: BreakGlassMemo, signInRedirect: SignInRedirect = () => null): void {
  /** The signed-in browser, or the reply already sent (to sign-in, or an error back to the CLI). */
  async function signedInBrowser(req: FastifyRequest, reply: FastifyReply, redirectUri: string, state: string | undefined, formCsrfToken?: string) {
    try {
      await authenticate(deps, req, breakGlass, formCsrfToken);
    } catch (error) {
      if (!isDomainError(error) || error.code !== 'InvalidAuthenticationToken' || formCsrfToken !== undefined) throw error;
      const to = signInRedirect(req.url, (req.headers.accept ?? '').includes('text/html'));
      if (!to) throw new DomainError('InvalidAuthenticationToken', 'Sign in to OpenPIM in this browser first, then run openpim login --browser again.');
      void reply.status(302).header('location', to).header('cache-control', 'no-store').send();
      return false;
    }
    if (req.authenticatedBy !== 'cookie') {
      void redirectTo(reply, redirectUri, {
        error: 'access_denied',
        error_description: 'Only a browser signed in to OpenPIM (session cookie) can sign in the CLI.',
        state,
      });
      return false;
    }
    return true;
  }

  app.get(
    AUTHORIZE_PATH,
    doc({
      summary: 'Sign in the CLI from the browser: the confirmation page (loopback, PKCE)',
      tags,
      public: true,
      notes:
        'OpenPIM extension: the authorization endpoint of `openpim login --browser` (RFC 8252, RFC 7636). Query: `response_type=code`, ' +
        `\`client_id=${CLI_CLIENT_ID}\`, \`redirect_uri=http://127.0.0.1:PORT/…\` (or [::1]), \`state\`, \`code_challenge\` (S256), \`code_challenge_method=S256\`. ` +
        'A browser signed in to OpenPIM (session cookie) gets an HTML page asking the user to confirm; its form posts back here. ' +
        "A browser without a session goes to the identity provider's sign-in first when federation is configured, else to the portal's " +
        'sign-in page (when it asks for HTML), and comes back.',
      responses: {
        200: 'The confirmation page (text/html; not to be framed).',
        302: 'To `redirect_uri?error=…&error_description=…&state=…` (`unsupported_response_type`, `invalid_request`, `access_denied`), or to sign-in.',
        400: '`Request_BadRequest`: client_id or redirect_uri is missing or not allowed (nothing is redirected).',
        401: '`InvalidAuthenticationToken`: this browser is not signed in to OpenPIM (and no identity provider is configured).',
      },
    }),
    async (req, reply) => {
      const parsed = authorizeParams.safeParse(req.query);
      const p = parsed.success ? parsed.data : {};
      const checked = checkRequest(p, reply);
      if (!checked) return reply;
      requireIdentity(deps);
      if (!(await signedInBrowser(req, reply, checked.redirectUri, p.state))) return reply;
      const secret = sessionSecretOf(req, sessionsOf(deps))!;
      const who = req.caller.principal.userPrincipalName ?? req.caller.principal.displayName;
      return reply.headers(pageHeaders(checked.redirectUri)).send(confirmationPage(p, who, csrfTokenFor(secret), new URL(checked.redirectUri).port || '80'));
    },
  );

  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, parseForm(String(body))));
    scope.post(
      AUTHORIZE_PATH,
      doc({
        summary: "Sign in the CLI from the browser: the user's answer",
        tags,
        public: true,
        consumes: ['application/x-www-form-urlencoded'],
        body: {
          type: 'object',
          properties: {
            ...Object.fromEntries(FIELDS.map((f) => [f, { type: 'string' }])),
            csrf_token: { type: 'string', description: "The session's CSRF token, from the confirmation page." },
            decision: { type: 'string', enum: ['allow', 'deny'] },
          },
          required: ['client_id', 'redirect_uri', 'csrf_token', 'decision'],
        },
        notes:
          "OpenPIM extension: the confirmation page's form, with the session cookie and the session's CSRF token. " +
          '`allow`: 302 to the loopback address with a one-time `code` (a minute; redeem it at `POST /openpim/oauth2/token` with the PKCE verifier) and the `state`; ' +
          '`deny`: 302 with `error=access_denied`.',
        responses: {
          302: 'To `redirect_uri?code=…&state=…`, or `?error=…`.',
          400: '`Request_BadRequest`: client_id or redirect_uri is missing or not allowed, a field is repeated, or the decision is missing.',
          401: '`InvalidAuthenticationToken`: this browser is not signed in to OpenPIM.',
          403: "`InvalidCsrfToken`: the form does not carry this session's CSRF token.",
        },
      }),
      async (req, reply) => {
        const identity = requireIdentity(deps);
        if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) {
          throw new DomainError('Request_BadRequest', 'Send the confirmation form (application/x-www-form-urlencoded).');
        }
        const fields = formFields(req.body);
        const parsed = authorizeParams.safeParse(Object.fromEntries(FIELDS.filter((f) => fields[f] !== undefined).map((f) => [f, fields[f]])));
        const p = parsed.success ? parsed.data : {};
        const checked = checkRequest(p, reply);
        if (!checked) return reply;
        if (!(await signedInBrowser(req, reply, checked.redirectUri, p.state, fields.csrf_token ?? ''))) return reply;
        if (fields.decision !== 'allow') {
          if (fields.decision !== 'deny') throw new DomainError('Request_BadRequest', "decision must be 'allow' or 'deny'.");
          return redirectTo(reply, checked.redirectUri, { error: 'access_denied', error_description: 'The user cancelled the sign-in.', state: p.state });
        }
        const { code } = await authorizeCli(
          { uow: deps.uow, clock: deps.clock, ids: deps.ids, random: identity.random, sessions: sessionsOf(deps) },
          req.caller,
          { redirectUri: checked.redirectUri, codeChallenge: checked.challenge },
          req.ip ?? null,
        );
        return redirectTo(reply, checked.redirectUri, { code, state: p.state });
      },
    );
  });
}
