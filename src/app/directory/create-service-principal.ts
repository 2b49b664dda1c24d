/**
 * Create a service principal (Graph: POST /servicePrincipals): a machine identity that signs in
 * with client secrets (`client_credentials`) and may hold active assignments, never eligible ones.
 * Its id is also its `appId` and the `client_id` of the token endpoint.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import type { Principal } from '../../domain/model.ts';
import { actorOf, auditRecord, principalTarget } from '../audit/record.ts';
import { authorize, PERMISSION } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';

export interface CreateServicePrincipalInput {
  readonly displayName: string;
  readonly description: string | null;
  readonly accountEnabled: boolean;
}

export async function createServicePrincipal(
  deps: { uow: UnitOfWork<'principals' | 'audit' | 'feed'>; clock: Clock; ids: Ids },
  caller: Caller,
  input: CreateServicePrincipalInput,
): Promise<Principal> {
  authorize(caller, PERMISSION.servicePrincipalsCreate);
  const now = deps.clock.now();
  const sp: Principal = {
    tenantId: caller.tenantId,
    id: deps.ids.uuid(),
    type: 'servicePrincipal',
    displayName: input.displayName,
    userPrincipalName: null,
    mail: null,
    accountEnabled: input.accountEnabled,
    isBreakGlass: false,
    isAssignableToRole: false,
    managerId: null,
    description: input.description,
    createdAt: now,
  };
  return deps.uow.run(async (tx) => {
    await tx.principals.insert(sp);
    await tx.audit.append(
      auditRecord(caller.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.servicePrincipalAdded,
        category: 'Other',
        operationType: 'Add',
        targets: [principalTarget(sp)],
      }),
    );
    await tx.feed.append(caller.tenantId, 'principal.created', sp.id, { type: 'servicePrincipal', principal: sp });
    return sp;
  });
}
