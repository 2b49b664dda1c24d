/**
 * The rules in force for a role at a scope (docs/guide.md, "Policies (role settings)"): the policy
 * set nearest to it — at that scope, else at each ancestor up to `/`, following registered parents
 * (scopes/ancestry.ts) — with each rule it does not set inherited from the next policy up that sets
 * it, and last from the tenant default (domain/policy/inherit.ts).
 */
import { DomainError } from '../../domain/errors.ts';
import { inheritRules, type RuleSource } from '../../domain/policy/inherit.ts';
import type { Policy, PolicyRecord, ReadRepositories } from '../ports/repositories.ts';
import { scopeAncestors } from '../scopes/ancestry.ts';

type PolicyReads = ReadRepositories<'policies' | 'scopes'>;

export async function resolvePolicy(repos: PolicyReads, tenantId: string, roleDefinitionId: string, scopeId: string): Promise<Policy> {
  const lookup = (scope: string) => repos.policies.forRoleAt(tenantId, roleDefinitionId, scope);
  const chain = await setAt(await scopeAncestors(repos, tenantId, scopeId), lookup);
  if (chain.length === 0) throw new DomainError('Request_ResourceNotFound', `No role management policy exists for role ${roleDefinitionId}.`);
  return inEffect(chain, await organizationDefault(repos, tenantId));
}

/** A stored policy with the rules in force for it. */
export async function effectivePolicy(repos: PolicyReads, record: PolicyRecord): Promise<Policy> {
  return (await effectivePolicies(repos, [record]))[0]!;
}

/**
 * Many stored policies with their rules in force. The tenant default is read once, and each role's
 * policy at a scope above once however many policies below it share it (every group's two share
 * the defaults for groups at `/`).
 */
export async function effectivePolicies(repos: PolicyReads, records: readonly PolicyRecord[]): Promise<Policy[]> {
  if (records.length === 0) return [];
  const fallback = await organizationDefault(repos, records[0]!.tenantId);
  const above = new Map<string, Promise<PolicyRecord | null>>();
  const result: Policy[] = [];
  for (const record of records) {
    const roleId = record.roleDefinitionId;
    if (roleId === null) {
      result.push(inEffect([record], fallback));
      continue;
    }
    const lookup = (scope: string) => {
      const key = `${roleId}\n${scope}`;
      if (!above.has(key)) above.set(key, repos.policies.forRoleAt(record.tenantId, roleId, scope));
      return above.get(key)!;
    };
    // The role's policies above this one's scope (none above `/`: a policy there inherits from the tenant default only).
    const ancestors = (await scopeAncestors(repos, record.tenantId, record.scopeId)).slice(1);
    result.push(inEffect([record, ...(await setAt(ancestors, lookup))], fallback));
  }
  return result;
}

/** The policies found at these scopes, in their order (nearest first). */
async function setAt(scopes: readonly string[], lookup: (scope: string) => Promise<PolicyRecord | null>): Promise<PolicyRecord[]> {
  const found: PolicyRecord[] = [];
  for (const scope of scopes) {
    const policy = await lookup(scope);
    if (policy) found.push(policy);
  }
  return found;
}

async function organizationDefault(repos: PolicyReads, tenantId: string): Promise<PolicyRecord> {
  const found = await repos.policies.organizationDefault(tenantId);
  if (!found) throw new Error(`tenant ${tenantId} has no default role settings (app/policies/organization-default.ts creates them)`);
  return found;
}

const sourceOf = (p: PolicyRecord): RuleSource => ({ policyId: p.id, scopeId: p.scopeId, isOrganizationDefault: p.isOrganizationDefault });

function inEffect(chain: readonly PolicyRecord[], fallback: PolicyRecord): Policy {
  const links = [...chain, ...(chain.some((p) => p.id === fallback.id) ? [] : [fallback])];
  const { rules, inheritedFrom } = inheritRules(links.map((p) => ({ source: sourceOf(p), rules: p.rules })));
  return { ...chain[0]!, rules, inheritedFrom };
}
