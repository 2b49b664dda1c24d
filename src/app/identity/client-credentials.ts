/**
 * The OAuth 2.0 `client_credentials` grant (RFC 6749 §4.4) for service principals: the client id
 * is the service principal's id, the secret one made by add-client-secret.ts and not expired. The
 * token carries no `amr` and no `auth_time`: a machine never satisfies an MFA rule.
 *
 * Secrets are 256 random bits, so guessing is hopeless and there is no lockout (which would only
 * let anyone switch a service off); the HTTP layer rate-limits the endpoint.
 */
import { DomainError } from '../../domain/errors.ts';
import { clientSecretMatches } from '../../domain/identity/client-secrets.ts';
import type { Clock } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { invalidCredentials } from './attempts.ts';
import { issueToken, type IssuedToken, type TokenDeps } from './issue-token.ts';

export interface ClientCredentialsInput {
  /** Default: the deployment's first tenant. */
  readonly tenantId: string | null;
  readonly clientId: string;
  readonly clientSecret: string;
}

export async function clientCredentials(
  deps: TokenDeps & { uow: UnitOfWork<'tenants' | 'principals' | 'clientSecrets'>; clock: Clock },
  input: ClientCredentialsInput,
): Promise<IssuedToken> {
  const read = deps.uow.read;
  const now = deps.clock.now();
  const tenantId = input.tenantId ?? (await read.tenants.first())?.id ?? null;
  const sp = tenantId ? await read.principals.get(tenantId, input.clientId) : null;
  if (!sp || sp.type !== 'servicePrincipal') throw invalidCredentials('Client authentication failed: unknown client or wrong secret.');
  const secrets = await read.clientSecrets.list(sp.tenantId, sp.id);
  const match = secrets.find((s) => clientSecretMatches(s.secretHash, input.clientSecret));
  if (!match || match.startAt > now || match.endAt <= now) {
    throw invalidCredentials(match ? 'Client authentication failed: the secret has expired.' : 'Client authentication failed: unknown client or wrong secret.');
  }
  if (!sp.accountEnabled) throw new DomainError('Authorization_RequestDenied', 'The service principal is disabled.');
  return issueToken(deps, { tenantId: sp.tenantId, principalId: sp.id, amr: [], authTime: null, acrs: [] });
}
