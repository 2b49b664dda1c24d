/**
 * Removes a user's authenticator app and recovery codes: the user themselves (with a recent MFA)
 * or an authentication administrator (a lost phone). Privileged targets need more rights
 * (credential-rights.ts). Audited.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import { actorOf, auditRecord, principalTarget } from '../audit/record.ts';
import type { Caller } from '../caller.ts';
import type { Clock } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { authorizeCredentialChange, authorizeCredentialChangeKind } from './credential-rights.ts';
import { requireRecentMfa } from './enroll-totp.ts';

export async function removeTotp(
  deps: { uow: UnitOfWork<'principals' | 'accounts' | 'totp' | 'audit'>; clock: Clock },
  caller: Caller,
  userId: string,
): Promise<void> {
  const self = userId === caller.principal.id;
  if (self) requireRecentMfa(caller, 'Removing your authenticator app');
  else authorizeCredentialChangeKind(caller, 'mfa');
  const now = deps.clock.now();
  await deps.uow.run(async (tx) => {
    const user = await tx.principals.get(caller.tenantId, userId);
    if (!user || user.type !== 'user') throw new DomainError('Request_ResourceNotFound', `No user has the id '${userId}'.`);
    if (!self) await authorizeCredentialChange(tx, caller, user, 'mfa', now);
    if (!(await tx.totp.remove(user.tenantId, user.id))) throw new DomainError('Request_ResourceNotFound', `'${user.displayName}' has no authenticator app.`);
    await tx.audit.append(
      auditRecord(user.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: self ? ACTIVITY.securityInfoDeletedByUser : ACTIVITY.securityInfoDeletedByAdmin,
        category: 'UserManagement',
        operationType: 'Delete',
        targets: [principalTarget(user)],
        details: { Method: 'totp' },
      }),
    );
  });
}
