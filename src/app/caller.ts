/**
 * Who is calling, as use cases see it: the principal, the roles they hold at the tenant root right
 * now (directly or through groups), and how they authenticated.
 */
import type { Principal, RoleDefinition } from '../domain/model.ts';
import { isInEffect } from '../domain/model.ts';
import { DomainError } from '../domain/errors.ts';
import type { Instant } from '../domain/time.ts';
import type { Repositories } from './ports/repositories.ts';

export interface Caller {
  readonly tenantId: string;
  readonly principal: Principal;
  readonly groupIds: readonly string[];
  readonly roles: readonly RoleDefinition[];
  /** Passed multi-factor authentication recently enough for policies that ask for it. */
  readonly mfa: boolean;
  readonly acrs: readonly string[];
  /** Ties the audit events of one API call together. */
  readonly correlationId: string;
}

export interface Authentication {
  readonly tenantId: string;
  readonly principalId: string;
  readonly amr: readonly string[];
  /** When the user last authenticated (epoch ms), if known. */
  readonly authTime: Instant | null;
  readonly acrs: readonly string[];
  readonly correlationId: string;
}

/**
 * Resolves an authenticated principal into a Caller. Fails closed: an unknown or disabled
 * principal is not a caller at all.
 * @param mfaMaxAge how long after an MFA sign-in it still counts (ms).
 */
export async function resolveCaller(read: Repositories, auth: Authentication, now: Instant, mfaMaxAge: number): Promise<Caller> {
  const principal = await read.principals.get(auth.tenantId, auth.principalId);
  if (!principal || !principal.accountEnabled || principal.type === 'group') {
    throw new DomainError('InvalidAuthenticationToken', 'The token names no enabled principal of this tenant.');
  }
  const groupIds = await read.principals.groupsOf(auth.tenantId, principal.id);
  const active = await read.schedules.activeAtRoot(auth.tenantId, [principal.id, ...groupIds], now);
  const roleIds = [...new Set(active.filter((s) => isInEffect(s, now)).map((s) => s.roleDefinitionId))];
  const roles = (await read.roles.getMany(auth.tenantId, roleIds)).filter((r) => r.isEnabled);
  const mfa = auth.amr.includes('mfa') && auth.authTime !== null && now - auth.authTime <= mfaMaxAge && auth.authTime <= now;
  return { tenantId: auth.tenantId, principal, groupIds, roles, mfa, acrs: auth.acrs, correlationId: auth.correlationId };
}
