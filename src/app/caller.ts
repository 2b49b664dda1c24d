/**
 * Who is calling, as use cases see it: the principal, the roles they hold right now (directly or
 * through groups, static or PIM for Groups membership) — at the tenant root, and below it at
 * resource and group scopes — and how they authenticated.
 */
import type { Principal, RoleDefinition } from '../domain/model.ts';
import { isInEffect } from '../domain/model.ts';
import { DomainError } from '../domain/errors.ts';
import type { Instant } from '../domain/time.ts';
import type { ReadRepositories } from './ports/repositories.ts';

export interface Caller {
  readonly tenantId: string;
  readonly principal: Principal;
  readonly groupIds: readonly string[];
  /** Roles held at the tenant root: they apply everywhere. */
  readonly roles: readonly RoleDefinition[];
  /** Roles held at a narrower scope (a resource, a group, an administrative unit): they apply there and below. */
  readonly scopedRoles: readonly ScopedRole[];
  /** Passed multi-factor authentication recently enough for policies that ask for it. */
  readonly mfa: boolean;
  /** How the token says the caller authenticated (RFC 8176: `pwd`, `mfa`, `otp`, …); step-up adds to it. */
  readonly amr: readonly string[];
  readonly acrs: readonly string[];
  /** Ties the audit events of one API call together. */
  readonly correlationId: string;
  /** The sign-in session the caller is using (a browser cookie, or a token that names one); null for service principals and operator tokens. */
  readonly sessionId?: string | null;
  /** The address the call came from (the client's, behind a trusted proxy); null when not called over HTTP. Audit events record it. */
  readonly ipAddress: string | null;
}

export interface ScopedRole {
  readonly role: RoleDefinition;
  readonly scopeId: string;
}

export interface Authentication {
  readonly tenantId: string;
  readonly principalId: string;
  readonly amr: readonly string[];
  /** When the user last authenticated (epoch ms), if known. */
  readonly authTime: Instant | null;
  readonly acrs: readonly string[];
  readonly correlationId: string;
  readonly sessionId?: string | null;
  /** The address the request came from (http/auth.ts: Fastify's `request.ip`); null or absent when not over HTTP. */
  readonly ipAddress?: string | null;
}

/**
 * Resolves an authenticated principal into a Caller. Fails closed: an unknown or disabled
 * principal is not a caller at all.
 * @param mfaMaxAge how long after an MFA sign-in it still counts (ms).
 */
export async function resolveCaller(
  read: ReadRepositories<'principals' | 'schedules' | 'roles'>,
  auth: Authentication,
  now: Instant,
  mfaMaxAge: number,
): Promise<Caller> {
  const principal = await read.principals.get(auth.tenantId, auth.principalId);
  if (!principal || !principal.accountEnabled || principal.type === 'group') {
    throw new DomainError('InvalidAuthenticationToken', 'The token names no enabled principal of this tenant.');
  }
  const groupIds = await read.principals.groupsOf(auth.tenantId, principal.id, now);
  const active = (await read.schedules.activeOf(auth.tenantId, [principal.id, ...groupIds], now)).filter((s) => isInEffect(s, now));
  const byId = new Map(
    (await read.roles.getMany(auth.tenantId, [...new Set(active.map((s) => s.roleDefinitionId))])).filter((r) => r.isEnabled).map((r) => [r.id, r]),
  );
  const roles = [...new Set(active.filter((s) => s.directoryScopeId === '/').flatMap((s) => byId.get(s.roleDefinitionId) ?? []))];
  const scopedRoles = active
    .filter((s) => s.directoryScopeId !== '/' && byId.has(s.roleDefinitionId))
    .map((s) => ({ role: byId.get(s.roleDefinitionId)!, scopeId: s.directoryScopeId }));
  const mfa = auth.amr.includes('mfa') && auth.authTime !== null && now - auth.authTime <= mfaMaxAge && auth.authTime <= now;
  return {
    tenantId: auth.tenantId,
    principal,
    groupIds,
    roles,
    scopedRoles,
    mfa,
    amr: auth.amr,
    acrs: auth.acrs,
    correlationId: auth.correlationId,
    sessionId: auth.sessionId ?? null,
    ipAddress: auth.ipAddress ?? null,
  };
}
