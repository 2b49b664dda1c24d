/**
 * SCIM DELETE /Users/{id} (docs/decisions/0009): deprovision — disable the account, end every
 * grant, cancel pending requests — and hide the user from SCIM (GET answers 404, its externalId
 * is freed). The principal itself is kept so the audit trail keeps naming who held what.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import { auditRecord, principalTarget } from '../audit/record.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { deprovision } from './deprovision.ts';
import { scimContext, type ScimClient, type ScimRepositories } from './scim-client.ts';

export async function deleteScimUser(
  deps: { uow: UnitOfWork<keyof ScimRepositories>; clock: Clock; ids: Ids },
  client: ScimClient,
  userId: string,
): Promise<void> {
  const now = deps.clock.now();
  await deps.uow.run(async (tx) => {
    const found = await tx.provisioning.get(client.tenantId, 'user', userId);
    if (!found) throw new DomainError('Request_ResourceNotFound', `No user has the id '${userId}'.`);
    const user = found.principal;
    const ctx = scimContext(tx, deps.ids, client, now);
    const ended = await deprovision(ctx, user);
    await tx.provisioning.markDeleted(user.tenantId, user.id, now);
    await tx.audit.append(
      auditRecord(user.tenantId, ctx.actor, ctx.correlationId, now, {
        activity: ACTIVITY.userDeleted,
        category: 'UserManagement',
        operationType: 'Delete',
        targets: [principalTarget(user)],
        details: { Source: 'SCIM', GrantsEnded: String(ended), Kept: 'disabled, for the audit trail' },
      }),
    );
    await tx.feed.append(user.tenantId, 'principal.updated', user.id, { changed: ['deleted'], principal: (await tx.principals.get(user.tenantId, user.id))! });
  });
}
