/**
 * The access decision engine as use cases see it (implemented by src/access), and the facts it is
 * built from (implemented by src/store).
 */
import type { MemberType, RoleDefinition, Scope } from '../../domain/model.ts';
import type { Instant } from '../../domain/time.ts';

/** Why access is allowed (or what is held): one grant in effect. */
export interface AccessReason {
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
   * earlier of it and the end of the timed memberships along the chain (src/access/membership-paths.ts: of
   * several chains, the one lasting longest, which `groupPath` names).
   */
  readonly endAt: Instant | null;
}

/** One grant in effect at a scope, and who holds it there: the holder itself, or a member of the holder group. */
export interface AccessHolder extends AccessReason {
  readonly principalId: string;
}

export interface AccessChecker {
  /** May the principal perform the action at the scope at `at`? Current up to the last commit in this process. */
  check(tenantId: string, principalId: string, action: string, scope: string, at: Instant): Promise<{ allowed: boolean; reasons: readonly AccessReason[] }>;
  /** Every grant in effect for the principal at `at`, direct or through groups, optionally only those applying at a scope. */
  holdings(tenantId: string, principalId: string, at: Instant, scope?: string): Promise<readonly AccessReason[]>;
  /**
   * Who holds what at a scope at `at`: every grant in effect made at it or an ancestor, for its
   * holder and, when the holder is a group, for every principal in it at `at` (nested, static and
   * timed memberships). Sorted by principal, then grant.
   */
  holders(tenantId: string, scope: string, at: Instant): Promise<readonly AccessHolder[]>;
}

/** Everything the index is built from, per tenant. */
/** An open active assignment as the index reads it at start-up (a lean row: a million of them load at once). */
export interface GrantFact {
  readonly id: string;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly scopeId: string;
  readonly startAt: Instant;
  readonly endAt: Instant | null;
}

export interface AccessFacts {
  tenantIds(): Promise<string[]>;
  snapshot(tenantId: string): Promise<{
    roles: RoleDefinition[];
    scopes: Scope[];
    memberships: { groupId: string; memberId: string }[];
    /**
     * Open active-assignment schedules, only what a grant needs (eligibilities grant nothing);
     * `member` ones at a group's scope are timed memberships.
     */
    grants: GrantFact[];
    /** Principals whose account is disabled: they hold nothing while so. */
    disabled: string[];
  }>;
}
