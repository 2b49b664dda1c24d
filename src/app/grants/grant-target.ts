/**
 * Where a grant may be, checked against the role's kind (docs/api.md, "Scopes"): directory roles
 * at `/` or an administrative unit; resource roles at a registered resource scope or below one (an
 * activation may narrow to a child); group roles (`member`, `owner`) at `/groups/{id}` of an
 * existing group. Also who may manage assignments there (docs/guide.md, "Who may do what").
 */
import { DomainError } from '../../domain/errors.ts';
import { groupOfScope } from '../../domain/group-access.ts';
import type { Principal, RoleDefinition } from '../../domain/model.ts';
import { isCanonicalScope } from '../../domain/scope-path.ts';
import { authorizeAny, PERMISSION, type Permission } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import type { ReadRepositories } from '../ports/repositories.ts';
import { scopeAncestors } from '../scopes/ancestry.ts';
import type { Instant } from '../../domain/time.ts';
import { handsOutRoles } from './hands-out-roles.ts';

export interface GrantTarget {
  readonly scopeId: string;
  /** The scope and its ancestors, nearest first, ending at `/`. */
  readonly ancestors: readonly string[];
  /** For group roles: the group. */
  readonly group: Principal | null;
  /** For group roles: whether the group's membership hands out roles (hands-out-roles.ts). */
  readonly groupHandsOutRoles: boolean;
}

export async function grantTarget(
  tx: ReadRepositories<'principals' | 'scopes'>,
  tenantId: string,
  scopeId: string,
  role: RoleDefinition,
  now: Instant,
): Promise<GrantTarget> {
  if (role.kind === 'group') {
    const groupId = groupOfScope(scopeId);
    const group = groupId === null ? null : await tx.principals.get(tenantId, groupId);
    if (!group || group.type !== 'group') throw new DomainError('Request_BadRequest', `groupId '${groupId ?? scopeId}' is not a group of this tenant.`);
    return { scopeId, ancestors: [scopeId, '/'], group, groupHandsOutRoles: await handsOutRoles(tx, group, now) };
  }
  if (role.kind === 'directory') {
    const scope = scopeId === '/' ? null : await tx.scopes.get(tenantId, scopeId);
    if (scopeId !== '/' && scope?.type !== 'administrativeUnit') {
      throw new DomainError('Request_BadRequest', `directoryScopeId '${scopeId}' is neither '/' nor an administrative unit of this tenant.`);
    }
    return { scopeId, ancestors: scopeId === '/' ? ['/'] : [scopeId, '/'], group: null, groupHandsOutRoles: false };
  }
  const ancestors = isCanonicalScope(scopeId) && scopeId !== '/' ? await scopeAncestors(tx, tenantId, scopeId) : [];
  const registered = await Promise.all(ancestors.slice(0, -1).map((id) => tx.scopes.get(tenantId, id)));
  if (!registered.some((s) => s?.type === 'resource')) {
    throw new DomainError(
      'Request_BadRequest',
      `directoryScopeId '${scopeId}' is not a registered resource scope (nor below one): resource roles are assigned at resource scopes.`,
    );
  }
  return { scopeId, ancestors, group: null, groupHandsOutRoles: false };
}

/**
 * May the caller manage assignments of this role here? Global and Privileged Role Administrators
 * everywhere; Owner and User Access Administrator at a resource scope and below; for groups, also
 * User and Groups Administrators and the group's owners — except for groups whose membership
 * hands out roles (role-assignable ones), whose access only privileged role admins manage.
 */
export function authorizeManagement(caller: Caller, role: RoleDefinition, target: GrantTarget): void {
  authorizeAny(caller, managementPermissions(role, target), target.ancestors);
}

/** Any one of these, held at the target's scope or above, lets a caller manage assignments there. */
export function managementPermissions(role: RoleDefinition, target: GrantTarget): Permission[] {
  const ways: Permission[] = [PERMISSION.roleAssignmentsManage];
  if (role.kind === 'resource') ways.push(PERMISSION.resourceRoleAssignmentsWrite);
  if (target.group && !target.groupHandsOutRoles) ways.push(PERMISSION.groupMembersUpdate);
  if (target.group && target.groupHandsOutRoles) ways.push(PERMISSION.roleAssignableGroupsUpdate);
  return ways;
}
