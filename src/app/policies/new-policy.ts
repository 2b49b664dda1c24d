/** Policies as they are first made: every role's at `/` (Entra's id shape: DirectoryRole_{tenant}_{uuid}), and each group's two. */
import { defaultPolicyRules } from '../../domain/policy/defaults.ts';
import type { RoleDefinition } from '../../domain/model.ts';
import { GROUP_ACCESS_IDS, groupScope } from '../../domain/group-access.ts';
import type { Policy, Repositories } from '../ports/repositories.ts';

export function newRolePolicy(role: RoleDefinition, uuid: string): Policy {
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
    rules: defaultPolicyRules(),
  };
}

/**
 * A group's own policy for its `member` or `owner` access (PIM for Groups has two per group),
 * starting from the rules the role has at `/` — the tenant's defaults for groups.
 */
export function newGroupPolicy(rolePolicy: Policy, groupId: string, uuid: string): Policy {
  return {
    ...rolePolicy,
    id: `Group_${groupId}_${uuid}`,
    scopeId: groupScope(groupId),
    scopeType: 'Group',
    displayName: 'Group',
    description: 'Group',
    lastModifiedBy: null,
    lastModifiedAt: null,
  };
}

/** Gives a group its two policies (member, owner) unless it has them already. */
export async function ensureGroupPolicies(tx: Pick<Repositories, 'policies'>, tenantId: string, groupId: string, uuid: () => string): Promise<void> {
  for (const roleId of GROUP_ACCESS_IDS) {
    if (await tx.policies.forRoleAt(tenantId, roleId, groupScope(groupId))) continue;
    const rolePolicy = await tx.policies.forRoleAt(tenantId, roleId, '/');
    if (rolePolicy) await tx.policies.insert(newGroupPolicy(rolePolicy, groupId, uuid()));
  }
}
