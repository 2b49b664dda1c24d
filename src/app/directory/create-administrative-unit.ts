/** Create an administrative unit (Graph: POST /directory/administrativeUnits): a scope for directory roles. */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import type { Scope } from '../../domain/model.ts';
import { actorOf, auditRecord } from '../audit/record.ts';
import { authorize, PERMISSION } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';

export async function createAdministrativeUnit(
  deps: { uow: UnitOfWork<'scopes' | 'audit' | 'feed'>; clock: Clock; ids: Ids },
  caller: Caller,
  input: { displayName: string },
): Promise<Scope> {
  authorize(caller, PERMISSION.scopesCreate);
  const now = deps.clock.now();
  const id = deps.ids.uuid();
  const scope: Scope = {
    tenantId: caller.tenantId,
    id: `/administrativeUnits/${id}`,
    type: 'administrativeUnit',
    displayName: input.displayName,
    parentId: '/',
  };
  return deps.uow.run(async (tx) => {
    await tx.scopes.insert(scope);
    await tx.audit.append(
      auditRecord(caller.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.scopeAdded,
        category: 'Other',
        operationType: 'Add',
        targets: [{ id, displayName: scope.displayName, type: 'AdministrativeUnit' }],
      }),
    );
    await tx.feed.append(caller.tenantId, 'scope.created', scope.id, { scope });
    return scope;
  });
}
