/**
 * What SCIM provisioning needs from storage beyond the directory: the tenants' SCIM bearer tokens
 * (hashes only), the IdP-owned attributes of principals (`externalId`, name parts), SCIM deletion,
 * and the open grants and pending requests a deprovisioning ends. Part of Repositories, so each
 * change shares its transaction with its audit events.
 */
import type { Principal, PrincipalType } from '../../domain/model.ts';
import type { Instant } from '../../domain/time.ts';

export interface ScimToken {
  readonly tenantId: string;
  readonly id: string;
  readonly displayName: string;
  /** The first characters of the token, to tell tokens apart. */
  readonly hint: string;
  readonly tokenHash: string;
  readonly createdBy: string;
  readonly createdAt: Instant;
  readonly endAt: Instant;
  readonly revokedAt: Instant | null;
}

/** The attributes only SCIM knows of a principal. */
export interface ScimAttributes {
  readonly externalId: string | null;
  readonly givenName: string | null;
  readonly familyName: string | null;
}

export interface ProvisionedPrincipal {
  readonly principal: Principal;
  readonly scim: ScimAttributes;
}

/** Equality conditions, all of which must hold (a SCIM filter of `eq` joined by `and`). */
export interface ScimMatch {
  readonly id?: string;
  /** Users: compared case-insensitively, as userPrincipalName is. */
  readonly userName?: string;
  readonly externalId?: string;
  readonly displayName?: string;
}

/** Directory attributes a SCIM client may change; absent means unchanged. */
export interface ScimChanges {
  readonly displayName?: string;
  readonly userPrincipalName?: string;
  readonly mail?: string | null;
  readonly externalId?: string | null;
  readonly givenName?: string | null;
  readonly familyName?: string | null;
}

export interface ProvisioningRepository {
  insertToken(token: ScimToken): Promise<void>;
  /** The token with this hash, revoked or expired or not. */
  tokenByHash(tokenHash: string): Promise<ScimToken | null>;
  listTokens(tenantId: string): Promise<ScimToken[]>;
  /** Whether a token not yet revoked was revoked. */
  revokeToken(tenantId: string, id: string, at: Instant): Promise<boolean>;

  /** A user or group not deleted by SCIM. */
  get(tenantId: string, type: PrincipalType, id: string): Promise<ProvisionedPrincipal | null>;
  /** Users or groups not deleted by SCIM, oldest first, with the total that match. */
  find(tenantId: string, type: PrincipalType, match: ScimMatch, offset: number, limit: number): Promise<{ total: number; items: ProvisionedPrincipal[] }>;
  /** Conflict on a userPrincipalName or externalId taken by another principal: ObjectConflict. */
  update(tenantId: string, id: string, changes: ScimChanges): Promise<void>;
  /** Hides the principal from SCIM and frees its externalId; the principal itself is kept. */
  markDeleted(tenantId: string, id: string, at: Instant): Promise<void>;
  /** Ids of the principal's schedules not yet closed (eligibilities and assignments, current or future). */
  openScheduleIds(tenantId: string, principalId: string): Promise<string[]>;
  /** Ids of schedules not yet closed at exactly this scope, whoever holds them (PIM for Groups grants at `/groups/{id}`). */
  openScheduleIdsAt(tenantId: string, scopeId: string): Promise<string[]>;
  /** The principal's pending requests, by kind and id. */
  pendingRequestIds(tenantId: string, principalId: string): Promise<{ kind: 'eligibility' | 'assignment'; id: string }[]>;
}
