/** Delete a custom role definition (Graph: DELETE /roleManagement/directory/roleDefinitions/{id}). Built-in roles cannot be deleted. */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import type { RoleDefinition } from '../../domain/model.ts';
import { actorOf, auditRecord, roleTarget } from '../audit/record.ts';
import { authorize, PERMISSION } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { customRole } from './custom-role.ts';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Refused with RoleDefinitionHasAssignments while anyone holds the role or may activate it (an
 * open schedule: eligible or active, current or future, at any scope) or asks for it (a pending
 * request): remove those first. Otherwise the role goes, in one transaction, with its policies at
 * every scope (and their rules) and its ended schedules — what they were stays in the audit log.
 * Returns the role as it was.
 */
export async function deleteRoleDefinition(
  deps: { uow: UnitOfWork<'roles' | 'policies' | 'schedules' | 'audit' | 'feed'>; clock: Clock; ids: Ids },
  caller: Caller,
  id: string,
): Promise<RoleDefinition> {
  authorize(caller, PERMISSION.roleDefinitionsDelete);
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const role = await customRole(tx, caller.tenantId, id, 'deleted');
    const usage = await tx.roles.usage(caller.tenantId, role.id);
    if (usage.openSchedules > 0 || usage.pendingRequests > 0) {
      throw new DomainError(
        'RoleDefinitionHasAssignments',
        `Role definition '${role.displayName}' is in use: ${plural(usage.openSchedules, 'eligible or active assignment', 'eligible or active assignments')} ` +
          `and ${plural(usage.pendingRequests, 'pending request', 'pending requests')}. Remove the assignments and settle the requests first.`,
        { openSchedules: usage.openSchedules, pendingRequests: usage.pendingRequests },
      );
    }
    const policies = await tx.policies.deleteForRole(caller.tenantId, role.id);
    const endedGrants = await tx.schedules.deleteClosedOfRole(caller.tenantId, role.id);
    await tx.roles.delete(caller.tenantId, role.id);
    await tx.audit.append(
      auditRecord(caller.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.roleDefinitionDeleted,
        operationType: 'Delete',
        targets: [roleTarget(role)],
        details: { PoliciesDeleted: String(policies), EndedSchedulesDeleted: String(endedGrants) },
      }),
    );
    await tx.feed.append(caller.tenantId, 'role.deleted', role.id, { role });
    return role;
  });
}
