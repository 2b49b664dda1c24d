/**
 * Reset one rule of a policy to inherit it (DELETE /v1.0/policies/roleManagementPolicies/{id}/rules/{ruleId},
 * an OpenPIM extension): the policy stops setting it, and the rule in force becomes the one of the
 * nearest policy above that sets it, or the tenant default's (resolve-policy.ts). The tenant default
 * sets every rule and inherits none. Resetting a rule that is inherited already changes nothing.
 */
import { DomainError } from '../../domain/errors.ts';
import type { PolicyRule, RuleId } from '../../domain/policy/rules.ts';
import type { Caller } from '../caller.ts';
import type { Clock } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { effectivePolicy } from './resolve-policy.ts';
import { loadPolicyToChange, recordRuleChange, type PolicyRepositories } from './update-policy-rule.ts';

/** The rule in force once inherited, and whether anything changed. */
export async function inheritPolicyRule(
  deps: { uow: UnitOfWork<PolicyRepositories>; clock: Clock },
  caller: Caller,
  policyId: string,
  ruleId: RuleId,
): Promise<{ rule: PolicyRule; changed: boolean }> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const { policy, role } = await loadPolicyToChange(tx, caller, policyId, now);
    if (policy.isOrganizationDefault) {
      throw new DomainError('Request_BadRequest', `The tenant default sets every rule and inherits none; change '${ruleId}' with PATCH instead.`);
    }
    if (policy.inheritedFrom[ruleId]) return { rule: policy.rules[ruleId], changed: false };
    await tx.policies.inheritRule(caller.tenantId, policy.id, ruleId, { id: caller.principal.id, displayName: caller.principal.displayName }, now);
    const after = await effectivePolicy(tx, (await tx.policies.get(caller.tenantId, policy.id))!);
    const rule = after.rules[ruleId];
    await recordRuleChange(tx, caller, now, {
      policy,
      role,
      ruleId,
      before: policy.rules[ruleId],
      after: rule,
      inheritedFrom: after.inheritedFrom[ruleId]!.policyId,
    });
    return { rule, changed: true };
  });
}
