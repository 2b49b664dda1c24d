/**
 * Verifies a client assertion (RFC 7523 §2.2, OIDC `private_key_jwt`): a JWT a service principal
 * signed with the private key of one of its certificates. Behind a port so the app layer stays
 * free of the JWT library; the adapter is src/adapters/jose-client-assertions.ts.
 */
import type { Instant } from '../../domain/time.ts';
import type { ClientKey } from './identity.ts';

export interface AssertionRules {
  /** The client: the assertion's `iss` and `sub` must both be this. */
  readonly clientId: string;
  /** Accepted `aud` values (the token endpoint's URLs). */
  readonly audiences: readonly string[];
  readonly now: Instant;
  /** `exp` may be at most this far after now (ms). */
  readonly maxLifetime: number;
  /** Tolerated clock difference for `exp`, `nbf`, `iat` (ms). */
  readonly clockSkew: number;
}

export interface VerifiedAssertion {
  /** The key whose certificate verified the signature. */
  readonly keyId: string;
  readonly jti: string;
  readonly expiresAt: Instant;
}

export interface ClientAssertionVerifier {
  /**
   * The verified assertion, or null for any failure (a key the header does not name, an
   * algorithm the key may not use, a bad signature, a claim out of bounds): the caller answers
   * one `invalid_client` whatever the reason.
   */
  verify(assertion: string, keys: readonly ClientKey[], rules: AssertionRules): Promise<VerifiedAssertion | null>;
}
