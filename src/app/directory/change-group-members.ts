/**
 * Add or remove a group member (Graph: POST /groups/{id}/members/$ref, DELETE …/{memberId}/$ref).
 * Members of role-assignable groups (and of groups nested into one) hold roles, so only privileged
 * admins change them and they take no group as a member (grants/hands-out-roles.ts); other groups are
 * changed by User and Groups Administrators and the group's owners. Nesting that would make a cycle
 * is refused.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/model.ts';
import { actorOf, auditRecord, principalTarget } from '../audit/record.ts';
import { authorize, authorizeAny, PERMISSION } from '../authorization.ts';
import { assertMayNest, groupScope } from '../../domain/group-access.ts';
import type { Caller } from '../caller.ts';
import type { Clock } from '../ports/clock.ts';
import type { ReadRepositories, UnitOfWork } from '../ports/repositories.ts';
import { keepingAdministrators } from '../keep-administrators.ts';
import type { Instant } from '../../domain/time.ts';
import { handsOutRoles } from '../grants/hands-out-roles.ts';

async function loadGroup(tx: ReadRepositories<'principals'>, caller: Caller, groupId: string, now: Instant): Promise<{ group: Principal; guarded: boolean }> {
  const group = await tx.principals.get(caller.tenantId, groupId);
  if (!group || group.type !== 'group') throw new DomainError('Request_ResourceNotFound', `Group '${groupId}' does not exist.`);
  // A group's owners (PIM for Groups `owner` at its scope) manage its members, unless its membership hands out roles.
  const guarded = await handsOutRoles(tx, group, now);
  if (guarded) authorize(caller, PERMISSION.roleAssignableGroupsUpdate);
  else authorizeAny(caller, [PERMISSION.groupMembersUpdate], [groupScope(group.id), '/']);
  return { group, guarded };
}

export async function addGroupMember(
  deps: { uow: UnitOfWork<'principals' | 'audit' | 'feed'>; clock: Clock },
  caller: Caller,
  groupId: string,
  memberId: string,
): Promise<void> {
  const now = deps.clock.now();
  await deps.uow.run(async (tx) => {
    const { group, guarded } = await loadGroup(tx, caller, groupId, now);
    const member = await tx.principals.get(caller.tenantId, memberId);
    if (!member) throw new DomainError('Request_BadRequest', `Directory object '${memberId}' does not exist.`);
    assertMayNest(group, guarded, member);
    if (member.id === group.id || (member.type === 'group' && (await tx.principals.groupsOf(caller.tenantId, group.id, null)).includes(member.id))) {
      throw new DomainError('Request_BadRequest', 'Adding this group as a member would make a cycle of nested groups.');
    }
    await tx.principals.addMember(caller.tenantId, group.id, member.id, now);
    await tx.audit.append(
      auditRecord(caller.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.groupMemberAdded,
        category: 'GroupManagement',
        operationType: 'Assign',
        targets: [principalTarget(member), principalTarget(group)],
      }),
    );
    await tx.feed.append(caller.tenantId, 'group.memberAdded', group.id, { memberId: member.id });
  });
}

export async function removeGroupMember(
  deps: { uow: UnitOfWork<'principals' | 'schedules' | 'audit' | 'feed'>; clock: Clock },
  caller: Caller,
  groupId: string,
  memberId: string,
): Promise<void> {
  const now = deps.clock.now();
  await deps.uow.run(async (tx) => {
    const { group } = await loadGroup(tx, caller, groupId, now);
    if (!(await keepingAdministrators(tx, caller.tenantId, now, () => tx.principals.removeMember(caller.tenantId, group.id, memberId)))) {
      throw new DomainError('Request_ResourceNotFound', `'${memberId}' is not a member of group '${groupId}'.`);
    }
    const member = await tx.principals.get(caller.tenantId, memberId);
    await tx.audit.append(
      auditRecord(caller.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.groupMemberRemoved,
        category: 'GroupManagement',
        operationType: 'Unassign',
        targets: [member ? principalTarget(member) : { id: memberId, displayName: null, type: 'Other' }, principalTarget(group)],
      }),
    );
    await tx.feed.append(caller.tenantId, 'group.memberRemoved', group.id, { memberId });
  });
}
