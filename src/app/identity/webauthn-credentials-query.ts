/** The caller's own passkeys and security keys (never a key: only what identifies them). */
import type { Caller } from '../caller.ts';
import type { Repositories } from '../ports/repositories.ts';
import type { WebAuthnCredential } from '../ports/webauthn.ts';

export async function myWebAuthnCredentials(read: Repositories, caller: Caller): Promise<WebAuthnCredential[]> {
  return read.webauthn.list(caller.principal.tenantId, caller.principal.id);
}
