/**
 * The built-in role catalogue (docs/guide.md, "The model"). Directory roles carry Microsoft Entra's
 * role template ids, so scripts that name roles by template id work unchanged; the resource roles
 * carry Azure's built-in role ids. "Audit Log Reader" has no Entra counterpart: its id is OpenPIM's
 * own.
 *
 * Actions are OpenPIM's permission statements, `namespace/resource/…/verb`, with `*` matching one
 * segment; `*` alone matches everything. OpenPIM's own authorization (app/authorization.ts) reads
 * them, so a custom role can carry OpenPIM permissions too.
 */
import { GROUP_ROLE } from '../group-access.ts';
import type { RoleDefinition } from '../model.ts';

export const ROLE = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  privilegedRoleAdministrator: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  privilegedAuthenticationAdministrator: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  securityAdministrator: '194ae4cb-b126-40b2-bd5b-6091b380977d',
  securityReader: '5d6b6bb7-de71-4623-b4af-96380a352509',
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  groupsAdministrator: 'fdd7a751-b60b-444a-984c-02652fe8fa1c',
  helpdeskAdministrator: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  authenticationAdministrator: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  applicationAdministrator: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  conditionalAccessAdministrator: 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
  auditLogReader: '0b0b6a1e-7c1d-4f7e-9a59-6f70656e7069',
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  userAccessAdministrator: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
} as const;

const D = 'openpim.directory';
const R = 'openpim.resources';
const READ_ALL = `${D}/*/read`;

type BuiltIn = Omit<RoleDefinition, 'tenantId' | 'templateId' | 'isBuiltIn' | 'isEnabled' | 'version'>;

const directory = (
  id: string,
  displayName: string,
  description: string,
  isPrivileged: boolean,
  allowedActions: string[],
): BuiltIn => ({ id, displayName, description, isPrivileged, kind: 'directory', allowedActions, excludedActions: [] });

const resource = (
  id: string,
  displayName: string,
  description: string,
  isPrivileged: boolean,
  allowedActions: string[],
  excludedActions: string[] = [],
): BuiltIn => ({ id, displayName, description, isPrivileged, kind: 'resource', allowedActions, excludedActions });

export const BUILT_IN_ROLES: readonly BuiltIn[] = [
  directory(ROLE.globalAdministrator, 'Global Administrator', 'Can manage all aspects of the directory and of OpenPIM.', true, ['*']),
  directory(ROLE.privilegedRoleAdministrator, 'Privileged Role Administrator', 'Can manage role assignments, role settings and all aspects of Privileged Identity Management.', true, [
    READ_ALL,
    `${D}/roleAssignments/*`,
    `${D}/roleDefinitions/*`,
    `${D}/roleManagementPolicies/*`,
    `${D}/roleAssignableGroups/*`,
    `${D}/scopes/*`,
  ]),
  directory(ROLE.privilegedAuthenticationAdministrator, 'Privileged Authentication Administrator', 'Can view, set and reset authentication method information for any user, admin or not.', true, [
    `${D}/users/read`,
    `${D}/users/authenticationMethods/*`,
    `${D}/users/authenticationMethods/privileged/*`,
  ]),
  directory(ROLE.securityAdministrator, 'Security Administrator', 'Can read security information and reports, and manage security configuration.', true, [READ_ALL, `${D}/securityAlerts/*`]),
  directory(ROLE.securityReader, 'Security Reader', 'Can read security information, assignments, settings and audit logs.', true, [READ_ALL]),
  directory(ROLE.globalReader, 'Global Reader', 'Can read everything a Global Administrator can, but not change anything.', true, [READ_ALL]),
  directory(ROLE.userAdministrator, 'User Administrator', 'Can manage all aspects of users and groups, except role-assignable groups.', true, [
    `${D}/users/*`,
    `${D}/groups/*`,
    `${D}/groups/members/*`,
  ]),
  directory(ROLE.groupsAdministrator, 'Groups Administrator', 'Can create and manage groups and their members, except role-assignable groups.', false, [
    `${D}/users/read`,
    `${D}/groups/*`,
    `${D}/groups/members/*`,
  ]),
  directory(ROLE.helpdeskAdministrator, 'Helpdesk Administrator', 'Can reset passwords for non-administrators.', true, [
    `${D}/users/read`,
    `${D}/users/password/update`,
  ]),
  directory(ROLE.authenticationAdministrator, 'Authentication Administrator', 'Can view, set and reset authentication method information for non-admin users.', true, [
    `${D}/users/read`,
    `${D}/users/authenticationMethods/*`,
  ]),
  directory(ROLE.applicationAdministrator, 'Application Administrator', 'Can create and manage service principals and their credentials.', true, [
    `${D}/servicePrincipals/*`,
    `${D}/servicePrincipals/credentials/*`,
  ]),
  directory(ROLE.conditionalAccessAdministrator, 'Conditional Access Administrator', 'Can manage authentication contexts and sign-in conditions.', true, [
    `${D}/authenticationContexts/*`,
  ]),
  directory(ROLE.auditLogReader, 'Audit Log Reader', 'Can read the audit log.', false, [`${D}/auditLogs/read`]),
  // PIM for Groups (docs/decisions/0007): held at /groups/{id}. A member holds the group's roles;
  // an owner manages the group's members (not for role-assignable groups: authorization.ts).
  { id: GROUP_ROLE.member, displayName: 'Group member', description: 'Membership of the group: holds whatever the group holds.', isPrivileged: false, kind: 'group', allowedActions: [], excludedActions: [] },
  { id: GROUP_ROLE.owner, displayName: 'Group owner', description: 'Ownership of the group: can manage its members and their PIM for Groups access.', isPrivileged: false, kind: 'group', allowedActions: [`${D}/groups/read`, `${D}/groups/members/*`, `${D}/groups/owners/read`], excludedActions: [] },
  resource(ROLE.owner, 'Owner', 'Full access to the resource, including assigning roles at it.', true, [`${R}/*`, `${R}/*/*`]),
  resource(ROLE.contributor, 'Contributor', 'Full access to the resource, but cannot assign roles at it.', true, [`${R}/*`, `${R}/*/*`], [
    `${R}/roleAssignments/*`,
  ]),
  resource(ROLE.reader, 'Reader', 'Can view the resource, but not change it.', false, [`${R}/*/read`]),
  resource(ROLE.userAccessAdministrator, 'User Access Administrator', 'Can manage who has access to the resource.', true, [
    `${R}/*/read`,
    `${R}/roleAssignments/*`,
  ]),
];

/** The built-in roles as a tenant sees them. */
export function builtInRoles(tenantId: string): RoleDefinition[] {
  return BUILT_IN_ROLES.map((r) => ({ ...r, tenantId, templateId: r.id, isBuiltIn: true, isEnabled: true, version: '1' }));
}

/**
 * Does an action pattern match an action? `*` matches one segment; a lone `*` matches all.
 * @example actionMatches('openpim.directory/*\/read', 'openpim.directory/users/read') === true
 */
export function actionMatches(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  const p = pattern.split('/');
  const a = action.split('/');
  if (p.length !== a.length) return false;
  return p.every((segment, i) => segment === '*' || segment.toLowerCase() === a[i]!.toLowerCase());
}

/** Does a role definition allow an action (allowed and not excluded)? */
export const roleAllows = (role: Pick<RoleDefinition, 'allowedActions' | 'excludedActions'>, action: string): boolean =>
  role.allowedActions.some((p) => actionMatches(p, action)) && !role.excludedActions.some((p) => actionMatches(p, action));
