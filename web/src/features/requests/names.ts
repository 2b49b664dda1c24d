/** Names for requests: the role from the catalogue, or the group and its access, and where. */
import { useGroupNames, useRoleDefinitions } from '../my-roles/api.ts';
import { roleName, scopeName } from '../my-roles/names.ts';
import type { MyRequest } from './api.ts';

export interface RequestNames {
  role(r: Pick<MyRequest, 'provider' | 'roleId' | 'scope'>): string;
  scope(r: Pick<MyRequest, 'provider' | 'scope'>): string;
}

/** Everything needed to name these requests, fetched once and cached. */
export function useRequestNames(requests: readonly Pick<MyRequest, 'provider' | 'scope'>[]): RequestNames {
  const roles = useRoleDefinitions();
  const groups = useGroupNames(requests.filter((r) => r.provider === 'group').map((r) => r.scope));
  return {
    role: (r) => roleName(r, roles.data, groups),
    scope: (r) => scopeName(r),
  };
}
