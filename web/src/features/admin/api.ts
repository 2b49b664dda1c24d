/**
 * What the administration pages read about the directory: people and groups to pick, the places a
 * role can be assigned at (administrative units, registered resource scopes), and role names.
 */
import { useQuery } from '@tanstack/react-query';
import { fetchAll } from '../../lib/api-client.ts';

export interface DirectoryObject {
  readonly id: string;
  readonly displayName: string;
  readonly kind: 'user' | 'group';
  /** A user's sign-in name, a group's "role-assignable" note. */
  readonly detail: string | null;
  readonly isAssignableToRole?: boolean;
}

interface UserRow {
  readonly id: string;
  readonly displayName: string;
  readonly userPrincipalName: string | null;
}
interface GroupRow {
  readonly id: string;
  readonly displayName: string;
  readonly isAssignableToRole: boolean;
  readonly description: string | null;
}

export const directoryKeys = {
  principals: ['admin', 'principals'] as const,
  administrativeUnits: ['admin', 'administrativeUnits'] as const,
  resourceScopes: ['admin', 'resourceScopes'] as const,
};

/**
 * Users and groups, for the pickers. The API's $filter has no startswith, so the list is read once
 * (999 a page) and searched here; the pickers search by name and sign-in name as one types.
 */
export function usePrincipals() {
  return useQuery({
    queryKey: directoryKeys.principals,
    queryFn: async (): Promise<DirectoryObject[]> => {
      const [users, groups] = await Promise.all([
        fetchAll<UserRow>('/v1.0/users?$select=id,displayName,userPrincipalName&$top=999'),
        fetchAll<GroupRow>('/v1.0/groups?$select=id,displayName,isAssignableToRole,description&$top=999'),
      ]);
      return [
        ...users.map((u): DirectoryObject => ({ id: u.id, displayName: u.displayName, kind: 'user', detail: u.userPrincipalName })),
        ...groups.map((g): DirectoryObject => ({
          id: g.id,
          displayName: g.displayName,
          kind: 'group',
          detail: g.isAssignableToRole ? 'Role-assignable group' : 'Group',
          isAssignableToRole: g.isAssignableToRole,
        })),
      ].sort((a, b) => a.displayName.localeCompare(b.displayName));
    },
    staleTime: 60_000,
  });
}

/** Matches a typed search against a name or sign-in name, case-insensitively, at word starts first. */
export function searchPrincipals(all: readonly DirectoryObject[], text: string, limit = 20): DirectoryObject[] {
  const q = text.trim().toLowerCase();
  if (q === '') return all.slice(0, limit);
  const starts = (p: DirectoryObject) =>
    p.displayName
      .toLowerCase()
      .split(/\s+/)
      .some((w) => w.startsWith(q)) || (p.detail ?? '').toLowerCase().startsWith(q);
  const contains = (p: DirectoryObject) => p.displayName.toLowerCase().includes(q) || (p.detail ?? '').toLowerCase().includes(q);
  return [...all.filter(starts), ...all.filter((p) => !starts(p) && contains(p))].slice(0, limit);
}

export interface Place {
  /** The scope path: `/`, `/administrativeUnits/{id}`, or a resource path. */
  readonly id: string;
  readonly displayName: string;
  /** A resource scope's parent path (`/` at the top of the tree); absent for directory places. */
  readonly parentId?: string | null;
}

/** Administrative units, as scope paths. */
export function useAdministrativeUnits() {
  return useQuery({
    queryKey: directoryKeys.administrativeUnits,
    queryFn: async (): Promise<Place[]> =>
      (await fetchAll<{ id: string; displayName: string }>('/v1.0/directory/administrativeUnits?$top=999')).map((u) => ({
        id: `/administrativeUnits/${u.id}`,
        displayName: u.displayName,
      })),
    staleTime: 300_000,
  });
}

/** Registered resource scopes (`/subscriptions/s1`, `/databases/pg-prod`), with their parents (the Resource scopes page draws the tree). */
export function useResourceScopes() {
  return useQuery({
    queryKey: directoryKeys.resourceScopes,
    queryFn: async (): Promise<Place[]> =>
      (await fetchAll<{ id: string; displayName: string | null; parentId: string | null }>('/openpim/scopes?$top=999', 20_000)).map((s) => ({
        id: s.id,
        displayName: s.displayName ?? s.id,
        parentId: s.parentId,
      })),
    staleTime: 300_000,
  });
}

/** "Directory", an administrative unit's name, or the resource path. */
export function placeName(scope: string, places: readonly Place[] | undefined): string {
  if (scope === '/') return 'Directory';
  const known = places?.find((p) => p.id === scope);
  if (known)
    return scope.startsWith('/administrativeUnits/')
      ? `${known.displayName} (administrative unit)`
      : known.displayName === scope
        ? scope
        : `${known.displayName} (${scope})`;
  return scope;
}
