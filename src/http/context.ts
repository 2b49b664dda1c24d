/** What the HTTP layer is given by the composition root, and what it adds to each request. */
import type { Caller } from '../app/caller.ts';
import type { Clock, Ids } from '../app/ports/clock.ts';
import type { UnitOfWork } from '../app/ports/repositories.ts';
import type { ApprovalLinks } from '../app/ports/notifier.ts';
import type { TokenIssuer, TokenVerifier } from '../app/ports/tokens.ts';
import type { AccessChecker } from '../app/ports/access.ts';
import type { PasswordHasher, Random } from '../app/ports/identity.ts';
import type { LockoutPolicy } from '../domain/identity/lockout.ts';
import type { AuthenticationContexts } from '../domain/identity/authentication-contexts.ts';
import type { RelyingParty, WebAuthnCeremonies } from '../app/ports/webauthn.ts';
import type { RateLimiter } from './rate-limit.ts';

export interface HttpDeps {
  readonly uow: UnitOfWork;
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
}

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
  }
}
