/**
 * OpenPIM's own authorization (docs/guide.md, "Who may do what") as permission statements: each use
 * case names the action it needs and `authorize` fails closed unless one of the caller's active
 * roles allows it. Built-in roles express their rights in these actions
 * (domain/roles/catalogue.ts).
 */
import { DomainError } from '../domain/errors.ts';
import { roleAllows } from '../domain/roles/catalogue.ts';
import type { Caller } from './caller.ts';

const D = 'openpim.directory';

/** Every action a use case checks, by resource. */
export const PERMISSION = {
  usersCreate: `${D}/users/create`,
  usersUpdate: `${D}/users/update`,
  groupsCreate: `${D}/groups/create`,
  groupMembersUpdate: `${D}/groups/members/update`,
  roleAssignableGroupsUpdate: `${D}/roleAssignableGroups/update`,
  roleDefinitionsCreate: `${D}/roleDefinitions/create`,
  roleDefinitionsUpdate: `${D}/roleDefinitions/update`,
  roleDefinitionsDelete: `${D}/roleDefinitions/delete`,
  roleAssignmentsRead: `${D}/roleAssignments/read`,
  roleAssignmentsManage: `${D}/roleAssignments/manage`,
  policiesUpdate: `${D}/roleManagementPolicies/update`,
  auditLogsRead: `${D}/auditLogs/read`,
  scopesCreate: `${D}/scopes/create`,
  passwordsUpdate: `${D}/users/password/update`,
  authenticationMethodsUpdate: `${D}/users/authenticationMethods/update`,
  /** Credentials of privileged accounts (break-glass, or holding or eligible for a privileged role). */
  privilegedAuthenticationMethodsUpdate: `${D}/users/authenticationMethods/privileged/update`,
  privilegedUsersUpdate: `${D}/users/privileged/update`,
  servicePrincipalsCreate: `${D}/servicePrincipals/create`,
  servicePrincipalCredentialsUpdate: `${D}/servicePrincipals/credentials/update`,
  privilegedServicePrincipalCredentialsUpdate: `${D}/servicePrincipals/credentials/privileged/update`,
  /** Assigning roles at a resource scope (Owner, User Access Administrator there or above). */
  resourceRoleAssignmentsWrite: 'openpim.resources/roleAssignments/write',
  /** SCIM provisioning tokens: whoever holds one writes the directory, so only Global Administrators (`*`) make them. */
  scimTokensManage: 'openpim.scim/tokens/manage',
} as const;

export type Permission = (typeof PERMISSION)[keyof typeof PERMISSION];

export const can = (caller: Caller, action: Permission): boolean => caller.roles.some((role) => roleAllows(role, action));

/**
 * May the caller perform `action` at a scope: a role held at the root allows it, or one held at the
 * scope or an ancestor (`ancestors`: the scope itself first, up to `/`).
 */
export const canAt = (caller: Caller, action: Permission, ancestors: readonly string[]): boolean =>
  can(caller, action) || caller.scopedRoles.some((s) => ancestors.includes(s.scopeId) && roleAllows(s.role, action));

/** Throws Authorization_RequestDenied unless one of the actions is allowed at the scope. */
export function authorizeAny(caller: Caller, actions: readonly Permission[], ancestors: readonly string[]): void {
  if (!actions.some((a) => canAt(caller, a, ancestors))) {
    throw new DomainError('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.', { required: actions[0] });
  }
}

/** Throws Authorization_RequestDenied unless the caller may perform `action`. */
export function authorize(caller: Caller, action: Permission): void {
  if (!can(caller, action)) {
    throw new DomainError('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.', { required: action });
  }
}
