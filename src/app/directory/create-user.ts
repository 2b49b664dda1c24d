/** Create a user (Graph: POST /users). */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/model.ts';
import { actorOf, auditRecord, principalTarget } from '../audit/record.ts';
import { authorize, PERMISSION } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { PasswordHasher } from '../ports/identity.ts';
import { assertAcceptablePassword } from '../../domain/identity/password-policy.ts';
import type { UnitOfWork } from '../ports/repositories.ts';

export interface CreateUserInput {
  readonly displayName: string;
  readonly userPrincipalName: string;
  readonly mail: string | null;
  readonly accountEnabled: boolean;
  /** An initial password for sign-in (Graph's `passwordProfile.password`); hashed, never stored. */
  readonly password?: string | null;
}

export async function createUser(
  deps: { uow: UnitOfWork<'principals' | 'accounts' | 'audit' | 'feed'>; clock: Clock; ids: Ids; passwords?: PasswordHasher },
  caller: Caller,
  input: CreateUserInput,
): Promise<Principal> {
  authorize(caller, PERMISSION.usersCreate);
  if (!/^[^\s@]+@[^\s@]+$/.test(input.userPrincipalName)) {
    throw new DomainError('Request_BadRequest', `userPrincipalName '${input.userPrincipalName}' must look like name@domain.`);
  }
  let passwordHash: string | null = null;
  if (input.password != null) {
    if (!deps.passwords) throw new DomainError('Request_BadRequest', 'This server does not keep passwords: sign-in is not configured.');
    assertAcceptablePassword(input.password);
    // Hashed before the transaction: argon2 takes tens of milliseconds and must not hold the write lock.
    passwordHash = await deps.passwords.hash(input.password);
  }
  const now = deps.clock.now();
  const user: Principal = {
    tenantId: caller.tenantId,
    id: deps.ids.uuid(),
    type: 'user',
    displayName: input.displayName,
    userPrincipalName: input.userPrincipalName,
    mail: input.mail ?? input.userPrincipalName,
    accountEnabled: input.accountEnabled,
    isBreakGlass: false,
    isAssignableToRole: false,
    managerId: null,
    description: null,
    createdAt: now,
  };
  return deps.uow.run(async (tx) => {
    await tx.principals.insert(user);
    if (passwordHash) await tx.accounts.setPassword(user.tenantId, user.id, passwordHash, now, caller.principal.id);
    await tx.audit.append(
      auditRecord(caller.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.userAdded,
        category: 'UserManagement',
        operationType: 'Add',
        targets: [principalTarget(user)],
        details: passwordHash ? { PasswordSet: 'true' } : {},
      }),
    );
    await tx.feed.append(caller.tenantId, 'principal.created', user.id, { type: 'user', principal: user });
    return user;
  });
}
