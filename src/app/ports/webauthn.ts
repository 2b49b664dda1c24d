/**
 * WebAuthn: stored credentials and challenges (part of Repositories, so a registration and its
 * audit event share one transaction), and the ceremonies — building options and verifying what an
 * authenticator signed — behind a port implemented with `@simplewebauthn/server` (src/server).
 */
import type { Instant } from '../../domain/time.ts';

export interface WebAuthnCredential {
  readonly tenantId: string;
  /** The credential id, base64url. */
  readonly id: string;
  readonly principalId: string;
  /** COSE public key, base64url. */
  readonly publicKey: string;
  /** The signature counter last seen (0 for authenticators that do not count). */
  readonly counter: number;
  readonly transports: readonly string[];
  /** Device-bound (not synced): counts as a hardware key (`hwk`); a synced passkey is `swk`. */
  readonly hardware: boolean;
  /** `platform` or `cross-platform`, when the client said. */
  readonly attachment: string | null;
  readonly aaguid: string;
  readonly backedUp: boolean;
  readonly displayName: string;
  readonly createdAt: Instant;
  readonly lastUsedAt: Instant | null;
}

export type WebAuthnPurpose = 'registration' | 'authentication';

export interface WebAuthnChallenge {
  readonly tenantId: string;
  readonly challenge: string;
  readonly principalId: string;
  readonly purpose: WebAuthnPurpose;
  readonly createdAt: Instant;
  readonly expiresAt: Instant;
}

export interface WebAuthnRepository {
  list(tenantId: string, principalId: string): Promise<WebAuthnCredential[]>;
  get(tenantId: string, credentialId: string): Promise<WebAuthnCredential | null>;
  /** False when a credential with this id exists already. */
  insert(credential: WebAuthnCredential): Promise<boolean>;
  /**
   * Records a verified assertion: the new counter, only if it is above the stored one (or both are
   * 0, for authenticators that do not count). False means a regression or a concurrent use — the
   * database decides, so two requests with one assertion cannot both pass.
   */
  use(tenantId: string, credentialId: string, counter: number, at: Instant): Promise<boolean>;
  remove(tenantId: string, principalId: string, credentialId: string): Promise<boolean>;
  putChallenge(challenge: WebAuthnChallenge): Promise<void>;
  /**
   * Takes a challenge out, once: the stored one if it is for this principal and purpose and has
   * not expired at `now`, else null. Expired challenges are dropped on the way.
   */
  takeChallenge(tenantId: string, challenge: string, principalId: string, purpose: WebAuthnPurpose, now: Instant): Promise<WebAuthnChallenge | null>;
}

/** The relying party: who credentials are made for, and where the browser may be when it signs. */
export interface RelyingParty {
  /** The registrable domain credentials are scoped to (e.g. `pim.example.com`). */
  readonly id: string;
  readonly name: string;
  /** Origins the browser may report in clientDataJSON (e.g. `https://pim.example.com`). */
  readonly origins: readonly string[];
}

export interface RegistrationVerified {
  readonly credentialId: string;
  readonly publicKey: string;
  readonly counter: number;
  readonly transports: readonly string[];
  readonly aaguid: string;
  readonly deviceBound: boolean;
  readonly backedUp: boolean;
  readonly attestationFormat: string;
}

export interface AssertionVerified {
  readonly newCounter: number;
  readonly userVerified: boolean;
}

/** Options and signature checks; throws nothing for bad input, answers null instead. */
export interface WebAuthnCeremonies {
  registrationOptions(
    rp: RelyingParty,
    input: {
      challenge: Uint8Array;
      userId: string;
      userName: string;
      displayName: string;
      exclude: readonly WebAuthnCredential[];
    },
  ): Promise<Record<string, unknown> & { challenge: string }>;
  verifyRegistration(rp: RelyingParty, response: unknown, expectedChallenge: string): Promise<RegistrationVerified | null>;
  authenticationOptions(
    rp: RelyingParty,
    input: { challenge: Uint8Array; allow: readonly WebAuthnCredential[] },
  ): Promise<Record<string, unknown> & { challenge: string }>;
  verifyAssertion(rp: RelyingParty, response: unknown, expectedChallenge: string, credential: WebAuthnCredential): Promise<AssertionVerified | null>;
}
