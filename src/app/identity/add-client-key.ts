/**
 * Adds a certificate to a service principal (Graph: `addKey`, keyCredential type
 * `AsymmetricX509Cert`, usage `Verify`), for private_key_jwt at the token endpoint. Only the
 * public certificate is kept; its validity is the key's. The same administrators as for client
 * secrets may (credential-rights.ts); Graph's proof-of-possession JWT is not required. Audited.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import { parseClientCertificate } from '../../domain/identity/client-keys.ts';
import { actorOf, auditRecord, principalTarget } from '../audit/record.ts';
import type { Caller } from '../caller.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { ClientKey } from '../ports/identity.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { authorizeCredentialChange, authorizeCredentialChangeKind } from './credential-rights.ts';

export interface AddClientKeyInput {
  readonly displayName: string | null;
  /** The certificate, base64 DER. */
  readonly certificate: string;
}

export async function addClientKey(
  deps: { uow: UnitOfWork<'principals' | 'accounts' | 'clientKeys' | 'audit'>; clock: Clock; ids: Ids },
  caller: Caller,
  servicePrincipalId: string,
  input: AddClientKeyInput,
): Promise<ClientKey> {
  authorizeCredentialChangeKind(caller, 'clientSecret');
  const now = deps.clock.now();
  const cert = parseClientCertificate(input.certificate);
  if (cert.notAfter <= now) throw new DomainError('Request_BadRequest', `The certificate expired on ${new Date(cert.notAfter).toISOString()}.`);
  return deps.uow.run(async (tx) => {
    const sp = await tx.principals.get(caller.tenantId, servicePrincipalId);
    if (!sp || sp.type !== 'servicePrincipal') throw new DomainError('Request_ResourceNotFound', `No service principal has the id '${servicePrincipalId}'.`);
    await authorizeCredentialChange(tx, caller, sp, 'clientSecret', now);
    // Writes are serialised (docs/decisions/0005), and a unique index backs this check.
    if ((await tx.clientKeys.list(sp.tenantId, sp.id)).some((k) => k.thumbprint === cert.thumbprint)) {
      throw new DomainError('Request_BadRequest', `The service principal already has the certificate with thumbprint ${cert.thumbprint}.`);
    }
    const key: ClientKey = {
      tenantId: sp.tenantId,
      keyId: deps.ids.uuid(),
      principalId: sp.id,
      displayName: input.displayName,
      kind: cert.kind,
      thumbprint: cert.thumbprint,
      thumbprintSha256: cert.thumbprintSha256,
      certificate: cert.certificate,
      startAt: cert.notBefore,
      endAt: cert.notAfter,
      createdAt: now,
    };
    await tx.clientKeys.insert(key);
    await tx.audit.append(
      auditRecord(sp.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.servicePrincipalCredentialsAdded,
        category: 'Other',
        operationType: 'Add',
        targets: [principalTarget(sp)],
        details: {
          KeyId: key.keyId,
          KeyType: 'AsymmetricX509Cert',
          Thumbprint: key.thumbprint,
          EndDateTime: new Date(key.endAt).toISOString(),
          ...(input.displayName ? { KeyDisplayName: input.displayName } : {}),
        },
      }),
    );
    return key;
  });
}
