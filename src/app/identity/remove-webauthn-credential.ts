/** Removes one of the caller's own passkeys or security keys; needs a recent MFA. Audited. */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import { actorOf, auditRecord, principalTarget } from '../audit/record.ts';
import type { Caller } from '../caller.ts';
import type { Clock } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { assertUser, requireRecentMfa } from './enroll-totp.ts';

export async function removeWebAuthnCredential(
  deps: { uow: UnitOfWork<'webauthn' | 'audit'>; clock: Clock },
  caller: Caller,
  credentialId: string,
): Promise<void> {
  assertUser(caller);
  requireRecentMfa(caller, 'Removing a security key or passkey');
  const user = caller.principal;
  const now = deps.clock.now();
  await deps.uow.run(async (tx) => {
    if (!(await tx.webauthn.remove(user.tenantId, user.id, credentialId)))
      throw new DomainError('Request_ResourceNotFound', `You have no security key or passkey with the id '${credentialId}'.`);
    await tx.audit.append(
      auditRecord(user.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.securityInfoDeletedByUser,
        category: 'UserManagement',
        operationType: 'Delete',
        targets: [principalTarget(user)],
        details: { Method: 'webauthn', CredentialId: credentialId },
      }),
    );
  });
}
