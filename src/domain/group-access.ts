/**
 * PIM for Groups in the model (docs/decisions/0007): access to a group is a role at the group's
 * scope. The two built-in group roles are `member` and `owner` — the very ids Graph gives them
 * (`accessId`, and `roleDefinitionId` of a group's policy assignments) — held at `/groups/{groupId}`.
 * So eligibility, activation, policies, approvals, notifications and the timeline work for groups
 * unchanged; only the Graph shapes translate `groupId` + `accessId` to scope + role.
 *
 * An active `member` assignment makes its principal a member of the group for the assignment's
 * window (so it holds the group's roles, memberType `Group`); an `owner` assignment lets its
 * principal manage the group's members.
 */

import { DomainError } from './errors.ts';
import type { Principal } from './model.ts';

export const GROUP_ACCESS_IDS = ['member', 'owner'] as const;
export type GroupAccessId = (typeof GROUP_ACCESS_IDS)[number];

export const GROUP_ROLE = { member: 'member', owner: 'owner' } as const satisfies Record<GroupAccessId, GroupAccessId>;

const PREFIX = '/groups/';

export const isGroupRole = (roleDefinitionId: string): roleDefinitionId is GroupAccessId =>
  roleDefinitionId === GROUP_ROLE.member || roleDefinitionId === GROUP_ROLE.owner;

/** The scope at which a group's member and owner access is held. */
export const groupScope = (groupId: string): string => `${PREFIX}${groupId}`;

/**
 * The group a scope path names, or null when it is not a group scope.
 * @example groupOfScope('/groups/0b5c…') === '0b5c…'
 */
export function groupOfScope(scopeId: string): string | null {
  if (!scopeId.startsWith(PREFIX)) return null;
  const id = scopeId.slice(PREFIX.length);
  return id.length > 0 && !id.includes('/') ? id : null;
}

/**
 * A group whose membership hands out roles — role-assignable, or nested into one — takes no group
 * as a member or owner, by any path (static membership, PIM for Groups eligibility or assignment,
 * SCIM): its roles go only to principals a privileged administrator chose. A nested group would
 * hand them to whoever manages that group (docs/decisions/0014).
 */
export function assertMayNest(group: Pick<Principal, 'displayName'>, handsOutRoles: boolean, member: Pick<Principal, 'displayName' | 'type'>): void {
  if (handsOutRoles && member.type === 'group') {
    throw new DomainError(
      'Request_BadRequest',
      `Group '${member.displayName}' cannot be added to '${group.displayName}': a role-assignable group (or one nested into it) has no groups as members or owners.`,
    );
  }
}
