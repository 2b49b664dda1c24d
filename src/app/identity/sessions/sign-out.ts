/**
 * Signing out ends the caller's session: its cookie and every token issued from it stop working
 * at once, on every node (each request checks the session).
 */
import { DomainError } from '../../../domain/errors.ts';
import { hashSessionSecret, isWellFormedSecret } from '../../../domain/identity/sessions.ts';
import type { Caller } from '../../caller.ts';
import type { Clock } from '../../ports/clock.ts';
import type { UnitOfWork } from '../../ports/repositories.ts';

export async function signOut(deps: { readonly uow: UnitOfWork<'sessions'>; readonly clock: Clock }, caller: Caller): Promise<void> {
  if (!caller.sessionId) {
    throw new DomainError(
      'Request_BadRequest',
      'This token is not from a sign-in session (a service principal or operator token): there is nothing to sign out of; let it expire.',
    );
  }
  await deps.uow.run((tx) => tx.sessions.revoke(caller.tenantId, caller.sessionId!, deps.clock.now(), 'signOut'));
}

/**
 * A browser that signs in again replaces its session: the one its old cookie named ends, so a
 * cookie someone copied earlier stops working too. Unknown or ended sessions: nothing to do.
 */
export async function endReplacedSession(deps: { readonly uow: UnitOfWork<'sessions'>; readonly clock: Clock }, oldSecret: string): Promise<void> {
  if (!isWellFormedSecret(oldSecret)) return;
  const old = await deps.uow.read.sessions.bySecretHash(hashSessionSecret(oldSecret));
  if (old && old.revokedAt === null) await deps.uow.run((tx) => tx.sessions.revoke(old.tenantId, old.id, deps.clock.now(), 'replaced'));
}
