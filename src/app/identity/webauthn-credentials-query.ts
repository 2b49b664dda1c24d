/** The caller's own passkeys and security keys (never a key: only what identifies them). */
import type { Caller } from '../caller.ts';
import type { ReadRepositories } from '../ports/repositories.ts';
import type { WebAuthnCredential } from '../ports/webauthn.ts';

export async function myWebAuthnCredentials(read: ReadRepositories<'webauthn'>, caller: Caller): Promise<WebAuthnCredential[]> {
  return read.webauthn.list(caller.principal.tenantId, caller.principal.id);
}
