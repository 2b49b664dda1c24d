/**
 * An administrator sets or resets a user's password and/or enables or disables the account (Graph:
 * PATCH /users/{id} with `passwordProfile`, `accountEnabled`), in one transaction.
 *
 * - The password is checked against the policy and hashed (argon2id) before the transaction, which
 *   must not wait for it; a reset also clears a lockout and ends the user's sign-in sessions. It is
 *   audited, never logged.
 * - A disabled account cannot sign in and its tokens stop working at once (resolveCaller refuses
 *   disabled principals); its sign-in sessions are ended, so enabling it again revives none. Nobody
 *   disables their own account or a break-glass account, nor the last working administrator's
 *   (keep-administrators.ts).
 * - Privileged targets need more rights (credential-rights.ts).
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import { CLEAN_STATE } from '../../domain/identity/lockout.ts';
import { assertAcceptablePassword } from '../../domain/identity/password-policy.ts';
import { actorOf, auditRecord, principalTarget } from '../audit/record.ts';
import type { Caller } from '../caller.ts';
import type { Clock } from '../ports/clock.ts';
import type { PasswordHasher } from '../ports/identity.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { keepingAdministrators } from '../keep-administrators.ts';
import { authorizeCredentialChange, authorizeCredentialChangeKind } from './credential-rights.ts';

export interface UpdateAccountInput {
  readonly password?: string;
  readonly accountEnabled?: boolean;
}

export async function updateAccount(
  deps: { uow: UnitOfWork<'principals' | 'accounts' | 'sessions' | 'schedules' | 'audit' | 'feed'>; clock: Clock; passwords?: PasswordHasher },
  caller: Caller,
  userId: string,
  input: UpdateAccountInput,
): Promise<void> {
  const { password, accountEnabled } = input;
  if (password !== undefined) authorizeCredentialChangeKind(caller, 'password');
  if (accountEnabled !== undefined) authorizeCredentialChangeKind(caller, 'account');
  let hash: string | null = null;
  if (password !== undefined) {
    if (!deps.passwords) throw new DomainError('Request_ResourceNotFound', 'This server does not keep passwords: sign-in is not enabled.');
    assertAcceptablePassword(password);
    hash = await deps.passwords.hash(password);
  }
  const now = deps.clock.now();
  await deps.uow.run(async (tx) => {
    const user = await tx.principals.get(caller.tenantId, userId);
    if (!user || user.type !== 'user') throw new DomainError('Request_ResourceNotFound', `No user has the id '${userId}'.`);
    const actor = actorOf(caller);

    if (hash !== null) {
      await authorizeCredentialChange(tx, caller, user, 'password', now);
      const had = await tx.accounts.password(user.tenantId, user.id);
      await tx.accounts.setPassword(user.tenantId, user.id, hash, now, caller.principal.id);
      await tx.accounts.saveSignInState(user.tenantId, user.id, CLEAN_STATE);
      await tx.audit.append(
        auditRecord(user.tenantId, actor, caller.correlationId, now, {
          activity: ACTIVITY.passwordReset,
          category: 'UserManagement',
          operationType: 'Update',
          targets: [principalTarget(user)],
          details: { PasswordWasSet: had ? 'true' : 'false' },
        }),
      );
      // Whoever knew the old password is signed out everywhere (the caller keeps their own session).
      const ended = (await tx.sessions.openOf(user.tenantId, user.id, now)).filter((s) => s.id !== caller.sessionId);
      for (const s of ended) await tx.sessions.revoke(user.tenantId, s.id, now, 'passwordReset');
      if (ended.length > 0) {
        await tx.audit.append(
          auditRecord(user.tenantId, actor, caller.correlationId, now, {
            activity: ACTIVITY.signInSessionsRevoked,
            category: 'UserManagement',
            operationType: 'Update',
            targets: [principalTarget(user)],
            details: { SessionsRevoked: String(ended.length), Reason: 'passwordReset' },
          }),
        );
      }
    }

    if (accountEnabled !== undefined) {
      await authorizeCredentialChange(tx, caller, user, 'account', now);
      if (!accountEnabled && user.id === caller.principal.id) throw new DomainError('Request_BadRequest', 'You cannot disable your own account.');
      if (!accountEnabled && user.isBreakGlass)
        throw new DomainError('Request_BadRequest', `'${user.displayName}' is a break-glass account and cannot be disabled.`);
      if (user.accountEnabled !== accountEnabled) {
        await keepingAdministrators(tx, user.tenantId, now, () => tx.accounts.setAccountEnabled(user.tenantId, user.id, accountEnabled));
        await tx.audit.append(
          auditRecord(user.tenantId, actor, caller.correlationId, now, {
            activity: accountEnabled ? ACTIVITY.accountEnabled : ACTIVITY.accountDisabled,
            category: 'UserManagement',
            operationType: 'Update',
            targets: [
              {
                ...principalTarget(user),
                modifiedProperties: [{ displayName: 'AccountEnabled', oldValue: String(!accountEnabled), newValue: String(accountEnabled) }],
              },
            ],
          }),
        );
        await tx.feed.append(user.tenantId, 'principal.updated', user.id, { changed: ['accountEnabled'], principal: { ...user, accountEnabled } });
        // Ended, not just refused while disabled: enabling the account again must not revive them.
        const ended = accountEnabled ? 0 : await tx.sessions.revokeAllOf(user.tenantId, user.id, now, 'accountDisabled');
        if (ended > 0) {
          await tx.audit.append(
            auditRecord(user.tenantId, actor, caller.correlationId, now, {
              activity: ACTIVITY.signInSessionsRevoked,
              category: 'UserManagement',
              operationType: 'Update',
              targets: [principalTarget(user)],
              details: { SessionsRevoked: String(ended), Reason: 'accountDisabled' },
            }),
          );
        }
      }
    }
  });
}
