/**
 * What makes an account privileged (docs/decisions/0014): it is break-glass, or it holds or is
 * eligible for a privileged role — at any scope, now or in the future — directly or through any
 * group it is or may become a member of (static, active or eligible PIM for Groups membership or
 * ownership, nested). Taking over such an account is taking over an administrator, so changing
 * its credentials needs privileged rights and it is never linked to an identity provider by email.
 */
import type { Instant } from '../../domain/time.ts';
import type { AccountRepository } from '../ports/identity.ts';
import type { PrincipalRepository } from '../ports/repositories.ts';

export interface PrivilegedAccountReads {
  readonly principals: Pick<PrincipalRepository, 'reachableGroups'>;
  readonly accounts: Pick<AccountRepository, 'isPrivileged'>;
}

/** Decided on the grants open at `now` (not yet ended), inside the caller's transaction. */
export async function isPrivilegedAccount(tx: PrivilegedAccountReads, tenantId: string, principalId: string, now: Instant): Promise<boolean> {
  const groups = await tx.principals.reachableGroups(tenantId, principalId, now);
  return tx.accounts.isPrivileged(tenantId, [principalId, ...groups], now);
}
