/**
 * Which policy governs a role at a scope: the one set at that scope, else at each ancestor up to
 * `/` (PRODUCT §3: most specific first). Every role has a policy at `/` from its creation.
 */
import { DomainError } from '../../domain/errors.ts';
import type { Policy, Repositories } from '../ports/repositories.ts';

/** Ancestors of a scope path, nearest first, ending at `/`. */
export function scopeAncestry(scopeId: string): string[] {
  const parts = scopeId.split('/').filter(Boolean);
  const chain: string[] = [];
  for (let n = parts.length; n > 0; n -= 2) chain.push(`/${parts.slice(0, n).join('/')}`);
  chain.push('/');
  return [...new Set(chain)];
}

export async function resolvePolicy(repos: Pick<Repositories, 'policies'>, tenantId: string, roleDefinitionId: string, scopeId: string): Promise<Policy> {
  for (const scope of scopeAncestry(scopeId)) {
    const policy = await repos.policies.forRoleAt(tenantId, roleDefinitionId, scope);
    if (policy) return policy;
  }
  throw new DomainError('Request_ResourceNotFound', `No role management policy exists for role ${roleDefinitionId}.`);
}
