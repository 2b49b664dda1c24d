/** A user's authentication methods as the API writes them (OpenPIM's own shape; never a secret). */
import type { AuthenticationMethods, UserAuthenticationMethods } from '../../app/identity/authentication-methods.ts';
import { toIso } from '../../domain/time.ts';

const iso = (at: number | null) => (at === null ? null : toIso(at));

export const authenticationMethodsShape = (m: AuthenticationMethods) => ({
  passwordSetDateTime: iso(m.passwordSetAt),
  totp: m.totp ? { id: m.totp.id, confirmedDateTime: iso(m.totp.confirmedAt), lastUsedDateTime: iso(m.totp.lastUsedAt) } : null,
  pendingTotp: m.pendingTotp ? { id: m.pendingTotp.id, createdDateTime: iso(m.pendingTotp.createdAt) } : null,
  recoveryCodesRemaining: m.recoveryCodesRemaining,
  lastSignInDateTime: iso(m.lastSignInAt),
});

export const userAuthenticationMethodsShape = (m: UserAuthenticationMethods) => ({
  ...authenticationMethodsShape(m),
  securityKeys: m.securityKeys,
  isBreakGlass: m.isBreakGlass,
  isPrivileged: m.isPrivileged,
});
