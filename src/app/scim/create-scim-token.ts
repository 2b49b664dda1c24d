/**
 * A Global Administrator makes a SCIM bearer token for the tenant (POST /openpim/scim/tokens) to
 * paste into the IdP's provisioning settings. The token is returned once; only its SHA-256 is
 * kept (as client secrets are: 256 random bits make a slow hash pointless). Audited, without it.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import { CLIENT_SECRET_BYTES, clientSecretHint, formatClientSecret, hashClientSecret } from '../../domain/identity/client-secrets.ts';
import { DAY, HOUR, type Instant } from '../../domain/time.ts';
import { actorOf, auditRecord } from '../audit/record.ts';
import { authorize, PERMISSION } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { Random } from '../ports/identity.ts';
import type { ScimToken } from '../ports/provisioning.ts';
import type { UnitOfWork } from '../ports/repositories.ts';

/** IdPs keep the token in their settings: a year by default, at most two. */
export const SCIM_TOKEN_DEFAULT_LIFETIME = 365 * DAY;
export const SCIM_TOKEN_MAX_LIFETIME = 730 * DAY;

export interface CreateScimTokenInput {
  readonly displayName: string;
  readonly endAt: Instant | null;
}

export async function createScimToken(
  deps: { uow: UnitOfWork<'provisioning' | 'audit'>; clock: Clock; ids: Ids; random: Random },
  caller: Caller,
  input: CreateScimTokenInput,
): Promise<{ token: ScimToken; secretText: string }> {
  authorize(caller, PERMISSION.scimTokensManage);
  const now = deps.clock.now();
  const endAt = input.endAt ?? now + SCIM_TOKEN_DEFAULT_LIFETIME;
  if (endAt <= now + HOUR) throw new DomainError('Request_BadRequest', 'endDateTime must be more than an hour from now.');
  if (endAt > now + SCIM_TOKEN_MAX_LIFETIME) throw new DomainError('Request_BadRequest', 'endDateTime must be at most two years from now.');
  const secretText = formatClientSecret(deps.random.bytes(CLIENT_SECRET_BYTES));
  const token: ScimToken = {
    tenantId: caller.tenantId,
    id: deps.ids.uuid(),
    displayName: input.displayName,
    hint: clientSecretHint(secretText),
    tokenHash: hashClientSecret(secretText),
    createdBy: caller.principal.id,
    createdAt: now,
    endAt,
    revokedAt: null,
  };
  await deps.uow.run(async (tx) => {
    await tx.provisioning.insertToken(token);
    await tx.audit.append(
      auditRecord(caller.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.scimTokenAdded,
        category: 'Other',
        operationType: 'Add',
        targets: [{ id: token.id, displayName: token.displayName, type: 'Other' }],
        details: { EndDateTime: new Date(endAt).toISOString() },
      }),
    );
  });
  return { token, secretText };
}
