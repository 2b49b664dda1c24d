/**
 * OpenPIM's own authorization (PRODUCT §4) as permission statements: each use case names the
 * action it needs and `authorize` fails closed unless one of the caller's active roles allows it.
 * Built-in roles express their rights in these actions (domain/roles/catalogue.ts).
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
  roleAssignmentsRead: `${D}/roleAssignments/read`,
  roleAssignmentsManage: `${D}/roleAssignments/manage`,
  policiesUpdate: `${D}/roleManagementPolicies/update`,
  auditLogsRead: `${D}/auditLogs/read`,
  scopesCreate: `${D}/scopes/create`,
} as const;

export type Permission = (typeof PERMISSION)[keyof typeof PERMISSION];

export const can = (caller: Caller, action: Permission): boolean => caller.roles.some((role) => roleAllows(role, action));

/** Throws Authorization_RequestDenied unless the caller may perform `action`. */
export function authorize(caller: Caller, action: Permission): void {
  if (!can(caller, action)) {
    throw new DomainError('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.', { required: action });
  }
}
