/**
 * Create a security group (Graph: POST /groups) with its two PIM for Groups policies (member,
 * owner). Role-assignable groups need a privileged admin.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import type { Principal } from '../../domain/model.ts';
import { actorOf, auditRecord, principalTarget } from '../audit/record.ts';
import { authorize, PERMISSION } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { ensureGroupPolicies } from '../policies/new-policy.ts';

export interface CreateGroupInput {
  readonly displayName: string;
  readonly description: string | null;
  readonly mailNickname: string | null;
  readonly isAssignableToRole: boolean;
}

export async function createGroup(
  deps: { uow: UnitOfWork<'principals' | 'policies' | 'audit' | 'feed'>; clock: Clock; ids: Ids },
  caller: Caller,
  input: CreateGroupInput,
): Promise<Principal> {
  authorize(caller, input.isAssignableToRole ? PERMISSION.roleAssignableGroupsUpdate : PERMISSION.groupsCreate);
  const now = deps.clock.now();
  const group: Principal = {
    tenantId: caller.tenantId,
    id: deps.ids.uuid(),
    type: 'group',
    displayName: input.displayName,
    userPrincipalName: null,
    mail: null,
    accountEnabled: true,
    isBreakGlass: false,
    isAssignableToRole: input.isAssignableToRole,
    managerId: null,
    description: input.description,
    createdAt: now,
  };
  return deps.uow.run(async (tx) => {
    await tx.principals.insert(group);
    await ensureGroupPolicies(tx, caller.tenantId, group.id, deps.ids.uuid);
    await tx.audit.append(
      auditRecord(caller.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.groupAdded,
        category: 'GroupManagement',
        operationType: 'Add',
        targets: [principalTarget(group)],
      }),
    );
    await tx.feed.append(caller.tenantId, 'principal.created', group.id, { type: 'group', principal: group });
    return group;
  });
}
