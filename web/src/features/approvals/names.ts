/**
 * Names for what an approver reads: who asks (users, groups or service principals), for which role
 * or group access, where, and to do what. Ids are only shown when nothing better is known.
 */
import { useQueries, useQuery } from '@tanstack/react-query';
import { api, ApiError, type Collection } from '../../lib/api-client.ts';
import { useGroupNames, useRoleDefinitions } from '../my-roles/api.ts';
import type { ApprovableRequest } from './api.ts';

export interface PrincipalName {
  readonly displayName: string;
  readonly detail: string | null;
}

interface DirectoryObject {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName?: string | null;
}

/** A principal by id: a user, else a group, else a service principal. */
async function principalOf(id: string): Promise<PrincipalName | null> {
  const kinds = [
    ['users', 'id,displayName,userPrincipalName'],
    ['groups', 'id,displayName'],
    ['servicePrincipals', 'id,displayName'],
  ] as const;
  for (const [collection, select] of kinds) {
    try {
      const o = await api<DirectoryObject>(`/v1.0/${collection}/${encodeURIComponent(id)}?$select=${select}`);
      const kind = collection === 'groups' ? 'Group' : collection === 'servicePrincipals' ? 'Application' : null;
      return { displayName: o.displayName ?? id, detail: o.userPrincipalName ?? kind };
    } catch (e) {
      if (!(e instanceof ApiError && (e.status === 404 || e.status === 403))) throw e;
    }
  }
  return null;
}

/** Display names of these principals (ids the requests did not already name). */
export function usePrincipalNames(ids: readonly string[]): ReadonlyMap<string, PrincipalName> {
  const results = useQueries({
    queries: [...new Set(ids)].map((id) => ({ queryKey: ['principal', id], queryFn: () => principalOf(id), staleTime: 300_000 })),
  });
  const unique = [...new Set(ids)];
  return new Map(results.flatMap((r, i) => (r.data ? [[unique[i]!, r.data] as const] : [])));
}

interface AdministrativeUnit {
  readonly id: string;
  readonly displayName: string;
}

/** Administrative units by id, fetched only when some scope names one. */
function useAdministrativeUnits(enabled: boolean) {
  return useQuery({
    queryKey: ['administrativeUnits'],
    queryFn: async () =>
      new Map(
        (await api<Collection<AdministrativeUnit>>('/v1.0/directory/administrativeUnits?$select=id,displayName&$top=999')).value.map((u) => [
          u.id,
          u.displayName,
        ]),
      ),
    enabled,
    staleTime: 300_000,
  });
}

const AU = '/administrativeUnits/';

/** What the request asks, in words. */
export function actionLabel(action: string, kind: ApprovableRequest['kind']): string {
  switch (action) {
    case 'selfActivate':
      return 'Activate';
    case 'selfExtend':
      return kind === 'eligibility' ? 'Extend eligibility' : 'Extend';
    case 'selfRenew':
      return kind === 'eligibility' ? 'Renew eligibility' : 'Renew';
    case 'adminAssign':
      return kind === 'eligibility' ? 'Make eligible' : 'Assign';
    case 'adminExtend':
      return 'Extend';
    case 'adminRenew':
      return 'Renew';
    default:
      return action.replace(/([a-z])([A-Z])/g, '$1 $2');
  }
}

export interface Names {
  /** Who asks. */
  requester(r: Pick<ApprovableRequest, 'principalId' | 'principalName' | 'principalUpn'>): PrincipalName;
  /** The role, or the group access. */
  role(r: Pick<ApprovableRequest, 'provider' | 'roleId' | 'scope'>): string;
  /** Where it applies. */
  scope(r: Pick<ApprovableRequest, 'provider' | 'scope'>): string;
}

type Named = Pick<ApprovableRequest, 'provider' | 'roleId' | 'scope' | 'principalId' | 'principalName' | 'principalUpn'>;

/** Everything needed to name these requests, fetched once and cached. */
export function useNames(requests: readonly Named[]): Names {
  const roles = useRoleDefinitions();
  const groups = useGroupNames(requests.filter((r) => r.provider === 'group').map((r) => r.scope));
  const people = usePrincipalNames(requests.filter((r) => r.principalName === null).map((r) => r.principalId));
  const units = useAdministrativeUnits(requests.some((r) => r.provider === 'directory' && r.scope.startsWith(AU)));
  return {
    requester: (r) =>
      r.principalName !== null
        ? { displayName: r.principalName, detail: r.principalUpn }
        : (people.get(r.principalId) ?? { displayName: r.principalId, detail: null }),
    role: (r) =>
      r.provider === 'group'
        ? `${groups.get(r.scope) ?? 'Group'} — ${r.roleId === 'owner' ? 'owner' : 'member'}`
        : (roles.data?.get(r.roleId)?.displayName ?? r.roleId),
    scope: (r) => {
      if (r.provider === 'group') return 'Group';
      if (r.scope === '/') return 'Directory';
      if (r.scope.startsWith(AU)) {
        const name = units.data?.get(r.scope.slice(AU.length));
        return name ? `Administrative unit: ${name}` : r.scope;
      }
      return r.scope;
    },
  };
}
