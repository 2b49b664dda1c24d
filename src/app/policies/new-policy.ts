/**
 * Policies as they are first made: every role's at `/` (Entra's id shape: DirectoryRole_{tenant}_{uuid})
 * and each group's two, all setting no rule of their own, so they inherit every rule
 * (resolve-policy.ts) until one is changed.
 */
import type { RoleDefinition } from '../../domain/model.ts';
import { GROUP_ACCESS_IDS, groupScope } from '../../domain/group-access.ts';
import type { PolicyRecord, Repositories } from '../ports/repositories.ts';

export function newRolePolicy(role: RoleDefinition, uuid: string): PolicyRecord {
  return {
    tenantId: role.tenantId,
    id: `DirectoryRole_${role.tenantId}_${uuid}`,
    scopeId: '/',
    // The group roles' policies at `/` are the tenant's defaults for every group's own two.
    scopeType: role.kind === 'group' ? 'Group' : 'DirectoryRole',
    roleDefinitionId: role.id,
    displayName: role.kind === 'group' ? 'Group' : 'DirectoryRole',
    description: role.kind === 'group' ? 'Group' : 'DirectoryRole',
    isOrganizationDefault: false,
    lastModifiedBy: null,
    lastModifiedAt: null,
    rules: {},
  };
}

/**
 * A group's own policy for its `member` or `owner` access (PIM for Groups has two per group): it
 * inherits from the access role's policy at `/` — the tenant's defaults for groups — and then from
 * the tenant default.
 */
export function newGroupPolicy(tenantId: string, accessId: string, groupId: string, uuid: string): PolicyRecord {
  return {
    tenantId,
    id: `Group_${groupId}_${uuid}`,
    scopeId: groupScope(groupId),
    scopeType: 'Group',
    roleDefinitionId: accessId,
    displayName: 'Group',
    description: 'Group',
    isOrganizationDefault: false,
    lastModifiedBy: null,
    lastModifiedAt: null,
    rules: {},
  };
}

/** Gives a group its two policies (member, owner) unless it has them already. */
export async function ensureGroupPolicies(tx: Pick<Repositories, 'policies'>, tenantId: string, groupId: string, uuid: () => string): Promise<void> {
  for (const accessId of GROUP_ACCESS_IDS) {
    if (await tx.policies.forRoleAt(tenantId, accessId, groupScope(groupId))) continue;
    await tx.policies.insert(newGroupPolicy(tenantId, accessId, groupId, uuid()));
  }
}
