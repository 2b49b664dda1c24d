/**
 * Rule-by-rule inheritance of role settings (docs/guide.md, "Policies (role settings)"): a policy
 * holds the rules it sets; each rule it does not set comes from the nearest policy above it that
 * does — the role's policy at each ancestor scope, then at `/` — and last from the tenant default,
 * which sets every rule.
 */
import { canonicalJson } from '../audit/chain.ts';
import { RULE_IDS, type PolicyRule, type PolicyRules, type RuleId } from './rules.ts';

/** The rules a policy sets itself (absent: inherited). */
export type OwnRules = Partial<Record<RuleId, PolicyRule>>;

/** Where an inherited rule comes from. */
export interface RuleSource {
  readonly policyId: string;
  readonly scopeId: string;
  readonly isOrganizationDefault: boolean;
}

export interface InheritedRules {
  readonly rules: PolicyRules;
  /** Only the rules this policy does not set itself. */
  readonly inheritedFrom: Partial<Record<RuleId, RuleSource>>;
}

/**
 * The rules in force for the first policy of `chain` (nearest first, the tenant default last).
 * @example inheritRules([{ source: roleAtRoot, rules: { Expiration_EndUser_Assignment: pt2h } }, { source: tenantDefault, rules: all }])
 *   → rules: pt2h and the default's 16 others; inheritedFrom: the 16, each naming the tenant default
 */
export function inheritRules(chain: readonly { readonly source: RuleSource; readonly rules: OwnRules }[]): InheritedRules {
  const rules: Partial<Record<RuleId, PolicyRule>> = {};
  const inheritedFrom: Partial<Record<RuleId, RuleSource>> = {};
  for (const id of RULE_IDS) {
    const at = chain.findIndex((link) => link.rules[id] !== undefined);
    // The tenant default sets every rule (app/policies/organization-default.ts); nothing else can leave one unset.
    if (at < 0) throw new Error(`policy rule ${id} is set nowhere in the chain of ${chain[0]?.source.policyId ?? 'an empty chain'}`);
    rules[id] = chain[at]!.rules[id];
    if (at > 0) inheritedFrom[id] = chain[at]!.source;
  }
  return { rules: rules as PolicyRules, inheritedFrom };
}

/** The same rule, whatever order its fields were written in. */
export const sameRule = (a: PolicyRule, b: PolicyRule): boolean => canonicalJson(a) === canonicalJson(b);
