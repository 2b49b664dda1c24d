/**
 * Sign-in through the organisation's OpenID provider (docs/decisions/0012): what OpenPIM records
 * of the provider's word about how the user authenticated, and which of its claims may match or
 * create an account. Pure: the provider's claims and `now` in, decisions out.
 */
import { createHash } from 'node:crypto';
import { MINUTE, type Instant } from '../time.ts';

/** What a verified ID token (and, optionally, userinfo) says about the user. */
export interface FederatedClaims {
  /** The provider's issuer identifier (`iss`). */
  readonly issuer: string;
  /** The user's stable id at the provider (`sub`). */
  readonly subject: string;
  readonly email: string | null;
  /** Only a verified email may match or name an account. */
  readonly emailVerified: boolean;
  readonly name: string | null;
  readonly preferredUsername: string | null;
  /** RFC 8176 methods as the provider reports them (`pwd`, `mfa`, `otp`, `hwk`, …). */
  readonly amr: readonly string[];
  readonly acr: string | null;
  /** When the user authenticated at the provider (epoch ms), if it says. */
  readonly authTime: Instant | null;
}

/** How far the operator trusts the provider's account of the authentication. */
export interface FederationTrust {
  /** Take the provider's `mfa` (or an `acr` below) as MFA; otherwise users step up locally. */
  readonly trustAmr: boolean;
  /** `acr` values that mean the provider did MFA (e.g. a REFEDS MFA profile URI). */
  readonly mfaAcrValues: readonly string[];
}

/** What the sign-in records: the methods the session carries and when the user authenticated. */
export interface FederatedAuthentication {
  /** Always starts with `fed`; `mfa` (and the provider's other methods) only when trusted. */
  readonly amr: readonly string[];
  readonly authTime: Instant;
  readonly mfa: boolean;
}

/** A provider clock this far ahead of ours is tolerated (its auth_time then counts as now). */
export const AUTH_TIME_SKEW = 5 * MINUTE;
/** How long a started sign-in waits for the provider's answer. */
export const FEDERATION_FLOW_TTL = 10 * MINUTE;

const AMR_VALUE = /^[a-z][a-z0-9_-]{0,31}$/i;

/**
 * The provider's authentication, as OpenPIM records it.
 *
 * - Not trusted (`trustAmr` off): `["fed"]`, auth_time now: policies that need MFA ask for a local
 *   step-up (TOTP or WebAuthn).
 * - Trusted: MFA when the provider says `mfa` or an `acr` in `mfaAcrValues` — and says when
 *   (`auth_time`): without it the age of that MFA is unknown, so it does not count. The provider's
 *   methods are kept (`hwk`, `otp`, …) after `fed`.
 * - auth_time is never in the future: a little ahead (clock skew) counts as now; far ahead counts as
 *   absent (no MFA).
 *
 * @example
 *   federatedAuthentication({ trustAmr: true, mfaAcrValues: [] }, { ...claims, amr: ['pwd', 'mfa'], authTime: t }, now)
 *   // → { amr: ['fed', 'pwd', 'mfa'], authTime: t, mfa: true }
 */
export function federatedAuthentication(
  trust: FederationTrust,
  claims: Pick<FederatedClaims, 'amr' | 'acr' | 'authTime'>,
  now: Instant,
): FederatedAuthentication {
  const said = claims.authTime;
  const authTime = said === null || said > now + AUTH_TIME_SKEW ? null : Math.min(said, now);
  const saysMfa = claims.amr.includes('mfa') || (claims.acr !== null && trust.mfaAcrValues.includes(claims.acr));
  if (!trust.trustAmr || !saysMfa || authTime === null) return { amr: ['fed'], authTime: authTime ?? now, mfa: false };
  const methods = claims.amr.filter((m) => AMR_VALUE.test(m) && m !== 'fed');
  const amr = [...new Set(['fed', ...methods, 'mfa'])];
  return { amr, authTime, mfa: true };
}

/** The verified email, lower-cased, that may match an account; null when absent or unverified. */
export function matchableEmail(claims: Pick<FederatedClaims, 'email' | 'emailVerified'>): string | null {
  if (!claims.email || !claims.emailVerified) return null;
  const email = claims.email.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(email) && email.length <= 256 ? email : null;
}

/** What a user created just in time is called; null when the claims name no usable user principal name. */
export function jitAttributes(claims: FederatedClaims): { userPrincipalName: string; displayName: string; mail: string | null } | null {
  const email = matchableEmail(claims);
  const username = claims.preferredUsername?.trim().toLowerCase() ?? null;
  const upn = email ?? (username && /^[^\s@]+@[^\s@]+$/.test(username) && username.length <= 113 ? username : null);
  if (!upn) return null;
  const displayName = (claims.name?.trim() || claims.preferredUsername?.trim() || upn).slice(0, 256);
  return { userPrincipalName: upn, displayName, mail: email };
}

/** Stored instead of a pending sign-in's `state`, so a copy of the database cannot answer for a browser. */
export const hashFlowState = (state: string): string => createHash('sha256').update(`openpim-oidc-state:${state}`).digest('hex');

/** A path on this server to return to after sign-in: relative, never `//host` or `/\host` (no open redirect). */
export function safeReturnPath(value: string | undefined | null): string | null {
  if (value === undefined || value === null || value === '') return '/';
  if (value.length > 2048 || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null;
  // Browsers treat backslashes as slashes and drop tabs and newlines; anything but printable ASCII
  // (percent-encoded as a browser sends it) is refused, so the Location header is always valid.
  if (value.includes('\\') || !/^[\x21-\x7e]+$/.test(value)) return null;
  return value;
}
