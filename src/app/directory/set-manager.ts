/** Set or clear a user's manager (Graph: PUT/DELETE /users/{id}/manager/$ref). Managers can approve (requestorManager). */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import { actorOf, auditRecord, principalTarget } from '../audit/record.ts';
import { authorize, PERMISSION } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import type { Clock } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';

export async function setManager(
  deps: { uow: UnitOfWork<'principals' | 'audit' | 'feed'>; clock: Clock },
  caller: Caller,
  userId: string,
  managerId: string | null,
): Promise<void> {
  authorize(caller, PERMISSION.usersUpdate);
  const now = deps.clock.now();
  await deps.uow.run(async (tx) => {
    const user = await tx.principals.get(caller.tenantId, userId);
    if (!user || user.type !== 'user') throw new DomainError('Request_ResourceNotFound', `User '${userId}' does not exist.`);
    if (managerId !== null) {
      const manager = await tx.principals.get(caller.tenantId, managerId);
      if (!manager || manager.type !== 'user') throw new DomainError('Request_BadRequest', `Manager '${managerId}' is not a user of this tenant.`);
      if (manager.id === user.id) throw new DomainError('Request_BadRequest', 'A user cannot be their own manager.');
    } else if (user.managerId === null) {
      throw new DomainError('Request_ResourceNotFound', `User '${userId}' has no manager.`);
    }
    await tx.principals.setManager(caller.tenantId, user.id, managerId);
    await tx.audit.append(
      auditRecord(caller.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.managerSet,
        category: 'UserManagement',
        operationType: 'Update',
        targets: [{ ...principalTarget(user), modifiedProperties: [{ displayName: 'Manager', oldValue: user.managerId, newValue: managerId }] }],
      }),
    );
    await tx.feed.append(caller.tenantId, 'principal.updated', user.id, { changed: ['managerId'], principal: { ...user, managerId } });
  });
}
