/** What the HTTP layer is given by the composition root, and what it adds to each request. */
import type { Caller } from '../app/caller.ts';
import type { Clock, Ids } from '../app/ports/clock.ts';
import type { UnitOfWork } from '../app/ports/repositories.ts';
import type { ApprovalLinks } from '../app/ports/notifier.ts';
import type { TokenVerifier } from '../app/ports/tokens.ts';
import type { AccessChecker } from '../app/ports/access.ts';

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
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; set by the auth hook on every /v1.0, /beta and /openpim route. */
    caller: Caller;
  }
}
