/** What creating, changing and deleting a custom role share: its permissions' form, and finding one that may change. */
import { DomainError } from '../../domain/errors.ts';
import type { RoleDefinition } from '../../domain/model.ts';
import type { ReadRepositories } from '../ports/repositories.ts';

const ACTION = /^[A-Za-z0-9.*_-]+(\/[A-Za-z0-9.*_-]+)+$/;

/** Throws Request_BadRequest unless every action is `namespace/resource/verb`-like and at least one is allowed. */
export function checkRolePermissions(allowedActions: readonly string[], excludedActions: readonly string[]): void {
  const bad = [...allowedActions, ...excludedActions].filter((a) => !ACTION.test(a));
  if (bad.length > 0) throw new DomainError('Request_BadRequest', `Not valid resource actions: ${bad.join(', ')} (expected namespace/resource/verb).`);
  if (allowedActions.length === 0) throw new DomainError('Request_BadRequest', 'A role definition needs at least one allowed resource action.');
}

/**
 * The custom role `id`, to change or delete: Request_ResourceNotFound when there is none (PIM for
 * Groups' `member` and `owner` are no role definitions of the directory), Request_BadRequest for a
 * built-in role, which Graph does not let anyone change or delete.
 */
export async function customRole(read: ReadRepositories<'roles'>, tenantId: string, id: string, verb: 'changed' | 'deleted'): Promise<RoleDefinition> {
  const role = await read.roles.get(tenantId, id);
  if (!role || role.kind === 'group') throw new DomainError('Request_ResourceNotFound', `Role definition '${id}' does not exist.`);
  if (role.isBuiltIn) throw new DomainError('Request_BadRequest', `'${role.displayName}' is a built-in role definition: built-in roles cannot be ${verb}.`);
  return role;
}
