/** Change a custom role definition (Graph: PATCH /roleManagement/directory/roleDefinitions/{id}). Built-in roles cannot be changed. */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import type { AuditTarget } from '../../domain/audit/event.ts';
import type { RoleDefinition } from '../../domain/model.ts';
import { actorOf, auditRecord, roleTarget } from '../audit/record.ts';
import { authorize, PERMISSION } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { checkRolePermissions, customRole } from './custom-role.ts';

/** What to change; a field left out keeps its value. */
export interface UpdateRoleInput {
  readonly displayName?: string;
  readonly description?: string;
  readonly isEnabled?: boolean;
  /** Replaces both lists (Graph's rolePermissions is replaced whole). */
  readonly permissions?: { readonly allowedActions: readonly string[]; readonly excludedActions: readonly string[] };
}

type Modified = NonNullable<AuditTarget['modifiedProperties']>[number];

const permissionsText = (r: Pick<RoleDefinition, 'allowedActions' | 'excludedActions'>) =>
  JSON.stringify({ allowedResourceActions: r.allowedActions, excludedResourceActions: r.excludedActions });

/** The properties that differ, as audit events name them (old and new values as text). */
function modified(before: RoleDefinition, after: RoleDefinition): Modified[] {
  const changes: Modified[] = [];
  if (before.displayName !== after.displayName) changes.push({ displayName: 'DisplayName', oldValue: before.displayName, newValue: after.displayName });
  if (before.description !== after.description) changes.push({ displayName: 'Description', oldValue: before.description, newValue: after.description });
  if (before.isEnabled !== after.isEnabled) changes.push({ displayName: 'IsEnabled', oldValue: String(before.isEnabled), newValue: String(after.isEnabled) });
  const [oldPermissions, newPermissions] = [permissionsText(before), permissionsText(after)];
  if (oldPermissions !== newPermissions) changes.push({ displayName: 'RolePermissions', oldValue: oldPermissions, newValue: newPermissions });
  return changes;
}

/**
 * Changes take effect at once: the access index follows `role.updated`, and callers resolve their
 * roles afresh on every request. A rename to a name another role has is ObjectConflict; a change
 * that changes nothing writes nothing.
 */
export async function updateRoleDefinition(
  deps: { uow: UnitOfWork<'roles' | 'audit' | 'feed'>; clock: Clock; ids: Ids },
  caller: Caller,
  id: string,
  input: UpdateRoleInput,
): Promise<RoleDefinition> {
  authorize(caller, PERMISSION.roleDefinitionsUpdate);
  if (input.permissions) checkRolePermissions(input.permissions.allowedActions, input.permissions.excludedActions);
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const before = await customRole(tx, caller.tenantId, id, 'changed');
    const after: RoleDefinition = {
      ...before,
      ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.isEnabled !== undefined ? { isEnabled: input.isEnabled } : {}),
      ...(input.permissions ? { allowedActions: [...input.permissions.allowedActions], excludedActions: [...input.permissions.excludedActions] } : {}),
    };
    const changes = modified(before, after);
    if (changes.length === 0) return before;
    await tx.roles.update(after);
    await tx.audit.append(
      auditRecord(caller.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.roleDefinitionUpdated,
        operationType: 'Update',
        targets: [{ ...roleTarget(after), modifiedProperties: changes }],
      }),
    );
    await tx.feed.append(caller.tenantId, 'role.updated', after.id, { role: after });
    return after;
  });
}
