/**
 * Give a role its own policy at a narrower scope (POST /openpim/policies): it starts setting no rule,
 * so it inherits every rule in force there now, and is changed rule by rule through the Graph policy
 * API. From then on it governs the role at that scope and below, unless a nearer one is set (most
 * specific first: docs/guide.md, "Policies (role settings)"). Allowed to whoever may change policies
 * there (update-policy-rule.ts).
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import { actorOf, auditRecord } from '../audit/record.ts';
import type { Caller } from '../caller.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { Policy, PolicyRecord, UnitOfWork } from '../ports/repositories.ts';
import { authorizePolicyChange, type PolicyRepositories } from './update-policy-rule.ts';
import { effectivePolicy, resolvePolicy } from './resolve-policy.ts';

export async function createScopedPolicy(
  deps: { uow: UnitOfWork<PolicyRepositories>; clock: Clock; ids: Ids },
  caller: Caller,
  input: { roleDefinitionId: string; scopeId: string },
): Promise<Policy> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const role = await tx.roles.get(caller.tenantId, input.roleDefinitionId);
    if (!role || role.kind === 'group')
      throw new DomainError('Request_BadRequest', `roleDefinitionId '${input.roleDefinitionId}' is not a directory or resource role of this tenant.`);
    if (input.scopeId === '/') throw new DomainError('Request_BadRequest', "Every role has its policy at '/' already; choose a narrower scope.");
    const inherited = await resolvePolicy(tx, caller.tenantId, role.id, input.scopeId);
    const policy: PolicyRecord = {
      ...inherited,
      id: `${role.kind === 'resource' ? 'Resource' : 'DirectoryRole'}_${caller.tenantId}_${deps.ids.uuid()}`,
      scopeId: input.scopeId,
      lastModifiedBy: { id: caller.principal.id, displayName: caller.principal.displayName },
      lastModifiedAt: now,
      rules: {},
    };
    // Checked against the new policy's scope, which grantTarget validates for the role's kind.
    await authorizePolicyChange(tx, caller, policy, role, now);
    if (await tx.policies.forRoleAt(caller.tenantId, role.id, input.scopeId)) {
      throw new DomainError('ObjectConflict', `Role '${role.displayName}' already has a policy at '${input.scopeId}'.`);
    }
    await tx.policies.insert(policy);
    await tx.audit.append(
      auditRecord(caller.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.policyAdded,
        category: 'Policy',
        operationType: 'Add',
        targets: [{ id: policy.id, displayName: role.displayName, type: 'Policy' }],
        details: { RoleDefinitionId: role.id, ScopeId: input.scopeId, InheritsFrom: inherited.id },
      }),
    );
    await tx.feed.append(caller.tenantId, 'policy.created', policy.id, { roleDefinitionId: role.id, scopeId: input.scopeId });
    return effectivePolicy(tx, policy);
  });
}
