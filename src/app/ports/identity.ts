/**
 * What sign-in and credential use cases need: password hashing, randomness for secrets, and the
 * storage of local accounts, TOTP factors, recovery codes and client secrets. Part of
 * Repositories, so a credential change and its audit event share one transaction.
 */
import type { ClientKeyKind } from '../../domain/identity/client-keys.ts';
import type { SignInState } from '../../domain/identity/lockout.ts';
import type { Instant } from '../../domain/time.ts';

/** Slow password hashing (argon2id), with its parameters inside the stored string. */
export interface PasswordHasher {
  /** A PHC-format string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`). */
  hash(password: string): Promise<string>;
  /** Whether `password` matches `stored`; false (never an error) for a malformed stored string. */
  verify(stored: string, password: string): Promise<boolean>;
  /** Whether `stored` was made with other parameters than the current ones (rehash on next sign-in). */
  needsRehash(stored: string): boolean;
}

/** Cryptographically random bytes: the only source of secrets, as Ids is of ids. */
export interface Random {
  bytes(length: number): Uint8Array;
}

/** A user's or service principal's sign-in side: password, lockout state, last sign-in, enabled flag. */
export interface AccountRepository {
  /** A user's stored password hash and when it was set, if one was. */
  password(tenantId: string, principalId: string): Promise<{ hash: string; setAt: Instant } | null>;
  /** Sets (or replaces) a user's password hash. */
  setPassword(tenantId: string, principalId: string, hash: string, at: Instant, setBy: string): Promise<void>;
  /** Replaces a hash by one of the same password with current parameters, unless the password changed meanwhile. */
  upgradeHash(tenantId: string, principalId: string, oldHash: string, newHash: string): Promise<void>;
  /** The lockout state (the clean state when none is stored). */
  signInState(tenantId: string, principalId: string): Promise<SignInState>;
  saveSignInState(tenantId: string, principalId: string, state: SignInState): Promise<void>;
  /** Records a successful sign-in: clears failures and notes the time. */
  recordSignIn(tenantId: string, principalId: string, at: Instant): Promise<void>;
  lastSignInAt(tenantId: string, principalId: string): Promise<Instant | null>;
  setAccountEnabled(tenantId: string, principalId: string, enabled: boolean): Promise<void>;
  /**
   * Whether any of these principals is break-glass, or holds or may activate a privileged role at
   * any scope at `at` (open grants not yet ended): changing such an account's credentials needs
   * more rights.
   */
  isPrivileged(tenantId: string, principalIds: readonly string[], at: Instant): Promise<boolean>;
}

export interface TotpFactor {
  readonly tenantId: string;
  readonly id: string;
  readonly principalId: string;
  /** Base32; needed in clear to compute codes. */
  readonly secret: string;
  /** false while the enrollment waits for its first code. */
  readonly active: boolean;
  readonly createdAt: Instant;
  readonly confirmedAt: Instant | null;
  /** The last time step a code was accepted for (replay guard). */
  readonly lastUsedStep: number | null;
}

export interface TotpRepository {
  /** The active factor, or the one waiting for confirmation. */
  get(tenantId: string, principalId: string, active: boolean): Promise<TotpFactor | null>;
  /** Replaces any pending enrollment with this one. */
  putPending(factor: TotpFactor): Promise<void>;
  /** Makes the pending factor the active one (dropping the previous active one). */
  activate(tenantId: string, factorId: string, at: Instant): Promise<void>;
  /**
   * Records that a code for `step` was accepted, only if no code for this or a later step was:
   * false means a replay (the database decides, so two requests with one code cannot both pass).
   */
  useStep(tenantId: string, factorId: string, step: number): Promise<boolean>;
  /** Removes a principal's factors (active and pending) and recovery codes; whether there was an active one. */
  remove(tenantId: string, principalId: string): Promise<boolean>;
  /** Replaces a principal's recovery codes with these hashes. */
  replaceRecoveryCodes(tenantId: string, principalId: string, hashes: readonly string[], at: Instant): Promise<void>;
  /** Marks an unused code used; false when there is no such unused code (the database decides). */
  useRecoveryCode(tenantId: string, principalId: string, hash: string, at: Instant): Promise<boolean>;
  remainingRecoveryCodes(tenantId: string, principalId: string): Promise<number>;
}

export interface ClientSecret {
  readonly tenantId: string;
  readonly keyId: string;
  readonly principalId: string;
  readonly displayName: string | null;
  readonly hint: string;
  readonly secretHash: string;
  readonly startAt: Instant;
  readonly endAt: Instant;
  readonly createdAt: Instant;
}

export interface ClientSecretRepository {
  list(tenantId: string, principalId: string): Promise<ClientSecret[]>;
  insert(secret: ClientSecret): Promise<void>;
  /** Whether there was such a secret. */
  remove(tenantId: string, principalId: string, keyId: string): Promise<boolean>;
}

/** A service principal's certificate (Graph's keyCredential): public material only. */
export interface ClientKey {
  readonly tenantId: string;
  readonly keyId: string;
  readonly principalId: string;
  readonly displayName: string | null;
  readonly kind: ClientKeyKind;
  /** SHA-1 of the DER, upper-case hex. */
  readonly thumbprint: string;
  /** SHA-256 of the DER, base64url. */
  readonly thumbprintSha256: string;
  /** Base64 DER. */
  readonly certificate: string;
  readonly startAt: Instant;
  readonly endAt: Instant;
  readonly createdAt: Instant;
}

export interface ClientKeyRepository {
  list(tenantId: string, principalId: string): Promise<ClientKey[]>;
  insert(key: ClientKey): Promise<void>;
  /** Whether there was such a key. */
  remove(tenantId: string, principalId: string, keyId: string): Promise<boolean>;
  /**
   * Records that an assertion id was used, unless it was (by this node or another): false means a
   * replay — the primary key decides. Forgets ids that expired before `now`.
   */
  useAssertion(use: { tenantId: string; principalId: string; jti: string; expiresAt: Instant }, now: Instant): Promise<boolean>;
}
