/**
 * Change one rule of a role management policy (Graph: PATCH
 * /policies/roleManagementPolicies/{id}/rules/{ruleId}). The rule is validated as a whole; the old
 * and new values go into the audit event.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import type { PolicyRule, RuleId } from '../../domain/policy/rules.ts';
import { validateRule } from '../../domain/policy/validate-rule.ts';
import { actorOf, auditRecord } from '../audit/record.ts';
import { authorize, authorizeAny, PERMISSION } from '../authorization.ts';
import { grantTarget, managementPermissions } from '../grants/grant-target.ts';
import type { Instant } from '../../domain/time.ts';
import type { Caller } from '../caller.ts';
import type { Clock } from '../ports/clock.ts';
import type { Policy, ReadRepositories, UnitOfWork } from '../ports/repositories.ts';
import type { RoleDefinition } from '../../domain/model.ts';

/** What changing a policy touches: the policy, its role, and what authorizing and validating it read. */
export type PolicyRepositories = 'policies' | 'roles' | 'principals' | 'scopes' | 'audit' | 'feed';

export async function updatePolicyRule(
  deps: { uow: UnitOfWork<PolicyRepositories>; clock: Clock },
  caller: Caller,
  policyId: string,
  ruleId: RuleId,
  /** The new rule, already merged from the patch and shape-checked at the boundary. */
  change: (current: PolicyRule) => PolicyRule,
): Promise<PolicyRule> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const policy = await tx.policies.get(caller.tenantId, policyId);
    if (!policy) throw new DomainError('Request_ResourceNotFound', `Policy '${policyId}' does not exist.`);
    const role = await tx.roles.get(caller.tenantId, policy.roleDefinitionId);
    await authorizePolicyChange(tx, caller, policy, role, now);
    const current = policy.rules[ruleId];
    const next = change(current);
    if (next.id !== ruleId || next.kind !== current.kind) {
      throw new DomainError('Request_BadRequest', `Rule '${ruleId}' is a ${current.kind} rule; its id and type cannot change.`);
    }
    const problems = [
      ...validateRule(next, { approverRequired: role !== null && role.kind !== 'directory' }),
      ...(await unknownApprovers(tx, caller.tenantId, next)),
    ];
    if (problems.length > 0) throw new DomainError('Request_BadRequest', problems.join(' '), { problems });
    await tx.policies.updateRule(caller.tenantId, policyId, next, { id: caller.principal.id, displayName: caller.principal.displayName }, now);
    await tx.audit.append(
      auditRecord(caller.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.policyUpdated,
        category: 'Policy',
        operationType: 'Update',
        targets: [
          {
            id: policy.id,
            displayName: role?.displayName ?? null,
            type: 'Policy',
            modifiedProperties: [{ displayName: ruleId, oldValue: JSON.stringify(current), newValue: JSON.stringify(next) }],
          },
        ],
        details: { RoleDefinitionId: policy.roleDefinitionId, ScopeId: policy.scopeId, RuleId: ruleId },
      }),
    );
    await tx.feed.append(caller.tenantId, 'policy.updated', policy.id, {
      ruleId,
      rule: next,
      roleDefinitionId: policy.roleDefinitionId,
      scopeId: policy.scopeId,
    });
    return next;
  });
}

/**
 * Tenant-wide policies take the right to update policies; a policy at a narrower scope may also be
 * changed by whoever manages assignments there (Owner / User Access Administrator at a resource
 * scope and above, a group's owners for a group that is not role-assignable: docs/guide.md, "Who may
 * do what").
 */
export async function authorizePolicyChange(
  tx: ReadRepositories<'principals' | 'scopes'>,
  caller: Caller,
  policy: Policy,
  role: RoleDefinition | null,
  now: Instant,
): Promise<void> {
  if (policy.scopeId === '/' || !role) return authorize(caller, PERMISSION.policiesUpdate);
  const target = await grantTarget(tx, caller.tenantId, policy.scopeId, role, now);
  authorizeAny(caller, [PERMISSION.policiesUpdate, ...managementPermissions(role, target)], target.ancestors);
}

/** Approvers an approval rule names must exist: a user for singleUser, a group for groupMembers. */
async function unknownApprovers(tx: ReadRepositories<'principals'>, tenantId: string, rule: PolicyRule): Promise<string[]> {
  if (rule.kind !== 'approval') return [];
  const problems: string[] = [];
  for (const stage of rule.setting.approvalStages) {
    for (const subject of [...stage.primaryApprovers, ...stage.escalationApprovers]) {
      if (subject['@odata.type'] === '#microsoft.graph.requestorManager') continue;
      const [id, type] = subject['@odata.type'] === '#microsoft.graph.singleUser' ? [subject.userId, 'user'] : [subject.groupId, 'group'];
      const principal = await tx.principals.get(tenantId, id);
      if (!principal || principal.type !== type) problems.push(`Approver ${type} '${id}' does not exist.`);
    }
  }
  return problems;
}
