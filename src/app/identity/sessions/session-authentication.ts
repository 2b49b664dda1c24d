/**
 * Is this session still good? For a browser's cookie (found by the digest of its secret; the
 * CSRF token is checked by the HTTP layer) and for a bearer token that names its session (`sid`).
 * Revoked, past the absolute end, or — browser only — idle too long: InvalidAuthenticationToken,
 * the same answer as a bad token. A browser session's last-seen time is written once a minute.
 */
import { DomainError } from '../../../domain/errors.ts';
import { hashSessionSecret, isWellFormedSecret, needsTouch, sessionState, type SessionSettings } from '../../../domain/identity/sessions.ts';
import type { Clock } from '../../ports/clock.ts';
import type { AutocommitUnitOfWork } from '../../ports/repositories.ts';
import type { Session } from '../../ports/sessions.ts';

export interface SessionCheckDeps {
  /** Last-seen is written outside any transaction (keepAlive). */
  readonly uow: AutocommitUnitOfWork<'sessions', 'sessions'>;
  readonly clock: Clock;
  readonly sessions: SessionSettings;
}

const ended = (why: string) => new DomainError('InvalidAuthenticationToken', `The sign-in session ${why}: sign in again.`);

function ensureActive(deps: SessionCheckDeps, session: Session | null): Session {
  if (!session) throw ended('is not known');
  const state = sessionState(session, deps.clock.now(), deps.sessions);
  if (state === 'revoked') throw ended('was signed out');
  if (state === 'expired') throw ended('has expired');
  if (state === 'idle') throw ended('timed out after a period without activity');
  return session;
}

/**
 * A browser session in use is not idle. Last-seen is a single-row update outside any unit of work:
 * it changes no state anyone decides on beyond the time-out, and is not audited.
 */
async function keepAlive(deps: SessionCheckDeps, session: Session): Promise<void> {
  const now = deps.clock.now();
  if (session.kind === 'browser' && needsTouch(session, now, deps.sessions)) await deps.uow.read.sessions.touch(session.tenantId, session.id, now);
}

/** The browser's session for this cookie value. */
export async function sessionOfCookie(deps: SessionCheckDeps, secret: string): Promise<Session> {
  if (!isWellFormedSecret(secret)) throw ended('is not known');
  const session = ensureActive(deps, await deps.uow.read.sessions.bySecretHash(hashSessionSecret(secret)));
  await keepAlive(deps, session);
  return session;
}

/** The session a token was issued from; it must still be open and belong to the token's principal. */
export async function sessionOfToken(deps: SessionCheckDeps, tenantId: string, principalId: string, sessionId: string): Promise<Session> {
  const session = ensureActive(deps, await deps.uow.read.sessions.get(tenantId, sessionId));
  if (session.principalId !== principalId) throw ended('is not known');
  // A token from a browser session's step-up keeps that session alive while it is used.
  await keepAlive(deps, session);
  return session;
}
