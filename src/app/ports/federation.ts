/**
 * Federation with the organisation's OpenID provider (docs/decisions/0012): the provider itself
 * (authorization code + PKCE, implemented with openid-client in adapters/oidc-federation.ts), the
 * links between its users and OpenPIM principals, and sign-ins waiting for the provider's answer.
 */
import type { FederatedClaims } from '../../domain/identity/federation.ts';
import type { Instant } from '../../domain/time.ts';

/** The secrets of one sign-in, made by OpenPIM and checked against the provider's answer. */
export interface FlowSecrets {
  readonly state: string;
  readonly nonce: string;
  /** PKCE (S256) code verifier. */
  readonly codeVerifier: string;
}

export interface IdentityProvider {
  /** Where to send the browser: the provider's authorization endpoint with these secrets (the challenge, not the verifier). */
  authorizationUrl(secrets: FlowSecrets): Promise<string>;
  /**
   * Redeems the code in the provider's answer (the callback's query string): state, nonce, PKCE,
   * the ID token's signature, issuer, audience and lifetime are checked. Throws
   * DomainError('InvalidCredentials') when the answer does not verify.
   */
  exchange(callbackQuery: string, expected: FlowSecrets): Promise<FederatedClaims>;
}

/** A provider account linked to a principal. */
export interface FederatedIdentity {
  readonly tenantId: string;
  readonly issuer: string;
  readonly subject: string;
  readonly principalId: string;
  readonly createdAt: Instant;
  readonly lastSignInAt: Instant | null;
}

/** A sign-in sent to the provider and not yet back. */
export interface PendingFederatedSignIn {
  readonly tenantId: string;
  /** SHA-256 of the state (domain/identity/federation.ts hashFlowState). */
  readonly stateHash: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** A relative path on this server. */
  readonly returnTo: string;
  readonly createdAt: Instant;
  readonly expiresAt: Instant;
}

export interface FederationRepository {
  /** The link of a provider account (issuer, subject), if any. */
  find(tenantId: string, issuer: string, subject: string): Promise<FederatedIdentity | null>;
  /** The links of a principal (any provider). */
  linksOf(tenantId: string, principalId: string): Promise<FederatedIdentity[]>;
  /** Conflict when the provider account is linked already: ObjectConflict. */
  link(identity: FederatedIdentity): Promise<void>;
  recordSignIn(tenantId: string, issuer: string, subject: string, at: Instant): Promise<void>;
  /** Users (not groups or service principals) whose userPrincipalName or mail is this address, case-insensitively. */
  usersByEmail(tenantId: string, email: string): Promise<string[]>;
  putFlow(flow: PendingFederatedSignIn): Promise<void>;
  /** The pending sign-in with this state hash, unless it expired; a read that removes nothing (takeFlow decides). */
  findFlow(stateHash: string, now: Instant): Promise<PendingFederatedSignIn | null>;
  /**
   * Removes and returns the pending sign-in with this state hash, unless it expired: each works
   * once, on any node (a conditional DELETE decides). Expired ones are dropped on the way.
   */
  takeFlow(stateHash: string, now: Instant): Promise<PendingFederatedSignIn | null>;
}
