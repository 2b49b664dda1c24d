/**
 * Membership changes a SCIM client makes to a group, each audited and fed as
 * change-group-members.ts does it. Role-assignable groups are not SCIM's: their members hold roles,
 * so only a privileged administrator in OpenPIM changes them.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/model.ts';
import { auditRecord, principalTarget } from '../audit/record.ts';
import type { ListQuery } from '../query.ts';
import { handsOutRoles } from '../grants/hands-out-roles.ts';
import { keepingAdministrators } from '../keep-administrators.ts';
import type { ScimContext } from './scim-client.ts';

const ALL: ListQuery = { orderBy: [], top: 1_000_000, skip: 0, count: false };

/** A group whose membership hands out roles is OpenPIM's: SCIM may not change its members or delete it. */
export async function assertScimManaged(ctx: Pick<ScimContext, 'tx' | 'now'>, group: Principal): Promise<void> {
  if (await handsOutRoles(ctx.tx, group, ctx.now)) {
    throw new DomainError(
      'Authorization_RequestDenied',
      `Group '${group.displayName}' is role-assignable (or nested into one): its members are managed in OpenPIM, not by SCIM.`,
    );
  }
}

export async function memberIdsOf(ctx: Pick<ScimContext, 'tx'>, group: Principal): Promise<string[]> {
  return (await ctx.tx.principals.members(group.tenantId, group.id, ALL)).items.map((m) => m.id);
}

/** Brings a group's direct members to `wanted`: adds (checked: an existing user or group, no cycle) and removes. */
export async function setMembers(ctx: ScimContext, group: Principal, current: readonly string[], wanted: readonly string[]): Promise<void> {
  const { tx } = ctx;
  const have = new Set(current);
  const want = new Set(wanted);
  for (const id of wanted) {
    if (have.has(id)) continue;
    const member = (await tx.provisioning.get(group.tenantId, 'user', id)) ?? (await tx.provisioning.get(group.tenantId, 'group', id));
    if (!member) throw new DomainError('Request_BadRequest', `Member '${id}' is not a user or group of this tenant.`, { scimType: 'invalidValue' });
    if (id === group.id || (member.principal.type === 'group' && (await tx.principals.groupsOf(group.tenantId, group.id, null)).includes(id))) {
      throw new DomainError('Request_BadRequest', `Adding '${id}' would make a cycle of nested groups.`, { scimType: 'invalidValue' });
    }
    await tx.principals.addMember(group.tenantId, group.id, id, ctx.now);
    await tx.audit.append(
      auditRecord(group.tenantId, ctx.actor, ctx.correlationId, ctx.now, {
        activity: ACTIVITY.groupMemberAdded,
        category: 'GroupManagement',
        operationType: 'Assign',
        targets: [principalTarget(member.principal), principalTarget(group)],
        details: { Source: 'SCIM' },
      }),
    );
    await tx.feed.append(group.tenantId, 'group.memberAdded', group.id, { memberId: id });
  }
  const leaving = current.filter((id) => !want.has(id));
  if (leaving.length === 0) return;
  // The removals together must leave a working administrator: counted once, before and after all of them.
  await keepingAdministrators(tx, group.tenantId, ctx.now, async () => {
    for (const id of leaving) {
      await tx.principals.removeMember(group.tenantId, group.id, id);
      const member = await tx.principals.get(group.tenantId, id);
      await tx.audit.append(
        auditRecord(group.tenantId, ctx.actor, ctx.correlationId, ctx.now, {
          activity: ACTIVITY.groupMemberRemoved,
          category: 'GroupManagement',
          operationType: 'Unassign',
          targets: [member ? principalTarget(member) : { id, displayName: null, type: 'Other' }, principalTarget(group)],
          details: { Source: 'SCIM' },
        }),
      );
      await tx.feed.append(group.tenantId, 'group.memberRemoved', group.id, { memberId: id });
    }
  });
}
