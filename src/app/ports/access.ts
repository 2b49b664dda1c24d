/**
 * The access decision engine as use cases see it (implemented by src/access), and the facts it is
 * built from (implemented by src/store).
 */
import type { MemberType, RoleDefinition, Schedule, Scope } from '../../domain/model.ts';
import type { Instant } from '../../domain/time.ts';

export interface AccessReason {
  readonly grantId: string;
  readonly roleDefinitionId: string;
  readonly roleDisplayName: string | null;
  readonly scopeId: string;
  readonly inherited: boolean;
  readonly via: 'direct' | 'group';
  readonly groupId: string | null;
  readonly memberType: MemberType;
  readonly startAt: Instant;
  readonly endAt: Instant | null;
}

export interface AccessChecker {
  /** May the principal perform the action at the scope at `at`? Current up to the last commit in this process. */
  check(tenantId: string, principalId: string, action: string, scope: string, at: Instant): Promise<{ allowed: boolean; reasons: readonly AccessReason[] }>;
  /** Every grant in effect for the principal at `at`, direct or through groups, optionally only those applying at a scope. */
  holdings(tenantId: string, principalId: string, at: Instant, scope?: string): Promise<readonly AccessReason[]>;
}

/** Everything the index is built from, per tenant. */
export interface AccessFacts {
  tenantIds(): Promise<string[]>;
  snapshot(tenantId: string): Promise<{
    roles: RoleDefinition[];
    scopes: Scope[];
    memberships: { groupId: string; memberId: string }[];
    /** Open active-assignment schedules (eligibilities grant nothing). */
    grants: Schedule[];
  }>;
}
