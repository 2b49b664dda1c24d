/** The policy every role gets at `/` when it is created (Entra's id shape: DirectoryRole_{tenant}_{uuid}). */
import { defaultPolicyRules } from '../../domain/policy/defaults.ts';
import type { RoleDefinition } from '../../domain/model.ts';
import type { Policy } from '../ports/repositories.ts';

export function newRolePolicy(role: RoleDefinition, uuid: string): Policy {
  return {
    tenantId: role.tenantId,
    id: `DirectoryRole_${role.tenantId}_${uuid}`,
    scopeId: '/',
    scopeType: 'DirectoryRole',
    roleDefinitionId: role.id,
    displayName: 'DirectoryRole',
    description: 'DirectoryRole',
    isOrganizationDefault: false,
    lastModifiedBy: null,
    lastModifiedAt: null,
    rules: defaultPolicyRules(),
  };
}
