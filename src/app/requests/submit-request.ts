/**
 * Submit a role assignment or eligibility schedule request (Graph: POST
 * roleAssignmentScheduleRequests / roleEligibilityScheduleRequests). Loads and checks what every
 * action needs, then hands over to the action's handler — all in one transaction. A validation-only
 * request runs the same path and rolls back, so it reports exactly what a real one would.
 */
import { DomainError } from '../../domain/errors.ts';
import { assertMayNest, GROUP_ROLE } from '../../domain/group-access.ts';
import type { Principal, RequestAction, RoleDefinition, ScheduleKind, ScheduleRequest } from '../../domain/model.ts';
import { actorOf } from '../audit/record.ts';
import type { Caller } from '../caller.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { ReadRepositories, UnitOfWork } from '../ports/repositories.ts';
import { resolvePolicy } from '../policies/resolve-policy.ts';
import { activate } from './actions/activate.ts';
import { assign, renew } from './actions/assign.ts';
import { extend, update } from './actions/change.ts';
import { remove } from './actions/remove.ts';
import { selfExtendOrRenew } from './actions/self-extend-renew.ts';
import type { RequestContext, RequestRepositories } from './request-context.ts';
import { authorizeManagement, grantTarget, type GrantTarget } from '../grants/grant-target.ts';
import type { SubmitRequestInput } from './request-input.ts';

export interface SubmitRequestDeps {
  readonly uow: UnitOfWork<keyof RequestRepositories>;
  readonly clock: Clock;
  readonly ids: Ids;
}

const HANDLERS: Record<RequestAction, (ctx: RequestContext) => Promise<ScheduleRequest>> = {
  adminAssign: assign,
  adminRenew: renew,
  adminUpdate: update,
  adminExtend: extend,
  adminRemove: remove,
  selfDeactivate: remove,
  selfActivate: activate,
  selfExtend: selfExtendOrRenew,
  selfRenew: selfExtendOrRenew,
};

class ValidationOnly extends Error {
  readonly request: ScheduleRequest;
  constructor(request: ScheduleRequest) {
    super('validation only');
    this.request = request;
  }
}

export async function submitRequest(deps: SubmitRequestDeps, caller: Caller, input: SubmitRequestInput): Promise<ScheduleRequest> {
  const admin = input.action.startsWith('admin');
  if (!admin && input.principalId !== caller.principal.id) {
    throw new DomainError('Authorization_RequestDenied', `${input.action} is for your own assignments: principalId must be your own id.`);
  }
  if (input.kind === 'eligibility' && input.action === 'selfActivate') {
    throw new DomainError('Request_BadRequest', 'selfActivate activates an eligibility: send it to roleAssignmentScheduleRequests.');
  }
  const now = deps.clock.now();
  const requestId = deps.ids.uuid();
  try {
    return await deps.uow.run(async (tx) => {
      const tenantId = caller.tenantId;
      const [principal, role] = await Promise.all([tx.principals.get(tenantId, input.principalId), tx.roles.get(tenantId, input.roleDefinitionId)]);
      if (!principal) throw new DomainError('Request_BadRequest', `principalId '${input.principalId}' does not exist in this tenant.`);
      if (!role) throw new DomainError('Request_BadRequest', `roleDefinitionId '${input.roleDefinitionId}' does not exist in this tenant.`);
      if (!role.isEnabled) throw new DomainError('Request_BadRequest', `Role '${role.displayName}' is disabled.`);
      const target = await grantTarget(tx, tenantId, input.directoryScopeId, role, now);
      if (admin) authorizeManagement(caller, role, target);
      if (input.action === 'adminAssign') await assertMayHold(tx, input.kind, principal, role, target);
      const policy = await resolvePolicy(tx, tenantId, role.id, input.directoryScopeId);
      const ctx: RequestContext = {
        tx,
        ids: deps.ids,
        now,
        caller,
        actor: actorOf(caller),
        correlationId: caller.correlationId,
        input,
        key: { tenantId, kind: input.kind, principalId: principal.id, roleDefinitionId: role.id, directoryScopeId: input.directoryScopeId },
        principal,
        role,
        policy,
        requestId,
      };
      const request = await HANDLERS[input.action](ctx);
      if (input.isValidationOnly) throw new ValidationOnly(request);
      return request;
    });
  } catch (error) {
    if (error instanceof ValidationOnly) return error.request;
    throw error;
  }
}

/**
 * Who may be given this role: never an eligible service principal; groups only when role-assignable;
 * no group as member or owner of a role-assignable group; no nesting cycles.
 */
async function assertMayHold(
  tx: ReadRepositories<'principals'>,
  kind: ScheduleKind,
  principal: Principal,
  role: RoleDefinition,
  target: GrantTarget,
): Promise<void> {
  if (kind === 'eligibility' && principal.type === 'servicePrincipal') {
    throw new DomainError('PrincipalCannotBeEligible', 'Service principals can hold active assignments only, never eligible ones.');
  }
  if (!target.group) {
    if (principal.type === 'group' && !principal.isAssignableToRole) {
      throw new DomainError('GroupNotAssignableToRole', `Group '${principal.displayName}' is not role-assignable (isAssignableToRole is false).`);
    }
    return;
  }
  assertMayNest(target.group, target.groupHandsOutRoles, principal);
  if (role.id !== GROUP_ROLE.member || principal.type !== 'group') return;
  // Eligible or active, a group made a member of a group it contains would be a cycle.
  if (principal.id === target.group.id || (await tx.principals.groupsOf(principal.tenantId, target.group.id, null)).includes(principal.id)) {
    throw new DomainError(
      'Request_BadRequest',
      `Making group '${principal.displayName}' a member of '${target.group.displayName}' would make a cycle of nested groups.`,
    );
  }
}
