/**
 * The `client_credentials` grant with a client assertion instead of a secret (RFC 7523 §2.2,
 * OIDC `private_key_jwt`): a JWT the service principal signed with the private key of one of its
 * certificates (add-client-key.ts). `iss` = `sub` = the client id, `aud` = the token endpoint,
 * `exp` at most 10 minutes ahead, `jti` used once. Every failure is the same `InvalidCredentials`
 * (RFC 6749 `invalid_client`): which check failed is not told.
 */
import { DomainError } from '../../domain/errors.ts';
import { ASSERTION_CLOCK_SKEW, ASSERTION_MAX_LIFETIME } from '../../domain/identity/client-keys.ts';
import type { ClientAssertionVerifier } from '../ports/client-assertions.ts';
import type { Clock } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { invalidCredentials } from './attempts.ts';
import { issueToken, type IssuedToken, type TokenDeps } from './issue-token.ts';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const ASSERTION_FAILED = 'Client authentication failed: the client assertion is not valid.';

export interface ClientAssertionInput {
  /** Default: the deployment's first tenant. */
  readonly tenantId: string | null;
  /** The form's `client_id`, if sent; else the assertion's (unverified) `iss` names the client. */
  readonly clientId: string | null;
  readonly assertion: string;
  /** Accepted `aud` values: the token endpoint's URLs. */
  readonly audiences: readonly string[];
}

/**
 * The client an assertion claims to come from (its `iss`), read without verifying anything: only
 * to find the keys to verify it with, and to count the attempt against that client's budget.
 */
export function claimedClient(assertion: string): string | null {
  const parts = assertion.split('.');
  if (parts.length !== 3 || parts[1]!.length > 8192) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    const iss = claims && typeof claims === 'object' ? (claims as { iss?: unknown }).iss : undefined;
    return typeof iss === 'string' && iss.length > 0 && iss.length <= 200 ? iss : null;
  } catch {
    return null;
  }
}

export async function clientAssertion(
  deps: TokenDeps & { uow: UnitOfWork<'tenants' | 'principals' | 'clientKeys'>; clock: Clock; assertions: ClientAssertionVerifier },
  input: ClientAssertionInput,
): Promise<IssuedToken> {
  const read = deps.uow.read;
  const now = deps.clock.now();
  const clientId = input.clientId ?? claimedClient(input.assertion);
  if (!clientId) throw invalidCredentials(ASSERTION_FAILED);
  const tenantId = input.tenantId ?? (await read.tenants.first())?.id ?? null;
  const sp = tenantId ? await read.principals.get(tenantId, clientId) : null;
  if (!sp || sp.type !== 'servicePrincipal') throw invalidCredentials(ASSERTION_FAILED);
  const keys = (await read.clientKeys.list(sp.tenantId, sp.id)).filter((k) => k.startAt <= now && now < k.endAt);
  const verified =
    keys.length === 0
      ? null
      : await deps.assertions.verify(input.assertion, keys, {
          clientId: sp.id,
          audiences: input.audiences,
          now,
          maxLifetime: ASSERTION_MAX_LIFETIME,
          clockSkew: ASSERTION_CLOCK_SKEW,
        });
  if (!verified) throw invalidCredentials(ASSERTION_FAILED);
  // Kept until the assertion could no longer pass the expiry check (skew included); the key decides a replay.
  const fresh = await deps.uow.run((tx) =>
    tx.clientKeys.useAssertion({ tenantId: sp.tenantId, principalId: sp.id, jti: verified.jti, expiresAt: verified.expiresAt + ASSERTION_CLOCK_SKEW }, now),
  );
  if (!fresh) throw invalidCredentials(ASSERTION_FAILED);
  if (!sp.accountEnabled) throw new DomainError('Authorization_RequestDenied', 'The service principal is disabled.');
  return issueToken(deps, { tenantId: sp.tenantId, principalId: sp.id, amr: [], authTime: null, acrs: [] });
}
