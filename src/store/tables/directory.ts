/**
 * The directory: tenants, principals (users, groups, service principals), static group
 * memberships, role definitions and scopes.
 * Column conventions and the `Database` that names every table: ../schema.ts.
 */
export interface TenantsTable {
  id: string;
  display_name: string;
  created_at: number;
}

export interface PrincipalsTable {
  tenant_id: string;
  id: string;
  type: 'user' | 'group' | 'servicePrincipal';
  display_name: string;
  user_principal_name: string | null;
  /** Lower-cased UPN for the unique index and lookups. */
  upn_key: string | null;
  mail: string | null;
  account_enabled: number;
  is_break_glass: number;
  is_assignable_to_role: number;
  description: string | null;
  manager_id: string | null;
  created_at: number;
  /** SCIM (0008): the IdP's id for the principal, and the name parts it sends. */
  external_id: string | null;
  given_name: string | null;
  family_name: string | null;
  /** SCIM (0008): when a SCIM client deleted (deprovisioned) the principal; it is kept for the audit trail. */
  scim_deleted_at: number | null;
}

export interface GroupMembersTable {
  tenant_id: string;
  group_id: string;
  member_id: string;
  created_at: number;
}

export interface RoleDefinitionsTable {
  tenant_id: string;
  id: string;
  template_id: string;
  display_name: string;
  description: string;
  is_built_in: number;
  is_enabled: number;
  is_privileged: number;
  kind: 'directory' | 'resource' | 'group';
  allowed_actions: string;
  excluded_actions: string;
  version: string;
}

export interface ScopesTable {
  tenant_id: string;
  id: string;
  type: 'tenant' | 'administrativeUnit' | 'resource';
  display_name: string;
  parent_id: string | null;
}
