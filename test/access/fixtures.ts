/** Small builders for decision-index tests. */
import type { RoleDefinition, Scope } from '../../src/domain/model.ts';
import type { Grant } from '../../src/access/index.ts';

export const T = 'tenant-1';

export function role(id: string, allowedActions: string[], excludedActions: string[] = [], isEnabled = true): RoleDefinition {
  return {
    tenantId: T,
    id,
    templateId: id,
    displayName: `Role ${id}`,
    description: '',
    isBuiltIn: false,
    isEnabled,
    isPrivileged: false,
    kind: 'resource',
    allowedActions,
    excludedActions,
    version: '1',
  };
}

export function scope(id: string, parentId: string | null = null): Scope {
  return {
    tenantId: T,
    id,
    type: id === '/' ? 'tenant' : id.startsWith('/administrativeUnits/') ? 'administrativeUnit' : 'resource',
    displayName: id,
    parentId,
  };
}

export function grant(id: string, principalId: string, roleDefinitionId: string, scopeId: string, startAt = 0, endAt: number | null = null): Grant {
  return { id, principalId, roleDefinitionId, scopeId, startAt, endAt };
}
