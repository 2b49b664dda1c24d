/** A Global Administrator revokes a SCIM token (DELETE /openpim/scim/tokens/{id}): it stops working at once. */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import { actorOf, auditRecord } from '../audit/record.ts';
import { authorize, PERMISSION } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import type { Clock } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';

export async function revokeScimToken(deps: { uow: UnitOfWork<'provisioning' | 'audit'>; clock: Clock }, caller: Caller, tokenId: string): Promise<void> {
  authorize(caller, PERMISSION.scimTokensManage);
  const now = deps.clock.now();
  await deps.uow.run(async (tx) => {
    if (!(await tx.provisioning.revokeToken(caller.tenantId, tokenId, now))) {
      throw new DomainError('Request_ResourceNotFound', `No SCIM token '${tokenId}' is in use.`);
    }
    await tx.audit.append(
      auditRecord(caller.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.scimTokenRevoked,
        category: 'Other',
        operationType: 'Delete',
        targets: [{ id: tokenId, displayName: null, type: 'Other' }],
      }),
    );
  });
}
