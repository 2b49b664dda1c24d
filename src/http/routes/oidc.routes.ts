/**
 * Sign-in with the organisation's OpenID provider (docs/decisions/0012), for browsers: start
 * (302 to the provider) and callback (302 back to a page of OpenPIM with a session cookie). Both
 * are served without a bearer token. The state travels three ways — in the provider's round trip,
 * in a short-lived httpOnly cookie of this browser, and hashed in the database — and must agree,
 * so a sign-in started by someone else cannot land in this browser (login CSRF) and none works twice.
 * Both are rate-limited per source address (429 + Retry-After), like the other public routes.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { beginFederatedSignIn } from '../../app/identity/begin-federated-sign-in.ts';
import { finishFederatedSignIn } from '../../app/identity/finish-federated-sign-in.ts';
import { DomainError } from '../../domain/errors.ts';
import { FEDERATION_FLOW_TTL } from '../../domain/identity/federation.ts';
import { sessionsOf } from '../auth.ts';
import type { FederationHttpDeps, HttpDeps, IdentityHttpDeps } from '../context.ts';
import { doc } from '../openapi.ts';
import { appendSetCookie, readCookie, setSessionCookie } from '../session-cookie.ts';
import { contextOf, limit } from './auth.routes.ts';

export const OIDC_SIGN_IN_PATH = '/openpim/auth/oidc/signin';
export const OIDC_CALLBACK_PATH = '/openpim/auth/oidc/callback';
export const SIGN_IN_METHODS_PATH = '/openpim/auth/providers';
/** Routes served without a bearer token. */
export const PUBLIC_OIDC_PATHS = [OIDC_SIGN_IN_PATH, OIDC_CALLBACK_PATH, SIGN_IN_METHODS_PATH] as const;

const tags = ['identity'] as const;

function requireFederation(deps: HttpDeps): { identity: IdentityHttpDeps; federation: FederationHttpDeps } {
  const federation = deps.identity?.federation;
  if (!deps.identity || !federation) throw new DomainError('Request_ResourceNotFound', 'Sign-in with an identity provider is not configured on this server.');
  return { identity: deps.identity, federation };
}

/** The browser-binding cookie: `__Host-` (Secure, Path=/) wherever the session cookie is Secure. */
const stateCookie = (secure: boolean) => (secure ? '__Host-openpim-oidc-state' : 'openpim-oidc-state');

function setStateCookie(reply: FastifyReply, secure: boolean, value: string, maxAgeSeconds: number): void {
  appendSetCookie(reply, `${stateCookie(secure)}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`);
}

const single = (value: unknown, name: string): string | undefined => {
  if (value === undefined || typeof value === 'string') return value;
  throw new DomainError('Request_BadRequest', `The query parameter '${name}' must be given once.`);
};

export function oidcRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get(
    SIGN_IN_METHODS_PATH,
    doc({
      summary: 'How people sign in here',
      tags,
      public: true,
      notes:
        'OpenPIM extension, for the sign-in page: whether passwords are accepted, and the identity provider (its name and where its sign-in starts) when one is configured.',
      responses: { 200: '`{password: boolean, oidc: {displayName, signInUrl} | null}`.' },
    }),
    async (_req, reply) => {
      const federation = deps.identity?.federation;
      return reply.header('cache-control', 'no-cache').send({
        password: deps.identity !== undefined,
        oidc: federation ? { displayName: federation.displayName ?? 'your identity provider', signInUrl: OIDC_SIGN_IN_PATH } : null,
      });
    },
  );

  app.get(
    OIDC_SIGN_IN_PATH,
    doc({
      summary: 'Sign in with the identity provider (browser redirect)',
      tags,
      public: true,
      notes:
        'OpenPIM extension, for browsers. Query: `returnTo`, a path on this server to come back to (default `/`; other sites are refused). ' +
        'Redirects to the OpenID provider (authorization code with PKCE S256, state and nonce) and sets a short-lived httpOnly cookie that binds the sign-in to this browser. ' +
        `The provider sends the browser back to \`${OIDC_CALLBACK_PATH}\`. A sign-in must be completed within ${FEDERATION_FLOW_TTL / 60_000} minutes.`,
      responses: {
        302: "To the provider's authorization endpoint.",
        400: '`Request_BadRequest`: `returnTo` is not a relative path on this server (e.g. `//evil.example` or an absolute URL).',
        503: '`IdentityProviderUnavailable`: the identity provider cannot be reached (its discovery document).',
        404: '`Request_ResourceNotFound`: no identity provider is configured.',
        429: '`TooManyRequests`: too many sign-ins from this address; try again after `Retry-After` seconds.',
      },
    }),
    async (req, reply) => {
      const { identity, federation } = requireFederation(deps);
      // No account is known yet: only the address's budget applies (the request's own key is never reused).
      limit(identity, req, `oidc:${req.id}`);
      const returnTo = single((req.query as Record<string, unknown>).returnTo, 'returnTo');
      const started = await beginFederatedSignIn({ uow: deps.uow, clock: deps.clock, random: identity.random, provider: federation.provider }, { returnTo });
      setStateCookie(reply, sessionsOf(deps).secure, started.state, Math.floor(FEDERATION_FLOW_TTL / 1000));
      return reply.status(302).header('cache-control', 'no-store').header('location', started.authorizationUrl).send();
    },
  );

  app.get(
    OIDC_CALLBACK_PATH,
    doc({
      summary: 'Where the identity provider sends the browser back',
      tags,
      public: true,
      notes:
        'OpenPIM extension, for browsers: the redirect URI registered at the provider (`code`, `state`, `iss`, or `error`). ' +
        "Checks the state against this browser's cookie and a pending sign-in (each works once), redeems the code, verifies the ID token, " +
        'finds the user (linked account, else verified email or just-in-time creation, as configured), starts a browser session (cookie) ' +
        "and redirects to the `returnTo` given at the start. The session carries `amr` `fed` — and the provider's `mfa` only when the server trusts it (`oidc.trustAmr`); " +
        'otherwise a policy that needs MFA asks for a local step-up.',
      responses: {
        302: 'To the page given at the start, with the session cookie set.',
        400: '`InvalidCredentials`: no or wrong state, not started in this browser, expired or already used, the provider answered with an error, or its answer did not verify.',
        403: '`Authorization_RequestDenied`: the account is disabled, no user matches (and just-in-time creation is off), or the match is ambiguous.',
        404: '`Request_ResourceNotFound`: no identity provider is configured.',
        429: '`TooManyRequests`: too many sign-ins from this address; try again after `Retry-After` seconds.',
        503: '`IdentityProviderUnavailable`: the identity provider cannot be reached.',
      },
    }),
    async (req, reply) => {
      const { identity, federation } = requireFederation(deps);
      limit(identity, req, `oidc:${req.id}`);
      const settings = sessionsOf(deps);
      const browserState = readCookie(req.headers.cookie, stateCookie(settings.secure));
      // Spent whatever happens next: the cookie served this one attempt.
      setStateCookie(reply, settings.secure, '', 0);
      const at = req.url.indexOf('?');
      const query = at < 0 ? '' : req.url.slice(at + 1);
      const result = await finishFederatedSignIn(
        {
          uow: deps.uow,
          clock: deps.clock,
          ids: deps.ids,
          settings: federation.settings,
          provider: federation.provider,
          browserSession: { random: identity.random, sessions: settings },
        },
        { query, browserState },
        contextOf(req),
      );
      setSessionCookie(reply, result.session!, settings, deps.clock.now());
      return reply.status(302).header('cache-control', 'no-store').header('location', result.returnTo).send();
    },
  );
}
