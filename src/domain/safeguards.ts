/**
 * The tenant never loses its last working Global Administrator or Privileged Role Administrator
 * (docs/decisions/0014). A *working* grant is one that gives someone the role now and will keep
 * doing so: an active, permanent assignment at the tenant root that has started, held by an
 * enabled account or by a group with at least one enabled lasting member. A change — by any path:
 * a request, disabling an account, a membership change, SCIM — that takes a guarded role's working
 * grants from one or more to none is refused. Time-bound grants end on time, always: they are
 * never counted, so no expiry ever has to be suspended.
 */
import { DomainError } from './errors.ts';
import { GROUP_ROLE, groupOfScope } from './group-access.ts';
import { isInEffect, type PrincipalType, type Schedule } from './model.ts';
import type { Instant } from './time.ts';
import { ROLE } from './roles/catalogue.ts';

export const GUARDED_ROLES: readonly string[] = [ROLE.globalAdministrator, ROLE.privilegedRoleAdministrator];

/** A permanent active assignment of a guarded role at the root that has started, with what its holder is now. */
export interface StandingGrant {
  readonly scheduleId: string;
  readonly roleDefinitionId: string;
  readonly holderType: PrincipalType;
  /** Users and service principals: the account is enabled. */
  readonly holderEnabled: boolean;
  /** Groups: some enabled user or service principal is a member, statically or by a started permanent PIM membership. */
  readonly holderHasLastingMember: boolean;
}

export const isWorking = (g: StandingGrant): boolean => (g.holderType === 'group' ? g.holderHasLastingMember : g.holderEnabled);

/** Working grants per guarded role. */
export function countWorking(grants: readonly StandingGrant[]): ReadonlyMap<string, number> {
  const counts = new Map<string, number>(GUARDED_ROLES.map((r) => [r, 0]));
  for (const g of grants) if (isWorking(g) && counts.has(g.roleDefinitionId)) counts.set(g.roleDefinitionId, counts.get(g.roleDefinitionId)! + 1);
  return counts;
}

const ROLE_NAMES: Readonly<Record<string, string>> = {
  [ROLE.globalAdministrator]: 'Global Administrator',
  [ROLE.privilegedRoleAdministrator]: 'Privileged Role Administrator',
};

/** Refuses a change that left a guarded role that had working grants before with none. */
export function assertAdministratorsKept(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): void {
  for (const role of GUARDED_ROLES) {
    if ((before.get(role) ?? 0) > 0 && (after.get(role) ?? 0) === 0) {
      const name = ROLE_NAMES[role]!;
      throw new DomainError(
        'LastPrivilegedRoleHolder',
        `This would leave no working ${name}: assign another permanent active ${name} first ` +
          '(to an enabled account, or to a group with an enabled member).',
      );
    }
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
