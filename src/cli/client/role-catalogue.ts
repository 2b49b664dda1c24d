/**
 * Role definitions by id and by display name, so that people name roles as they know them
 * (`openpim activate "User Administrator"`) and tables show names rather than ids.
 */
import type { ApiClient } from './api-client.ts';
import { notFoundError } from './cli-error.ts';

export interface RoleDefinition {
  readonly id: string;
  readonly displayName: string;
}

export interface RoleCatalogue {
  /** The display name of a role id (the id itself when the role is unknown, e.g. a group role). */
  nameOf(id: string): string;
  /** The role a command-line argument names: an id, or a display name in any case. */
  find(nameOrId: string): RoleDefinition;
}

const ROLE_DEFINITIONS = '/v1.0/roleManagement/directory/roleDefinitions?$select=id,displayName&$top=999';

export async function roleCatalogue(client: ApiClient): Promise<RoleCatalogue> {
  const roles = await client.list<RoleDefinition>(ROLE_DEFINITIONS);
  const byId = new Map(roles.map((r) => [r.id, r]));
  return {
    nameOf: (id) => byId.get(id)?.displayName ?? id,
    find(nameOrId) {
      const wanted = nameOrId.trim().toLowerCase();
      const role = byId.get(nameOrId.trim()) ?? roles.find((r) => r.displayName.toLowerCase() === wanted || r.id.toLowerCase() === wanted);
      if (!role) throw notFoundError(`no role named '${nameOrId}' (openpim roles lists yours)`);
      return role;
    },
  };
}
