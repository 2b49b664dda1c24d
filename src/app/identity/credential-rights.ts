/**
 * Who may change whose credentials. Taking over an administrator through a helpdesk password reset
 * is the classic escalation, so a privileged target (privileged-account.ts) needs the rights of a
 * Privileged Authentication Administrator (users) or a Global Administrator (service principals,
 * enabling and disabling). Decided inside the transaction of the change, on current grants.
 */
import { DomainError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/model.ts';
import type { Instant } from '../../domain/time.ts';
import { can, PERMISSION, type Permission } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import { isPrivilegedAccount, type PrivilegedAccountReads } from './privileged-account.ts';

export type CredentialChange = 'password' | 'mfa' | 'account' | 'sessions' | 'clientSecret';

const RIGHTS: Readonly<Record<CredentialChange, { readonly ordinary: readonly Permission[]; readonly privileged: readonly Permission[] }>> = {
  password: {
    ordinary: [PERMISSION.passwordsUpdate, PERMISSION.authenticationMethodsUpdate],
    privileged: [PERMISSION.privilegedAuthenticationMethodsUpdate],
  },
  mfa: { ordinary: [PERMISSION.authenticationMethodsUpdate], privileged: [PERMISSION.privilegedAuthenticationMethodsUpdate] },
  account: { ordinary: [PERMISSION.usersUpdate], privileged: [PERMISSION.privilegedUsersUpdate] },
  // Ending someone's sessions is as strong as resetting their password: the same admins may.
  sessions: {
    ordinary: [PERMISSION.usersUpdate, PERMISSION.passwordsUpdate, PERMISSION.authenticationMethodsUpdate],
    privileged: [PERMISSION.privilegedUsersUpdate, PERMISSION.privilegedAuthenticationMethodsUpdate],
  },
  clientSecret: { ordinary: [PERMISSION.servicePrincipalCredentialsUpdate], privileged: [PERMISSION.privilegedServicePrincipalCredentialsUpdate] },
};

const denied = (required: Permission, why: string) =>
  new DomainError('Authorization_RequestDenied', `Insufficient privileges to complete the operation${why}.`, { required });

/** Cheap first check (before hashing anything): may the caller make this kind of change at all? */
export function authorizeCredentialChangeKind(caller: Caller, change: CredentialChange): void {
  const { ordinary, privileged } = RIGHTS[change];
  if (![...ordinary, ...privileged].some((p) => can(caller, p))) throw denied(ordinary[0]!, '');
}

/** Throws Authorization_RequestDenied unless the caller may change this target's credentials now. */
export async function authorizeCredentialChange(
  tx: PrivilegedAccountReads,
  caller: Caller,
  target: Principal,
  change: CredentialChange,
  now: Instant,
): Promise<void> {
  authorizeCredentialChangeKind(caller, change);
  const { ordinary, privileged } = RIGHTS[change];
  if (privileged.some((p) => can(caller, p))) return;
  if (await isPrivilegedAccount(tx, target.tenantId, target.id, now)) {
    throw denied(
      privileged[0]!,
      `: '${target.displayName}' is a privileged account (break-glass, or holds or may activate a privileged role), ` +
        'whose credentials only a Privileged Authentication Administrator or Global Administrator may change',
    );
  }
  if (!ordinary.some((p) => can(caller, p))) throw denied(ordinary[0]!, '');
}
