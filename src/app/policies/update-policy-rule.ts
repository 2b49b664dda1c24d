/**
 * Change one rule of a role management policy (Graph: PATCH
 * /policies/roleManagementPolicies/{id}/rules/{ruleId}). The change applies to the rule in force, and
 * the policy then sets that rule itself (an inherited rule stops being inherited). The rule is
 * validated as a whole; the old and new values go into the audit event.
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
import type { Policy, PolicyRecord, ReadRepositories, Repositories, UnitOfWork } from '../ports/repositories.ts';
import { effectivePolicy } from './resolve-policy.ts';
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
    const { policy, role } = await loadPolicyToChange(tx, caller, policyId, now);
    const current = policy.rules[ruleId];
    const next = change(current);
    if (next.id !== ruleId || next.kind !== current.kind) {
      throw new DomainError('Request_BadRequest', `Rule '${ruleId}' is a ${current.kind} rule; its id and type cannot change.`);
    }
    const problems = [...validateRule(next, { approverRequired: approverRequired(role) }), ...(await unknownApprovers(tx, caller.tenantId, next))];
    if (problems.length > 0) throw new DomainError('Request_BadRequest', problems.join(' '), { problems });
    await tx.policies.setRule(caller.tenantId, policyId, next, { id: caller.principal.id, displayName: caller.principal.displayName }, now);
    await recordRuleChange(tx, caller, now, { policy, role, ruleId, before: current, after: next, inheritedFrom: null });
    return next;
  });
}

/** The policy with its rules in force and its role (none for the tenant default), once the caller may change it. */
export async function loadPolicyToChange(
  tx: ReadRepositories<'policies' | 'roles' | 'principals' | 'scopes'>,
  caller: Caller,
  policyId: string,
  now: Instant,
): Promise<{ policy: Policy; role: RoleDefinition | null }> {
  const record = await tx.policies.get(caller.tenantId, policyId);
  if (!record) throw new DomainError('Request_ResourceNotFound', `Policy '${policyId}' does not exist.`);
  const role = record.roleDefinitionId === null ? null : await tx.roles.get(caller.tenantId, record.roleDefinitionId);
  await authorizePolicyChange(tx, caller, record, role, now);
  return { policy: await effectivePolicy(tx, record), role };
}

/**
 * Groups and resource roles need a named approver (no administrators stand in for them). The tenant
 * default is inherited by them too, so its approval rule must name one as well.
 */
export const approverRequired = (role: RoleDefinition | null): boolean => role === null || role.kind !== 'directory';

/**
 * A rule of a policy changed (set, or reset to inherit `inheritedFrom`): the audit event, with the old
 * and new rule in force and where it was inherited from before, and the change-feed row.
 */
export async function recordRuleChange(
  tx: Pick<Repositories, 'audit' | 'feed'>,
  caller: Caller,
  now: Instant,
  change: { policy: Policy; role: RoleDefinition | null; ruleId: RuleId; before: PolicyRule; after: PolicyRule; inheritedFrom: string | null },
): Promise<void> {
  const { policy, ruleId } = change;
  const before = policy.inheritedFrom[ruleId];
  await tx.audit.append(
    auditRecord(caller.tenantId, actorOf(caller), caller.correlationId, now, {
      activity: ACTIVITY.policyUpdated,
      category: 'Policy',
      operationType: 'Update',
      targets: [
        {
          id: policy.id,
          displayName: change.role?.displayName ?? null,
          type: 'Policy',
          modifiedProperties: [{ displayName: ruleId, oldValue: JSON.stringify(change.before), newValue: JSON.stringify(change.after) }],
        },
      ],
      details: {
        RoleDefinitionId: policy.roleDefinitionId ?? 'TenantDefault',
        ScopeId: policy.scopeId,
        RuleId: ruleId,
        ...(before ? { InheritedBefore: before.policyId } : {}),
        ...(change.inheritedFrom ? { InheritedFrom: change.inheritedFrom } : {}),
      },
    }),
  );
  await tx.feed.append(caller.tenantId, 'policy.updated', policy.id, {
    ruleId,
    rule: change.after,
    inherited: change.inheritedFrom !== null,
    roleDefinitionId: policy.roleDefinitionId,
    scopeId: policy.scopeId,
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
  policy: PolicyRecord,
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
