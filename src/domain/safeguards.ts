/**
 * PRODUCT §4: the tenant never loses its last standing Global Administrator or Privileged Role
 * Administrator. "Standing" means permanent and active: time-bound grants end by design, so
 * guarding the permanent ones is what keeps the tenant manageable — and it means no expiry ever
 * has to be suspended to honour the safeguard.
 */
import { DomainError } from './errors.ts';
import { GROUP_ROLE, groupOfScope } from './group-access.ts';
import { isInEffect, type Schedule } from './model.ts';
import type { Instant } from './time.ts';
import { ROLE } from './roles/catalogue.ts';

export const GUARDED_ROLES: ReadonlySet<string> = new Set([ROLE.globalAdministrator, ROLE.privilegedRoleAdministrator]);

/** Is this grant one the safeguard counts (permanent, active, at the tenant root, guarded role)? */
export const isStandingGuardedGrant = (s: Schedule): boolean =>
  s.kind === 'assignment' && s.endAt === null && !s.closed && s.directoryScopeId === '/' && GUARDED_ROLES.has(s.roleDefinitionId);

/**
 * Refuses ending or time-bounding a standing guarded grant when no other one of the same role
 * remains. `othersStanding` counts the other standing grants of that role.
 */
export function assertNotLastStanding(schedule: Schedule, othersStanding: number): void {
  if (isStandingGuardedGrant(schedule) && othersStanding === 0) {
    const role = schedule.roleDefinitionId === ROLE.globalAdministrator ? 'Global Administrator' : 'Privileged Role Administrator';
    throw new DomainError(
      'LastPrivilegedRoleHolder',
      `This is the last permanent active ${role} assignment; assign another permanent ${role} first.`,
    );
  }
}

/** Is this an owner assignment of a group (PIM for Groups) in effect at `at`? */
export const isGroupOwnership = (s: Schedule, at: Instant): boolean =>
  s.kind === 'assignment' && s.roleDefinitionId === GROUP_ROLE.owner && groupOfScope(s.directoryScopeId) !== null && isInEffect(s, at);

/**
 * PIM for Groups: a group never loses its last owner by removal or deactivation.
 * `otherOwners` counts the other owner assignments of the group in effect now.
 */
export function assertNotLastOwner(schedule: Schedule, otherOwners: number, at: Instant): void {
  if (isGroupOwnership(schedule, at) && otherOwners === 0) {
    throw new DomainError('LastGroupOwner', 'This is the last owner of the group; make someone else an owner first.');
  }
}
