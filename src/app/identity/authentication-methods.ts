/** What the caller has for signing in (never a secret): password set when, authenticator, recovery codes left. */
import { TOTP_PERIOD_SECONDS } from '../../domain/identity/totp.ts';
import type { Instant } from '../../domain/time.ts';
import type { Caller } from '../caller.ts';
import type { Repositories } from '../ports/repositories.ts';

export interface AuthenticationMethods {
  readonly passwordSetAt: Instant | null;
  readonly totp: { readonly id: string; readonly confirmedAt: Instant | null; readonly lastUsedAt: Instant | null } | null;
  readonly pendingTotp: { readonly id: string; readonly createdAt: Instant } | null;
  readonly recoveryCodesRemaining: number;
  readonly lastSignInAt: Instant | null;
}

export async function myAuthenticationMethods(read: Repositories, caller: Caller): Promise<AuthenticationMethods> {
  const { tenantId, id } = caller.principal;
  const [password, active, pending, remaining, lastSignInAt] = await Promise.all([
    read.accounts.password(tenantId, id),
    read.totp.get(tenantId, id, true),
    read.totp.get(tenantId, id, false),
    read.totp.remainingRecoveryCodes(tenantId, id),
    read.accounts.lastSignInAt(tenantId, id),
  ]);
  return {
    passwordSetAt: password?.setAt ?? null,
    totp: active ? { id: active.id, confirmedAt: active.confirmedAt, lastUsedAt: active.lastUsedStep === null ? null : active.lastUsedStep * TOTP_PERIOD_SECONDS * 1000 } : null,
    pendingTotp: pending ? { id: pending.id, createdAt: pending.createdAt } : null,
    recoveryCodesRemaining: remaining,
    lastSignInAt,
  };
}
