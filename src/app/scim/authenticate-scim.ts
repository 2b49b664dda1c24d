/**
 * Checks a /scim/v2 bearer token: a token of some tenant, not revoked, not expired. The lookup is
 * by hash (unique), so a wrong token finds nothing and costs one indexed read.
 */
import { DomainError } from '../../domain/errors.ts';
import { clientSecretMatches, hashClientSecret } from '../../domain/identity/client-secrets.ts';
import type { Clock } from '../ports/clock.ts';
import type { ScimToken } from '../ports/provisioning.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import type { ScimClient } from './scim-client.ts';

export async function authenticateScim(
  deps: { uow: UnitOfWork<'provisioning'>; clock: Clock },
  bearer: string | null,
  correlationId: string,
): Promise<ScimClient> {
  const invalid = () => new DomainError('InvalidAuthenticationToken', 'The SCIM bearer token is missing, unknown, revoked or expired.');
  if (!bearer || bearer.length > 200) throw invalid();
  const token: ScimToken | null = await deps.uow.read.provisioning.tokenByHash(hashClientSecret(bearer));
  const now = deps.clock.now();
  if (!token || !clientSecretMatches(token.tokenHash, bearer) || token.revokedAt !== null || token.endAt <= now) throw invalid();
  return { tenantId: token.tenantId, tokenId: token.id, tokenName: token.displayName, correlationId };
}
