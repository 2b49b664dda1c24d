/** What the HTTP layer is given by the composition root, and what it adds to each request. */
import type { Caller } from '../app/caller.ts';
import type { Clock, Ids } from '../app/ports/clock.ts';
import type { AutocommitUnitOfWork, Repositories } from '../app/ports/repositories.ts';
import type { ApprovalLinks } from '../app/ports/notifier.ts';
import type { TokenIssuer, TokenVerifier } from '../app/ports/tokens.ts';
import type { AccessChecker } from '../app/ports/access.ts';
import type { PasswordHasher, Random } from '../app/ports/identity.ts';
import type { ClientAssertionVerifier } from '../app/ports/client-assertions.ts';
import type { LockoutPolicy } from '../domain/identity/lockout.ts';
import type { AuthenticationContexts } from '../domain/identity/authentication-contexts.ts';
import type { RelyingParty, WebAuthnCeremonies } from '../app/ports/webauthn.ts';
import type { IdentityProvider } from '../app/ports/federation.ts';
import type { FederationSettings } from '../app/identity/federated-sign-in.ts';
import type { SessionSettings } from '../domain/identity/sessions.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { CookieSettings } from './session-cookie.ts';

export interface HttpDeps {
  /** Every repository; a browser session's last-seen time is written through `read` (session-authentication.ts). */
  readonly uow: AutocommitUnitOfWork<keyof Repositories, 'sessions'>;
  /** The built portal (default web/dist beside the sources). */
  readonly portalDir?: string;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly tokens: TokenVerifier;
  /** The access decision engine (the check API answers 404 without it). */
  readonly access?: AccessChecker;
  /** How long after an MFA sign-in it satisfies MFA rules (ms). */
  readonly mfaMaxAge: number;
  /** Largest accepted request body in bytes. */
  readonly bodyLimit: number;
  /** False until start-up catch-up is done: /healthz answers 503 meanwhile. */
  readonly isReady: () => boolean;
  /** Verifies one-click approval links; without it /openpim/approvals/act answers 404. */
  readonly approvalLinks?: ApprovalLinks;
  /** Pino options, or false for silence in tests. */
  readonly logger?: boolean | Record<string, unknown>;
  /** Sign-in, step-up, the token endpoint and credential management; without it those routes answer 404. */
  readonly identity?: IdentityHttpDeps;
  /** Fastify's trustProxy: whose X-Forwarded-For to believe for the client address (rate limits, audit). */
  readonly trustProxy?: boolean | string;
  /** Sign-in sessions: time-outs and the cookie (default: DEFAULT_SESSIONS in auth.ts). */
  readonly sessions?: SessionHttpSettings;
}

export interface SessionHttpSettings extends SessionSettings, CookieSettings {}

export interface IdentityHttpDeps {
  readonly passwords: PasswordHasher;
  readonly random: Random;
  readonly issuer: TokenIssuer;
  /** Lifetime of tokens issued by sign-in, step-up and the token endpoint (ms). */
  readonly tokenTtl: number;
  readonly rateLimiter: RateLimiter;
  readonly lockout?: LockoutPolicy;
  /** Passkeys and security keys; without it the WebAuthn routes answer 404. */
  readonly webauthn?: WebAuthnHttpDeps;
  /** Sign-in with the organisation's OpenID provider; without it the OIDC routes answer 404. */
  readonly federation?: FederationHttpDeps;
  /** private_key_jwt client authentication at the token endpoint; without it client assertions are refused. */
  readonly clientAssertions?: ClientAssertionHttpDeps;
}

export interface ClientAssertionHttpDeps {
  readonly verifier: ClientAssertionVerifier;
  /**
   * The server's public base URL: assertions must name `publicUrl + /openpim/oauth2/token` as `aud`.
   * Without it, the URL the request was made to (its scheme and Host header) is the audience.
   */
  readonly publicUrl?: string;
}

export interface FederationHttpDeps {
  readonly provider: IdentityProvider;
  /** The provider's name on the sign-in page ("Sign in with …"). */
  readonly displayName?: string;
  readonly settings: FederationSettings;
}

export interface WebAuthnHttpDeps {
  readonly ceremonies: WebAuthnCeremonies;
  readonly rp: RelyingParty;
  /** Authentication context → the factors that satisfy it (default: phishing-resistant → WebAuthn). */
  readonly contexts?: AuthenticationContexts;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; set by the auth hook on every /v1.0, /beta and /openpim route. */
    caller: Caller;
    /** How the caller authenticated: a bearer token, or the browser's session cookie (CSRF-checked). */
    authenticatedBy: 'bearer' | 'cookie';
  }
}
