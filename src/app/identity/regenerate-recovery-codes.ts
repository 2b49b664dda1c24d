/** Replaces the caller's recovery codes (the old ones stop working). Needs a recent MFA. Audited. */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import { hashRecoveryCode } from '../../domain/identity/recovery-codes.ts';
import { actorOf, auditRecord, principalTarget } from '../audit/record.ts';
import type { Caller } from '../caller.ts';
import type { Clock } from '../ports/clock.ts';
import type { Random } from '../ports/identity.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { newRecoveryCodes } from './confirm-totp.ts';
import { assertUser, requireRecentMfa } from './enroll-totp.ts';

export async function regenerateRecoveryCodes(
  deps: { uow: UnitOfWork<'totp' | 'audit'>; clock: Clock; random: Random },
  caller: Caller,
): Promise<{ recoveryCodes: string[] }> {
  assertUser(caller);
  const user = caller.principal;
  const now = deps.clock.now();
  if (!(await deps.uow.read.totp.get(user.tenantId, user.id, true))) {
    throw new DomainError('AuthenticationMethodNotEnrolled', 'Recovery codes come with an authenticator app: enroll one first.');
  }
  requireRecentMfa(caller, 'Making new recovery codes');
  const codes = newRecoveryCodes(deps.random);
  await deps.uow.run(async (tx) => {
    if (!(await tx.totp.get(user.tenantId, user.id, true)))
      throw new DomainError('AuthenticationMethodNotEnrolled', 'The authenticator app was removed meanwhile.');
    await tx.totp.replaceRecoveryCodes(user.tenantId, user.id, codes.map(hashRecoveryCode), now);
    await tx.audit.append(
      auditRecord(user.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.recoveryCodesRegenerated,
        category: 'UserManagement',
        operationType: 'Update',
        targets: [principalTarget(user)],
        details: { RecoveryCodesIssued: String(codes.length) },
      }),
    );
  });
  return { recoveryCodes: codes };
}
