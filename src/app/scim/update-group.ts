/**
 * SCIM PUT and PATCH /Groups/{id}: the next state (replacement or PATCH operations) from the
 * current one, stored as a difference in one transaction — renames audited, each member added or
 * removed audited and fed to the access index.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import type { ScimGroupState } from '../../domain/scim/patch.ts';
import { auditRecord, principalTarget } from '../audit/record.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { ProvisionedPrincipal } from '../ports/provisioning.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { assertScimManaged, memberIdsOf, setMembers } from './group-members.ts';
import { scimContext, type ScimClient, type ScimRepositories } from './scim-client.ts';

export async function updateScimGroup(
  deps: { uow: UnitOfWork<keyof ScimRepositories>; clock: Clock; ids: Ids },
  client: ScimClient,
  groupId: string,
  next: (current: ScimGroupState) => ScimGroupState,
): Promise<ProvisionedPrincipal> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const found = await tx.provisioning.get(client.tenantId, 'group', groupId);
    if (!found) throw new DomainError('Request_ResourceNotFound', `No group has the id '${groupId}'.`);
    const group = found.principal;
    const ctx = scimContext(tx, deps.ids, client, now);
    const members = await memberIdsOf(ctx, group);
    const before: ScimGroupState = { displayName: group.displayName, externalId: found.scim.externalId, members };
    const after = next(before);
    const membersChange = after.members.length !== members.length || after.members.some((m) => !members.includes(m));
    if (membersChange) await assertScimManaged(ctx, group);

    if (after.displayName !== before.displayName || after.externalId !== before.externalId) {
      await tx.provisioning.update(group.tenantId, group.id, { displayName: after.displayName, externalId: after.externalId });
      const modified = [
        ...(after.displayName !== before.displayName ? [{ displayName: 'displayName', oldValue: before.displayName, newValue: after.displayName }] : []),
        ...(after.externalId !== before.externalId ? [{ displayName: 'externalId', oldValue: before.externalId, newValue: after.externalId }] : []),
      ];
      await tx.audit.append(
        auditRecord(group.tenantId, ctx.actor, ctx.correlationId, now, {
          activity: ACTIVITY.groupUpdated,
          category: 'GroupManagement',
          operationType: 'Update',
          targets: [{ ...principalTarget(group), modifiedProperties: modified }],
          details: { Source: 'SCIM' },
        }),
      );
      await tx.feed.append(group.tenantId, 'principal.updated', group.id, {
        changed: modified.map((m) => m.displayName),
        principal: (await tx.principals.get(group.tenantId, group.id))!,
      });
    }
    if (membersChange) await setMembers(ctx, group, members, after.members);
    return (await tx.provisioning.get(group.tenantId, 'group', group.id))!;
  });
}
