/**
 * Sign-in sessions (part of Repositories, so a sign-in and its session share one transaction).
 * Secrets and one-time codes are kept as digests; "use once" is a conditional update the
 * database decides.
 */
import type { Instant } from '../../domain/time.ts';

export type SessionKind = 'browser' | 'cli' | 'api';

export interface Session {
  readonly tenantId: string;
  readonly id: string;
  readonly principalId: string;
  readonly kind: SessionKind;
  /** How the user signed in: `password`, `oidc`, or `session` (a CLI login handed over from a browser session). */
  readonly method: string;
  /** SHA-256 of the cookie secret (browser sessions only). */
  readonly secretHash: string | null;
  readonly amr: readonly string[];
  readonly acrs: readonly string[];
  readonly authTime: Instant | null;
  readonly createdAt: Instant;
  readonly lastSeenAt: Instant;
  /** The absolute end: no activity extends it. */
  readonly expiresAt: Instant;
  readonly revokedAt: Instant | null;
  readonly revokedReason: string | null;
  readonly sourceIp: string | null;
}

/** A one-time authorization code waiting for the CLI to redeem it (RFC 6749 §4.1 with PKCE). */
export interface PendingCode {
  readonly codeHash: string;
  /** PKCE S256 challenge. */
  readonly challenge: string;
  readonly redirectUri: string;
  readonly expiresAt: Instant;
}

export interface SessionRepository {
  insert(session: Session, code?: PendingCode): Promise<void>;
  get(tenantId: string, id: string): Promise<Session | null>;
  bySecretHash(secretHash: string): Promise<Session | null>;
  /**
   * Takes the session waiting with this code, once: the code is cleared as it is read, so a second
   * redemption finds nothing. Null when unknown, used, or expired at `now`.
   */
  redeemCode(codeHash: string, now: Instant): Promise<(Session & { readonly code: PendingCode }) | null>;
  touch(tenantId: string, id: string, at: Instant): Promise<void>;
  /** Records a step-up: the session now carries these methods and contexts from `authTime`. */
  updateAuthentication(tenantId: string, id: string, amr: readonly string[], acrs: readonly string[], authTime: Instant): Promise<void>;
  /** Whether it was open (false: unknown or already revoked). */
  revoke(tenantId: string, id: string, at: Instant, reason: string): Promise<boolean>;
  /** Revokes every open session of a principal; returns how many. */
  revokeAllOf(tenantId: string, principalId: string, at: Instant, reason: string): Promise<number>;
  /** The principal's sessions that are neither revoked nor past their absolute end, newest first. */
  openOf(tenantId: string, principalId: string, now: Instant): Promise<Session[]>;
}
