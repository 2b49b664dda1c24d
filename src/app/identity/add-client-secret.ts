/**
 * Adds a client secret to a service principal (Graph: `addPassword`). The secret is returned once
 * and only its hash is kept. Valid from now until `endAt` (default 180 days, at most two years).
 * A service principal holding or eligible for a privileged role needs a Global Administrator.
 * Audited (without the secret).
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import {
  CLIENT_SECRET_BYTES,
  CLIENT_SECRET_DEFAULT_LIFETIME,
  CLIENT_SECRET_MAX_LIFETIME,
  clientSecretHint,
  formatClientSecret,
  hashClientSecret,
} from '../../domain/identity/client-secrets.ts';
import { HOUR, type Instant } from '../../domain/time.ts';
import { actorOf, auditRecord, principalTarget } from '../audit/record.ts';
import type { Caller } from '../caller.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { ClientSecret, Random } from '../ports/identity.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { authorizeCredentialChange, authorizeCredentialChangeKind } from './credential-rights.ts';

export interface AddClientSecretInput {
  readonly displayName: string | null;
  readonly endAt: Instant | null;
}

export interface NewClientSecret {
  readonly secret: ClientSecret;
  /** The secret itself: shown this once. */
  readonly secretText: string;
}

export async function addClientSecret(
  deps: { uow: UnitOfWork<'principals' | 'accounts' | 'clientSecrets' | 'audit'>; clock: Clock; ids: Ids; random: Random },
  caller: Caller,
  servicePrincipalId: string,
  input: AddClientSecretInput,
): Promise<NewClientSecret> {
  authorizeCredentialChangeKind(caller, 'clientSecret');
  const now = deps.clock.now();
  const endAt = input.endAt ?? now + CLIENT_SECRET_DEFAULT_LIFETIME;
  if (endAt <= now + HOUR) throw new DomainError('Request_BadRequest', 'endDateTime must be more than an hour from now.');
  if (endAt > now + CLIENT_SECRET_MAX_LIFETIME) throw new DomainError('Request_BadRequest', 'endDateTime must be at most two years from now.');
  const secretText = formatClientSecret(deps.random.bytes(CLIENT_SECRET_BYTES));
  return deps.uow.run(async (tx) => {
    const sp = await tx.principals.get(caller.tenantId, servicePrincipalId);
    if (!sp || sp.type !== 'servicePrincipal') throw new DomainError('Request_ResourceNotFound', `No service principal has the id '${servicePrincipalId}'.`);
    await authorizeCredentialChange(tx, caller, sp, 'clientSecret', now);
    const secret: ClientSecret = {
      tenantId: sp.tenantId,
      keyId: deps.ids.uuid(),
      principalId: sp.id,
      displayName: input.displayName,
      hint: clientSecretHint(secretText),
      secretHash: hashClientSecret(secretText),
      startAt: now,
      endAt,
      createdAt: now,
    };
    await tx.clientSecrets.insert(secret);
    await tx.audit.append(
      auditRecord(sp.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.servicePrincipalCredentialsAdded,
        category: 'Other',
        operationType: 'Add',
        targets: [principalTarget(sp)],
        details: { KeyId: secret.keyId, EndDateTime: new Date(endAt).toISOString(), ...(input.displayName ? { KeyDisplayName: input.displayName } : {}) },
      }),
    );
    return { secret, secretText };
  });
}
