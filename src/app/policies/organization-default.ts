/**
 * The tenant default role settings (docs/guide.md, "Policies (role settings)"): one policy per
 * tenant, with no role, that sets every rule; each role's policy inherits from it the rules it does
 * not set. A tenant gets it at creation; a database made before it existed gets it at the next start,
 * with the built-in defaults, and every rule that equals what its policy would now inherit is folded
 * into inheriting — so nothing in force changes, and later changes to the default reach those rules.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { SYSTEM_ACTOR } from '../../domain/audit/event.ts';
import { sameRule } from '../../domain/policy/inherit.ts';
import { defaultPolicyRules } from '../../domain/policy/defaults.ts';
import { RULE_IDS } from '../../domain/policy/rules.ts';
import type { Instant } from '../../domain/time.ts';
import { auditRecord } from '../audit/record.ts';
import type { Ids } from '../ports/clock.ts';
import type { PolicyRecord, ReadRepositories, Repositories } from '../ports/repositories.ts';
import { effectivePolicy } from './resolve-policy.ts';

const ALL = { orderBy: [{ field: 'id', direction: 'asc' as const }], top: 1_000_000, skip: 0, count: false } as const;

export function newOrganizationDefault(tenantId: string, uuid: string): PolicyRecord {
  return {
    tenantId,
    // Graph's shape for the tenant-wide policy: scopeId `/`, scopeType `Directory`.
    id: `Directory_${tenantId}_${uuid}`,
    scopeId: '/',
    scopeType: 'Directory',
    roleDefinitionId: null,
    displayName: 'Tenant default',
    description: 'The role settings every policy inherits for the rules it does not set itself.',
    isOrganizationDefault: true,
    lastModifiedBy: null,
    lastModifiedAt: null,
    rules: defaultPolicyRules(),
  };
}

/** Gives an existing tenant its default (once), folding the rules it makes redundant. */
export async function ensureOrganizationDefault(
  tx: Pick<Repositories, 'policies' | 'audit'> & ReadRepositories<'scopes'>,
  tenantId: string,
  ids: Ids,
  now: Instant,
): Promise<void> {
  if (await tx.policies.organizationDefault(tenantId)) return;
  const created = newOrganizationDefault(tenantId, ids.uuid());
  await tx.policies.insert(created);
  let folded = 0;
  const policies = (await tx.policies.list(tenantId, ALL)).items.filter((p) => !p.isOrganizationDefault);
  // Nearest to `/` first, so a narrower policy compares with what its parents hold after their own folding (the same values).
  policies.sort((a, b) => a.scopeId.split('/').length - b.scopeId.split('/').length);
  for (const policy of policies) {
    const inherited = await effectivePolicy(tx, { ...policy, rules: {} });
    for (const id of RULE_IDS) {
      const own = policy.rules[id];
      if (own && sameRule(own, inherited.rules[id]) && (await tx.policies.inheritRule(tenantId, policy.id, id, null, now))) folded++;
    }
  }
  await tx.audit.append(
    auditRecord(tenantId, SYSTEM_ACTOR, ids.uuid(), now, {
      activity: ACTIVITY.organizationDefaultAdded,
      category: 'Policy',
      operationType: 'Add',
      targets: [{ id: created.id, displayName: created.displayName, type: 'Policy' }],
      details: { Reason: 'Tenant default role settings added by an upgrade', RulesNowInherited: String(folded), Policies: String(policies.length) },
    }),
  );
}
