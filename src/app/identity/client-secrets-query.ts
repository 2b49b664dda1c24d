/** A service principal's client secrets as metadata (key id, hint, validity): never the secret or its hash. */
import type { Instant } from '../../domain/time.ts';
import type { Caller } from '../caller.ts';
import type { ReadRepositories } from '../ports/repositories.ts';

export interface ClientSecretInfo {
  readonly keyId: string;
  readonly displayName: string | null;
  readonly hint: string;
  readonly startAt: Instant;
  readonly endAt: Instant;
}

export async function listClientSecrets(read: ReadRepositories<'clientSecrets'>, caller: Caller, servicePrincipalId: string): Promise<ClientSecretInfo[]> {
  const secrets = await read.clientSecrets.list(caller.tenantId, servicePrincipalId);
  return secrets.map((s) => ({ keyId: s.keyId, displayName: s.displayName, hint: s.hint, startAt: s.startAt, endAt: s.endAt }));
}
