/**
 * Graph's `revokeSignInSessions`: ends every sign-in session of a user — browser cookies, CLI
 * logins and the tokens issued from them stop at once. Anyone may end their own; ending someone
 * else's needs the rights of resetting their password (a privileged target: a Privileged
 * Authentication Administrator). Audited when it ended any.
 */
import { ACTIVITY } from '../../../domain/audit/activities.ts';
import { DomainError } from '../../../domain/errors.ts';
import { actorOf, auditRecord, principalTarget } from '../../audit/record.ts';
import type { Caller } from '../../caller.ts';
import type { Clock } from '../../ports/clock.ts';
import type { UnitOfWork } from '../../ports/repositories.ts';
import { authorizeCredentialChange, authorizeCredentialChangeKind } from '../credential-rights.ts';

export async function revokeSignInSessions(
  deps: { readonly uow: UnitOfWork<'principals' | 'accounts' | 'sessions' | 'audit'>; readonly clock: Clock },
  caller: Caller,
  userId: string,
): Promise<number> {
  const self = userId === caller.principal.id;
  if (!self) authorizeCredentialChangeKind(caller, 'sessions');
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const user = await tx.principals.get(caller.tenantId, userId);
    if (!user || user.type !== 'user') throw new DomainError('Request_ResourceNotFound', `No user has the id '${userId}'.`);
    if (!self) await authorizeCredentialChange(tx, caller, user, 'sessions', now);
    const ended = await tx.sessions.revokeAllOf(user.tenantId, user.id, now, self ? 'revokedByUser' : 'revokedByAdmin');
    if (ended > 0) {
      await tx.audit.append(
        auditRecord(user.tenantId, actorOf(caller), caller.correlationId, now, {
          activity: ACTIVITY.signInSessionsRevoked,
          category: 'UserManagement',
          operationType: 'Update',
          targets: [principalTarget(user)],
          details: { SessionsRevoked: String(ended) },
        }),
      );
    }
    return ended;
  });
}
