/** How grants are named on screen: role or group access, and where it applies. */
import type { Grant, RoleDefinition } from './api.ts';

export function roleName(
  g: Pick<Grant, 'provider' | 'roleId' | 'scope'>,
  roles: ReadonlyMap<string, RoleDefinition> | undefined,
  groups: ReadonlyMap<string, string>,
): string {
  if (g.provider === 'group') return `${groups.get(g.scope) ?? 'Group'} — ${g.roleId === 'owner' ? 'owner' : 'member'}`;
  return roles?.get(g.roleId)?.displayName ?? g.roleId;
}

export function scopeName(g: Pick<Grant, 'provider' | 'scope'>): string {
  if (g.provider === 'group') return 'Group';
  if (g.scope === '/') return 'Directory';
  return g.scope;
}

export const grantKey = (g: Pick<Grant, 'provider' | 'roleId' | 'scope'>): string => `${g.provider}|${g.roleId}|${g.scope}`;
