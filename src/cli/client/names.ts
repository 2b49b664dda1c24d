/**
 * Names for the ids the API answers with — roles, groups, users and service principals — looked up
 * once each per command, so tables and messages show "Bob (bob@contoso.test)" rather than a GUID.
 * A lookup that fails leaves the id: a name is for reading, never a reason to fail a command.
 */
import { ApiError, type ApiClient } from './api-client.ts';
import { notFoundError } from './cli-error.ts';
import { roleCatalogue, type RoleCatalogue } from './role-catalogue.ts';

export interface Principal {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  readonly type: 'user' | 'group' | 'servicePrincipal' | 'unknown';
}

export interface Names {
  roles(): Promise<RoleCatalogue>;
  /** The display name of a role id (`member` / `owner` stay as they are). */
  role(id: string): Promise<string>;
  group(id: string): Promise<string | null>;
  principal(id: string): Promise<Principal>;
}

const get = async <T>(client: ApiClient, path: string): Promise<T | null> => {
  try {
    return await client.call<T>('GET', path);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) return null;
    throw error;
  }
};

/** How a person reads a principal: `Bob (bob@contoso.test)`, or its name, or its id. */
export const principalLabel = (p: Pick<Principal, 'displayName' | 'userPrincipalName'> | null, id: string): string =>
  p?.displayName ? `${p.displayName}${p.userPrincipalName ? ` (${p.userPrincipalName})` : ''}` : (p?.userPrincipalName ?? id);

/** A principal by id (or a user by user principal name): user, then group, then service principal; `unknown` when none. */
async function lookup(client: ApiClient, id: string): Promise<Principal> {
  const path = encodeURIComponent(id);
  const user = await get<{ id: string; displayName: string | null; userPrincipalName: string | null }>(client, `/v1.0/users/${path}`);
  if (user) return { id: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName, type: 'user' };
  const group = await get<{ id: string; displayName: string | null }>(client, `/v1.0/groups/${path}`);
  if (group) return { id: group.id, displayName: group.displayName, userPrincipalName: null, type: 'group' };
  const sp = await get<{ id: string; displayName: string | null }>(client, `/v1.0/servicePrincipals/${path}`);
  if (sp) return { id: sp.id, displayName: sp.displayName, userPrincipalName: null, type: 'servicePrincipal' };
  return { id, displayName: null, userPrincipalName: null, type: 'unknown' };
}

export function names(client: ApiClient): Names {
  let catalogue: Promise<RoleCatalogue> | null = null;
  const groups = new Map<string, Promise<string | null>>();
  const principals = new Map<string, Promise<Principal>>();
  const roles = () => (catalogue ??= roleCatalogue(client));

  return {
    roles,
    async role(id) {
      if (id === 'member' || id === 'owner') return id;
      try {
        return (await roles()).nameOf(id);
      } catch {
        return id;
      }
    },
    group(id) {
      if (!groups.has(id))
        groups.set(
          id,
          get<{ displayName: string }>(client, `/v1.0/groups/${encodeURIComponent(id)}`).then(
            (g) => g?.displayName ?? null,
            () => null,
          ),
        );
      return groups.get(id)!;
    },
    principal(id) {
      const unknown: Principal = { id, displayName: null, userPrincipalName: null, type: 'unknown' };
      if (!principals.has(id))
        principals.set(
          id,
          lookup(client, id).catch(() => unknown),
        );
      return principals.get(id)!;
    },
  };
}

/** The user (or group, or service principal) a command line names by user principal name or id; not found is exit code 5. */
export async function findPrincipal(client: ApiClient, nameOrId: string): Promise<Principal> {
  const found = await lookup(client, nameOrId.trim());
  if (found.type === 'unknown') throw notFoundError(`no user, group or service principal '${nameOrId}'`);
  return found;
}
