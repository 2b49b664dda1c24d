/** A service principal's certificates as Graph's keyCredentials show them: public material only. */
import type { Instant } from '../../domain/time.ts';
import type { Caller } from '../caller.ts';
import type { ReadRepositories } from '../ports/repositories.ts';

export interface ClientKeyInfo {
  readonly keyId: string;
  readonly displayName: string | null;
  /** SHA-1 thumbprint, upper-case hex. */
  readonly thumbprint: string;
  /** The public certificate, base64 DER. */
  readonly certificate: string;
  readonly startAt: Instant;
  readonly endAt: Instant;
}

export async function listClientKeys(read: ReadRepositories<'clientKeys'>, caller: Caller, servicePrincipalId: string): Promise<ClientKeyInfo[]> {
  const keys = await read.clientKeys.list(caller.tenantId, servicePrincipalId);
  return keys.map((k) => ({
    keyId: k.keyId,
    displayName: k.displayName,
    thumbprint: k.thumbprint,
    certificate: k.certificate,
    startAt: k.startAt,
    endAt: k.endAt,
  }));
}
