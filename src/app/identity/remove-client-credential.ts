/**
 * Removes a service principal's client secret (Graph: `removePassword`) or certificate (`removeKey`):
 * it stops working at once — tokens asked for with it, or assertions signed with it, fail. Audited.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import { actorOf, auditRecord, principalTarget } from '../audit/record.ts';
import type { Caller } from '../caller.ts';
import type { Clock } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { authorizeCredentialChange, authorizeCredentialChangeKind } from './credential-rights.ts';

export type ClientCredentialKind = 'secret' | 'key';

export async function removeClientCredential(
  deps: { uow: UnitOfWork<'principals' | 'accounts' | 'clientKeys' | 'clientSecrets' | 'audit'>; clock: Clock },
  caller: Caller,
  servicePrincipalId: string,
  kind: ClientCredentialKind,
  keyId: string,
): Promise<void> {
  authorizeCredentialChangeKind(caller, 'clientSecret');
  const now = deps.clock.now();
  await deps.uow.run(async (tx) => {
    const sp = await tx.principals.get(caller.tenantId, servicePrincipalId);
    if (!sp || sp.type !== 'servicePrincipal') throw new DomainError('Request_ResourceNotFound', `No service principal has the id '${servicePrincipalId}'.`);
    await authorizeCredentialChange(tx, caller, sp, 'clientSecret', now);
    const store = kind === 'key' ? tx.clientKeys : tx.clientSecrets;
    if (!(await store.remove(sp.tenantId, sp.id, keyId))) {
      throw new DomainError('Request_ResourceNotFound', `The service principal has no ${kind} with keyId '${keyId}'.`);
    }
    await tx.audit.append(
      auditRecord(sp.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.servicePrincipalCredentialsRemoved,
        category: 'Other',
        operationType: 'Delete',
        targets: [principalTarget(sp)],
        details: kind === 'key' ? { KeyId: keyId, KeyType: 'AsymmetricX509Cert' } : { KeyId: keyId },
      }),
    );
  });
}
