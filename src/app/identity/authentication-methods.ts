/**
 * What a user has for signing in (never a secret): password set when, authenticator, recovery codes
 * left. The caller reads their own; the administrators who may change a user's password,
 * authenticator or sessions read anyone's, with whether the account is break-glass or privileged —
 * what decides who may change its credentials (credential-rights.ts).
 */
import { DomainError } from '../../domain/errors.ts';
import { TOTP_PERIOD_SECONDS } from '../../domain/identity/totp.ts';
import type { Instant } from '../../domain/time.ts';
import type { Caller } from '../caller.ts';
import type { ReadRepositories } from '../ports/repositories.ts';
import { authorizeCredentialChangeKind } from './credential-rights.ts';
import { isPrivilegedAccount } from './privileged-account.ts';

export interface AuthenticationMethods {
  readonly passwordSetAt: Instant | null;
  readonly totp: { readonly id: string; readonly confirmedAt: Instant | null; readonly lastUsedAt: Instant | null } | null;
  readonly pendingTotp: { readonly id: string; readonly createdAt: Instant } | null;
  readonly recoveryCodesRemaining: number;
  readonly lastSignInAt: Instant | null;
}

export interface UserAuthenticationMethods extends AuthenticationMethods {
  /** Passkeys and security keys registered. */
  readonly securityKeys: number;
  readonly isBreakGlass: boolean;
  /** Break-glass, or holding or eligible for a privileged role (privileged-account.ts). */
  readonly isPrivileged: boolean;
}

async function methodsOf(read: ReadRepositories<'accounts' | 'totp'>, tenantId: string, id: string): Promise<AuthenticationMethods> {
  const [password, active, pending, remaining, lastSignInAt] = await Promise.all([
    read.accounts.password(tenantId, id),
    read.totp.get(tenantId, id, true),
    read.totp.get(tenantId, id, false),
    read.totp.remainingRecoveryCodes(tenantId, id),
    read.accounts.lastSignInAt(tenantId, id),
  ]);
  return {
    passwordSetAt: password?.setAt ?? null,
    totp: active
      ? { id: active.id, confirmedAt: active.confirmedAt, lastUsedAt: active.lastUsedStep === null ? null : active.lastUsedStep * TOTP_PERIOD_SECONDS * 1000 }
      : null,
    pendingTotp: pending ? { id: pending.id, createdAt: pending.createdAt } : null,
    recoveryCodesRemaining: remaining,
    lastSignInAt,
  };
}

export function myAuthenticationMethods(read: ReadRepositories<'accounts' | 'totp'>, caller: Caller): Promise<AuthenticationMethods> {
  return methodsOf(read, caller.principal.tenantId, caller.principal.id);
}

/**
 * A user's methods, for the user or an administrator who may change their password, authenticator,
 * account or sessions (User, Helpdesk, Authentication, Privileged Authentication and Global
 * Administrators): the administrators who act on what this shows.
 */
export async function userAuthenticationMethods(
  read: ReadRepositories<'accounts' | 'totp' | 'principals' | 'webauthn'>,
  caller: Caller,
  userId: string,
  now: Instant,
): Promise<UserAuthenticationMethods> {
  if (userId !== caller.principal.id) authorizeCredentialChangeKind(caller, 'sessions');
  const user = await read.principals.get(caller.tenantId, userId);
  if (!user || user.type !== 'user') throw new DomainError('Request_ResourceNotFound', `No user has the id '${userId}'.`);
  const [methods, keys, isPrivileged] = await Promise.all([
    methodsOf(read, user.tenantId, user.id),
    read.webauthn.list(user.tenantId, user.id),
    isPrivilegedAccount(read, user.tenantId, user.id, now),
  ]);
  return { ...methods, securityKeys: keys.length, isBreakGlass: user.isBreakGlass, isPrivileged };
}
