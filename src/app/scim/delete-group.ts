/**
 * SCIM DELETE /Groups/{id} (docs/decisions/0009): the group's direct members are removed, every
 * grant the group itself holds ends, and so do the PIM for Groups grants at its scope (eligible and
 * active membership and ownership), all audited; the group is then hidden from SCIM and kept,
 * emptied, for the audit trail. Role-assignable groups are OpenPIM's, not SCIM's.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import { auditRecord, principalTarget } from '../audit/record.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { groupScope } from '../../domain/group-access.ts';
import { keepingAdministrators } from '../keep-administrators.ts';
import { endAllAccess, endSchedules } from './deprovision.ts';
import { assertScimManaged, memberIdsOf, setMembers } from './group-members.ts';
import { scimContext, type ScimClient, type ScimRepositories } from './scim-client.ts';

export async function deleteScimGroup(
  deps: { uow: UnitOfWork<keyof ScimRepositories>; clock: Clock; ids: Ids },
  client: ScimClient,
  groupId: string,
): Promise<void> {
  const now = deps.clock.now();
  await deps.uow.run(async (tx) => {
    const found = await tx.provisioning.get(client.tenantId, 'group', groupId);
    if (!found) throw new DomainError('Request_ResourceNotFound', `No group has the id '${groupId}'.`);
    const group = found.principal;
    const ctx = scimContext(tx, deps.ids, client, now);
    await assertScimManaged(ctx, group);
    await setMembers(ctx, group, await memberIdsOf(ctx, group), []);
    const ended = await keepingAdministrators(tx, group.tenantId, now, async () => {
      const held = await endAllAccess(ctx, group);
      return (
        held +
        (await endSchedules(ctx, group.tenantId, await tx.provisioning.openScheduleIdsAt(group.tenantId, groupScope(group.id)), () => ({
          activity: ACTIVITY.groupAccessEndedWithGroup,
          reason: 'SCIM group deletion',
        })))
      );
    });
    await tx.provisioning.markDeleted(group.tenantId, group.id, now);
    await tx.audit.append(
      auditRecord(group.tenantId, ctx.actor, ctx.correlationId, now, {
        activity: ACTIVITY.groupDeleted,
        category: 'GroupManagement',
        operationType: 'Delete',
        targets: [principalTarget(group)],
        details: { Source: 'SCIM', GrantsEnded: String(ended), Kept: 'emptied, for the audit trail' },
      }),
    );
    await tx.feed.append(group.tenantId, 'principal.updated', group.id, {
      changed: ['deleted'],
      principal: (await tx.principals.get(group.tenantId, group.id))!,
    });
  });
}
