/** Create a custom role definition (Graph: POST /roleManagement/directory/roleDefinitions) with its default policy. */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import type { RoleDefinition } from '../../domain/model.ts';
import { actorOf, auditRecord, roleTarget } from '../audit/record.ts';
import { authorize, PERMISSION } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { newRolePolicy } from '../policies/new-policy.ts';
import { checkRolePermissions } from './custom-role.ts';

export interface CreateRoleInput {
  readonly displayName: string;
  readonly description: string;
  readonly isEnabled: boolean;
  readonly allowedActions: readonly string[];
  readonly excludedActions: readonly string[];
}

export async function createRoleDefinition(
  deps: { uow: UnitOfWork<'roles' | 'policies' | 'audit' | 'feed'>; clock: Clock; ids: Ids },
  caller: Caller,
  input: CreateRoleInput,
): Promise<RoleDefinition> {
  authorize(caller, PERMISSION.roleDefinitionsCreate);
  checkRolePermissions(input.allowedActions, input.excludedActions);
  const now = deps.clock.now();
  const id = deps.ids.uuid();
  const role: RoleDefinition = {
    tenantId: caller.tenantId,
    id,
    templateId: id,
    displayName: input.displayName,
    description: input.description,
    isBuiltIn: false,
    isEnabled: input.isEnabled,
    isPrivileged: false,
    kind: 'directory',
    allowedActions: input.allowedActions,
    excludedActions: input.excludedActions,
    version: '1',
  };
  return deps.uow.run(async (tx) => {
    await tx.roles.insert(role);
    await tx.policies.insert(newRolePolicy(role, deps.ids.uuid()));
    await tx.audit.append(
      auditRecord(caller.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.roleDefinitionAdded,
        operationType: 'Add',
        targets: [roleTarget(role)],
      }),
    );
    await tx.feed.append(caller.tenantId, 'role.created', role.id, { role });
    return role;
  });
}
