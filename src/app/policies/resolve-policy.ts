/**
 * Which policy governs a role at a scope: the one set at that scope, else at each ancestor up to
 * `/` (most specific first: docs/guide.md, "Policies (role settings)"), following registered parents
 * (scopes/ancestry.ts). Every role has a policy at `/` from its creation.
 */
import { DomainError } from '../../domain/errors.ts';
import type { Policy, ReadRepositories } from '../ports/repositories.ts';
import { scopeAncestors } from '../scopes/ancestry.ts';

export async function resolvePolicy(
  repos: ReadRepositories<'policies' | 'scopes'>,
  tenantId: string,
  roleDefinitionId: string,
  scopeId: string,
): Promise<Policy> {
  for (const scope of await scopeAncestors(repos, tenantId, scopeId)) {
    const policy = await repos.policies.forRoleAt(tenantId, roleDefinitionId, scope);
    if (policy) return policy;
  }
  throw new DomainError('Request_ResourceNotFound', `No role management policy exists for role ${roleDefinitionId}.`);
}
