/**
 * SCIM POST /Groups: a security group from the IdP, with its PIM for Groups policies (as
 * create-group.ts makes one) and its members. Never role-assignable: that is a privileged
 * decision made in OpenPIM.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import type { Principal } from '../../domain/model.ts';
import type { ScimGroupState } from '../../domain/scim/patch.ts';
import { auditRecord, principalTarget } from '../audit/record.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { ProvisionedPrincipal } from '../ports/provisioning.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { ensureGroupPolicies } from '../policies/new-policy.ts';
import { setMembers } from './group-members.ts';
import { scimContext, type ScimClient, type ScimRepositories } from './scim-client.ts';

export async function provisionGroup(
  deps: { uow: UnitOfWork<keyof ScimRepositories | 'policies'>; clock: Clock; ids: Ids },
  client: ScimClient,
  input: ScimGroupState,
): Promise<ProvisionedPrincipal> {
  const now = deps.clock.now();
  const group: Principal = {
    tenantId: client.tenantId,
    id: deps.ids.uuid(),
    type: 'group',
    displayName: input.displayName,
    userPrincipalName: null,
    mail: null,
    accountEnabled: true,
    isBreakGlass: false,
    isAssignableToRole: false,
    managerId: null,
    description: null,
    createdAt: now,
  };
  return deps.uow.run(async (tx) => {
    const ctx = scimContext(tx, deps.ids, client, now);
    await tx.principals.insert(group);
    await tx.provisioning.update(group.tenantId, group.id, { externalId: input.externalId });
    await ensureGroupPolicies(tx, group.tenantId, group.id, deps.ids.uuid);
    await tx.audit.append(
      auditRecord(group.tenantId, ctx.actor, ctx.correlationId, now, {
        activity: ACTIVITY.groupAdded,
        category: 'GroupManagement',
        operationType: 'Add',
        targets: [principalTarget(group)],
        details: { Source: 'SCIM', ...(input.externalId ? { ExternalId: input.externalId } : {}) },
      }),
    );
    await tx.feed.append(group.tenantId, 'principal.created', group.id, { type: 'group', principal: group });
    await setMembers(ctx, group, [], input.members);
    return (await tx.provisioning.get(group.tenantId, 'group', group.id))!;
  });
}
