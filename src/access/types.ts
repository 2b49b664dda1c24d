/**
 * The decision index's public shapes (see index.ts): what it is fed (grants, memberships, a
 * snapshot) and what it answers (decisions and the reasons behind them).
 */
import type { RoleDefinition, Schedule, Scope } from '../domain/model.ts';
import type { AccessHolder, AccessReason, GrantFact } from '../app/ports/access.ts';

/**
 * An active assignment as the index needs it (the port's lean start-up row): only open `assignment`
 * schedules grant anything. A `member` assignment at `/groups/{groupId}` is not a grant but a timed
 * group membership (memberships.ts): it allows no action itself.
 */
export type Grant = GrantFact;

export interface Membership {
  readonly groupId: string;
  readonly memberId: string;
}

export interface AccessSnapshot {
  readonly roles: readonly RoleDefinition[];
  readonly scopes: readonly Scope[];
  readonly memberships: readonly Membership[];
  readonly grants: readonly Grant[];
}

/** Why access is allowed (or, for `holdings`, what is held): one grant in effect (fields: the port's AccessReason). */
export type Reason = AccessReason;

export interface Decision {
  readonly allowed: boolean;
  /** Every grant that allows the action (empty on deny). */
  readonly reasons: readonly Reason[];
}

/** A grant in effect as `holdings` lists it: a Reason without the action it was asked for. */
export type Holding = Reason;

/** A grant in effect at a scope as `holders` lists it: who holds it (directly or as a member of the holder group), and why. */
export type Holder = AccessHolder;

export interface AccessIndexStats {
  /** Ordinary grants (not counting timed memberships). */
  readonly grants: number;
  /** Timed group memberships (`member` assignments at group scopes), in effect or not. */
  readonly timedMemberships: number;
  readonly principals: number;
  readonly scopes: number;
  readonly roles: number;
}

export interface AccessIndexOptions {
  /** Grants a principal may hold before checks use its per-scope map (default 16; tests use 0 to cover that path). */
  readonly scanLimit?: number;
}

/**
 * The facts of a schedule that grant access, or null when it grants nothing (eligibilities and
 * closed schedules). For the loader and the change-feed follower.
 */
export function grantFromSchedule(s: Schedule): Grant | null {
  if (s.kind !== 'assignment' || s.closed) return null;
  return { id: s.id, principalId: s.principalId, roleDefinitionId: s.roleDefinitionId, scopeId: s.directoryScopeId, startAt: s.startAt, endAt: s.endAt };
}
