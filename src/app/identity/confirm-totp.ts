/**
 * Confirms a pending authenticator with a code from it: the factor becomes the active one
 * (replacing any earlier one), the code's time step counts as used, and a fresh set of recovery
 * codes is returned — the only time they are shown. Audited.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import { base32Decode } from '../../domain/identity/base32.ts';
import { formatRecoveryCode, hashRecoveryCode, RECOVERY_CODE_BYTES, RECOVERY_CODE_COUNT } from '../../domain/identity/recovery-codes.ts';
import { matchTotp } from '../../domain/identity/totp.ts';
import { actorOf, auditRecord, principalTarget } from '../audit/record.ts';
import type { Caller } from '../caller.ts';
import type { Clock } from '../ports/clock.ts';
import type { Random } from '../ports/identity.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { invalidCredentials } from './attempts.ts';
import { assertUser, ENROLLMENT_TTL, requireRecentMfa } from './enroll-totp.ts';

/** Ten new single-use codes; their hashes are what gets stored. */
export function newRecoveryCodes(random: Random): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => formatRecoveryCode(random.bytes(RECOVERY_CODE_BYTES)));
}

export async function confirmTotp(
  deps: { uow: UnitOfWork<'totp' | 'audit'>; clock: Clock; random: Random },
  caller: Caller,
  code: string,
): Promise<{ recoveryCodes: string[] }> {
  assertUser(caller);
  const user = caller.principal;
  const now = deps.clock.now();
  const read = deps.uow.read;
  const pending = await read.totp.get(user.tenantId, user.id, false);
  if (!pending || now - pending.createdAt > ENROLLMENT_TTL) {
    throw new DomainError(
      'AuthenticationMethodNotEnrolled',
      'No authenticator enrollment is waiting for confirmation (they expire after 10 minutes): enroll again.',
    );
  }
  const replacing = await read.totp.get(user.tenantId, user.id, true);
  if (replacing) requireRecentMfa(caller, 'Replacing your authenticator app');
  const key = base32Decode(pending.secret);
  const step = key ? matchTotp(key, code, now, null) : null;
  if (step === null) throw invalidCredentials('The code does not match the authenticator being enrolled: check the device clock and try the next code.');

  const codes = newRecoveryCodes(deps.random);
  await deps.uow.run(async (tx) => {
    const still = await tx.totp.get(user.tenantId, user.id, false);
    if (!still || still.id !== pending.id) throw new DomainError('ConcurrencyConflict', 'The enrollment changed meanwhile; enroll again.');
    await tx.totp.activate(user.tenantId, pending.id, now);
    await tx.totp.useStep(user.tenantId, pending.id, step);
    await tx.totp.replaceRecoveryCodes(user.tenantId, user.id, codes.map(hashRecoveryCode), now);
    await tx.audit.append(
      auditRecord(user.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.securityInfoRegistered,
        category: 'UserManagement',
        operationType: 'Add',
        targets: [principalTarget(user)],
        details: { Method: 'totp', FactorId: pending.id, Replaced: replacing ? replacing.id : 'none', RecoveryCodesIssued: String(codes.length) },
      }),
    );
  });
  return { recoveryCodes: codes };
}
