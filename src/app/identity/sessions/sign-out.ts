/**
 * Signing out ends the caller's session: its cookie and every token issued from it stop working
 * at once, on every node (each request checks the session).
 */
import { DomainError } from '../../../domain/errors.ts';
import type { Caller } from '../../caller.ts';
import type { Clock } from '../../ports/clock.ts';
import type { UnitOfWork } from '../../ports/repositories.ts';

export async function signOut(deps: { readonly uow: UnitOfWork; readonly clock: Clock }, caller: Caller): Promise<void> {
  if (!caller.sessionId) {
    throw new DomainError('Request_BadRequest', 'This token is not from a sign-in session (a service principal or operator token): there is nothing to sign out of; let it expire.');
  }
  await deps.uow.run((tx) => tx.sessions.revoke(caller.tenantId, caller.sessionId!, deps.clock.now(), 'signOut'));
}
