/**
 * The decision index's public shapes (see index.ts): what it is fed (grants, memberships, a
 * snapshot) and what it answers (decisions and the reasons behind them).
 */
import type { MemberType, RoleDefinition, Schedule, Scope } from '../domain/model.ts';
import type { Instant } from '../domain/time.ts';

/**
 * An active assignment as the index needs it: only open `assignment` schedules grant anything. A
 * `member` assignment at `/groups/{groupId}` is not a grant but a timed group membership
 * (memberships.ts): it allows no action itself.
 */
export interface Grant {
  readonly id: string;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly scopeId: string;
  readonly startAt: Instant;
  /** null = permanent. */
  readonly endAt: Instant | null;
}

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

/** Why access is allowed (or, for `holdings`, what is held): one grant in effect. */
export interface Reason {
  readonly grantId: string;
  readonly roleDefinitionId: string;
  /** null when the index has not seen the role (such a grant never allows anything). */
  readonly roleDisplayName: string | null;
  /** Where the grant was made: the requested scope, or (inherited) one of its ancestors. */
  readonly scopeId: string;
  readonly inherited: boolean;
  /** 'group' when the grant is held by a group the principal belongs to (statically or through timed memberships in effect). */
  readonly via: 'direct' | 'group';
  /** The holder group when via a group, else null. */
  readonly groupId: string | null;
  /** Membership chain from the principal to the holder: [direct group, …, holder]. Empty when direct. */
  readonly groupPath: readonly string[];
  /** Graph's memberType: Group when via a group, else Inherited when from an ancestor scope, else Direct. */
  readonly memberType: MemberType;
  /** The grant's start. */
  readonly startAt: Instant;
  /**
   * When this reason stops holding (null = never): the grant's end, or, through groups, the
   * earlier of it and the end of the timed memberships along the chain (membership-paths.ts: of
   * several chains, the one lasting longest, which `groupPath` names).
   */
  readonly endAt: Instant | null;
}

export interface Decision {
  readonly allowed: boolean;
  /** Every grant that allows the action (empty on deny). */
  readonly reasons: readonly Reason[];
}

/** A grant in effect as `holdings` lists it: a Reason without the action it was asked for. */
export type Holding = Reason;

/** A grant in effect at a scope as `holders` lists it: who holds it (directly or as a member of the holder group), and why. */
export interface Holder extends Reason {
  readonly principalId: string;
}

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
