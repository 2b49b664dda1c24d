import type { Instant } from '../../domain/time.ts';

/** What a verified bearer token says. */
export interface TokenClaims {
  readonly tenantId: string;
  readonly principalId: string;
  /** Authentication methods (RFC 8176): `pwd`, `mfa`, `hwk`, … */
  readonly amr: readonly string[];
  readonly authTime: Instant | null;
  /** Authentication context class references satisfied (`acrs`). */
  readonly acrs: readonly string[];
  /** The sign-in session the token was issued from (`sid`): signing out or revoking it stops the token. */
  readonly sessionId?: string | null;
}

/** What verification adds: the token's own id (`jti`), when it has one. */
export interface VerifiedClaims extends TokenClaims {
  readonly sessionId: string | null;
  readonly tokenId: string | null;
}

/** Verifies bearer tokens; throws DomainError('InvalidAuthenticationToken') when one is not valid. */
export interface TokenVerifier {
  verify(token: string): Promise<VerifiedClaims>;
}

export interface TokenIssuer {
  issue(claims: TokenClaims, ttlMs: number): Promise<string>;
}

export interface SigningKey {
  readonly kid: string;
  readonly privateJwk: Record<string, unknown>;
  readonly publicJwk: Record<string, unknown>;
  readonly createdAt: Instant;
}

/** Where the server's token signing keys live (in its database, so every node and the CLI share them). */
export interface SigningKeyStore {
  all(): Promise<SigningKey[]>;
  /** Stores a key unless one with that kid exists. */
  insert(key: SigningKey): Promise<void>;
}
