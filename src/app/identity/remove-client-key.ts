/** Removes a service principal's certificate (Graph: `removeKey`): assertions signed with it fail at once. Audited. */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import { actorOf, auditRecord, principalTarget } from '../audit/record.ts';
import type { Caller } from '../caller.ts';
import type { Clock } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { authorizeCredentialChange, authorizeCredentialChangeKind } from './credential-rights.ts';

export async function removeClientKey(deps: { uow: UnitOfWork; clock: Clock }, caller: Caller, servicePrincipalId: string, keyId: string): Promise<void> {
  authorizeCredentialChangeKind(caller, 'clientSecret');
  const now = deps.clock.now();
  await deps.uow.run(async (tx) => {
    const sp = await tx.principals.get(caller.tenantId, servicePrincipalId);
    if (!sp || sp.type !== 'servicePrincipal') throw new DomainError('Request_ResourceNotFound', `No service principal has the id '${servicePrincipalId}'.`);
    await authorizeCredentialChange(tx, caller, sp, 'clientSecret', now);
    if (!(await tx.clientKeys.remove(sp.tenantId, sp.id, keyId))) {
      throw new DomainError('Request_ResourceNotFound', `The service principal has no key with keyId '${keyId}'.`);
    }
    await tx.audit.append(auditRecord(sp.tenantId, actorOf(caller), caller.correlationId, now, {
      activity: ACTIVITY.servicePrincipalCredentialsRemoved, category: 'Other', operationType: 'Delete', targets: [principalTarget(sp)],
      details: { KeyId: keyId, KeyType: 'AsymmetricX509Cert' },
    }));
  });
}
