/**
 * Sign-in and credentials: the server's signing keys, passwords and lockout, TOTP and recovery
 * codes, client secrets and certificates, WebAuthn, SCIM tokens, break-glass uses, sessions and OIDC federation.
 * Column conventions and the `Database` that names every table: ../schema.ts.
 */
export interface SigningKeysTable {
  kid: string;
  private_jwk: string;
  public_jwk: string;
  created_at: number;
}

/** A user's password as a PHC string (argon2id with its parameters). */
export interface PasswordCredentialsTable {
  tenant_id: string;
  principal_id: string;
  hash: string;
  set_at: number;
  set_by: string;
}

/** Lockout back-off and the last successful sign-in. */
export interface SignInStatesTable {
  tenant_id: string;
  principal_id: string;
  failures: number;
  lockouts: number;
  locked_until: number | null;
  last_failure_at: number | null;
  last_sign_in_at: number | null;
}

export interface TotpFactorsTable {
  tenant_id: string;
  id: string;
  principal_id: string;
  secret: string;
  /** 0 while waiting for the first code; a unique index allows one of each per principal. */
  active: number;
  created_at: number;
  confirmed_at: number | null;
  last_used_step: number | null;
}

export interface RecoveryCodesTable {
  tenant_id: string;
  principal_id: string;
  code_hash: string;
  created_at: number;
  used_at: number | null;
}

export interface ClientSecretsTable {
  tenant_id: string;
  key_id: string;
  principal_id: string;
  display_name: string | null;
  hint: string;
  secret_hash: string;
  start_at: number;
  end_at: number;
  created_at: number;
}

export interface ClientKeysTable {
  tenant_id: string;
  key_id: string;
  principal_id: string;
  display_name: string | null;
  key_kind: string;
  thumbprint: string;
  thumbprint_sha256: string;
  certificate: string;
  start_at: number;
  end_at: number;
  created_at: number;
}

export interface ClientAssertionUsesTable {
  tenant_id: string;
  principal_id: string;
  jti: string;
  expires_at: number;
}

export interface WebAuthnCredentialsTable {
  tenant_id: string;
  id: string;
  principal_id: string;
  public_key: string;
  counter: number;
  /** JSON array. */
  transports: string;
  hardware: number;
  attachment: string | null;
  aaguid: string;
  backed_up: number;
  display_name: string;
  created_at: number;
  last_used_at: number | null;
}

export interface WebAuthnChallengesTable {
  tenant_id: string;
  challenge: string;
  principal_id: string;
  purpose: string;
  created_at: number;
  expires_at: number;
}

export interface ScimTokensTable {
  tenant_id: string;
  id: string;
  display_name: string;
  hint: string;
  token_hash: string;
  created_by: string;
  created_at: number;
  end_at: number;
  revoked_at: number | null;
}

/** Uses of break-glass accounts already recorded: one row per token or session (its key's digest). */
export interface BreakGlassUsesTable {
  tenant_id: string;
  use_key: string;
  principal_id: string;
  first_used_at: number;
}

/** Sign-in sessions (0009): browser cookies, CLI logins and sign-in tokens name one. */
export interface SessionsTable {
  tenant_id: string;
  id: string;
  principal_id: string;
  kind: string;
  method: string;
  secret_hash: string | null;
  /** JSON arrays. */
  amr: string;
  acrs: string;
  auth_time: number | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
  source_ip: string | null;
  code_hash: string | null;
  code_challenge: string | null;
  code_redirect_uri: string | null;
  code_expires_at: number | null;
}

/** OIDC federation (0010): provider accounts linked to principals. */
export interface FederatedIdentitiesTable {
  tenant_id: string;
  issuer: string;
  subject: string;
  principal_id: string;
  created_at: number;
  last_sign_in_at: number | null;
}

/** OIDC federation (0010): sign-ins sent to the provider, each usable once. */
export interface OidcFlowsTable {
  state_hash: string;
  tenant_id: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  created_at: number;
  expires_at: number;
}
