/**
 * Finishes a registration: the browser's attestation response is checked against the stored
 * challenge (taken out once), the relying party id and origin, with user verification required;
 * the credential (id, public key, counter, transports, whether it is device-bound) is stored under
 * the name the user gave. Audited in the same transaction.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import { actorOf, auditRecord, principalTarget } from '../audit/record.ts';
import type { Caller } from '../caller.ts';
import type { WebAuthnCredential } from '../ports/webauthn.ts';
import { invalidCredentials } from './attempts.ts';
import { assertUser, requireRecentMfa } from './enroll-totp.ts';
import { echoedChallenge, responseCredentialId, type WebAuthnDeps } from './webauthn-challenges.ts';

export async function finishWebAuthnRegistration(
  deps: WebAuthnDeps<'webauthn' | 'totp' | 'audit'>,
  caller: Caller,
  input: { response: unknown; displayName: string | null },
): Promise<WebAuthnCredential> {
  assertUser(caller);
  const user = caller.principal;
  const now = deps.clock.now();
  const challenge = echoedChallenge(input.response);
  if (!challenge || !responseCredentialId(input.response))
    throw new DomainError('Request_BadRequest', 'response is not a WebAuthn registration response (id, response.clientDataJSON, response.attestationObject).');
  const taken = await deps.uow.run((tx) => tx.webauthn.takeChallenge(user.tenantId, challenge, user.id, 'registration', now));
  if (!taken) throw invalidCredentials('The registration challenge is unknown, used or expired: start again at POST /openpim/auth/webauthn/register/options.');
  const [totp, existing] = await Promise.all([deps.uow.read.totp.get(user.tenantId, user.id, true), deps.uow.read.webauthn.list(user.tenantId, user.id)]);
  if (totp || existing.length > 0) requireRecentMfa(caller, 'Adding a security key or passkey');

  const verified = await deps.ceremonies.verifyRegistration(deps.rp, input.response, taken.challenge);
  if (!verified) throw invalidCredentials('The authenticator response did not verify (origin, relying party, challenge, user verification or signature).');
  const attachment = (input.response as { authenticatorAttachment?: unknown }).authenticatorAttachment;
  const credential: WebAuthnCredential = {
    tenantId: user.tenantId,
    id: verified.credentialId,
    principalId: user.id,
    publicKey: verified.publicKey,
    counter: verified.counter,
    transports: verified.transports.filter((t) => /^[a-z-]{1,20}$/.test(t)).slice(0, 8),
    hardware: verified.deviceBound,
    attachment: attachment === 'platform' || attachment === 'cross-platform' ? attachment : null,
    aaguid: verified.aaguid,
    backedUp: verified.backedUp,
    displayName: input.displayName?.trim() || (verified.deviceBound ? 'Security key' : 'Passkey'),
    createdAt: now,
    lastUsedAt: null,
  };
  await deps.uow.run(async (tx) => {
    if (!(await tx.webauthn.insert(credential))) throw new DomainError('ObjectConflict', 'This authenticator is registered already.');
    await tx.audit.append(
      auditRecord(user.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.securityInfoRegistered,
        category: 'UserManagement',
        operationType: 'Add',
        targets: [principalTarget(user)],
        details: {
          Method: 'webauthn',
          CredentialId: credential.id,
          DisplayName: credential.displayName,
          Hardware: String(credential.hardware),
          Aaguid: credential.aaguid,
          AttestationFormat: verified.attestationFormat,
        },
      }),
    );
  });
  return credential;
}
