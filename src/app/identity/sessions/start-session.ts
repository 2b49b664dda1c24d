/**
 * Starts a sign-in session: for the browser (a cookie secret, and the CSRF token derived from it),
 * for the CLI, or behind a bearer token from sign-in. `openSession` works inside the caller's
 * transaction, so a sign-in and its session are written together; `startSession` is its own.
 */
import { csrfTokenFor, encodeSecret, hashSessionSecret, type SessionSettings } from '../../../domain/identity/sessions.ts';
import type { Instant } from '../../../domain/time.ts';
import type { Clock, Ids } from '../../ports/clock.ts';
import type { Random } from '../../ports/identity.ts';
import type { Repositories, UnitOfWork } from '../../ports/repositories.ts';
import type { PendingCode, SessionKind } from '../../ports/sessions.ts';

export interface SessionDeps {
  readonly uow: UnitOfWork<'sessions'>;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly random: Random;
  readonly sessions: SessionSettings;
}

export interface SessionStart {
  readonly tenantId: string;
  readonly principalId: string;
  readonly amr: readonly string[];
  readonly authTime: Instant | null;
  readonly acrs: readonly string[];
  readonly kind: SessionKind;
  /** `password`, `oidc`, or `session` (handed over from another session). */
  readonly method: string;
  readonly sourceIp: string | null;
  /** A session handed over from another ends no later than that one. */
  readonly endsBy?: Instant;
}

export interface StartedSession {
  readonly sessionId: string;
  /** The cookie's value (browser sessions only); shown this once, stored as a digest. */
  readonly secret: string | null;
  /** Send it back in `X-CSRF-Token` with every state-changing request made with the cookie. */
  readonly csrfToken: string | null;
  readonly expiresAt: Instant;
  /** When it ends unless used before (browser sessions only). */
  readonly idleExpiresAt: Instant | null;
}

export async function openSession(
  tx: Pick<Repositories, 'sessions'>,
  deps: Pick<SessionDeps, 'ids' | 'random' | 'sessions'>,
  input: SessionStart,
  now: Instant,
  code?: PendingCode,
): Promise<StartedSession> {
  const secret = input.kind === 'browser' ? encodeSecret(deps.random.bytes(32)) : null;
  const sessionId = deps.ids.uuid();
  const expiresAt = Math.min(now + deps.sessions.absoluteTimeout, input.endsBy ?? Infinity);
  await tx.sessions.insert(
    {
      tenantId: input.tenantId,
      id: sessionId,
      principalId: input.principalId,
      kind: input.kind,
      method: input.method,
      secretHash: secret ? hashSessionSecret(secret) : null,
      amr: input.amr,
      acrs: input.acrs,
      authTime: input.authTime,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      revokedAt: null,
      revokedReason: null,
      sourceIp: input.sourceIp,
    },
    code,
  );
  return {
    sessionId,
    secret,
    csrfToken: secret ? csrfTokenFor(secret) : null,
    expiresAt,
    idleExpiresAt: input.kind === 'browser' ? Math.min(expiresAt, now + deps.sessions.idleTimeout) : null,
  };
}

export function startSession(deps: SessionDeps, input: SessionStart): Promise<StartedSession> {
  const now = deps.clock.now();
  return deps.uow.run((tx) => openSession(tx, deps, input, now));
}
