/**
 * Starts a sign-in at the organisation's OpenID provider (docs/decisions/0012): fresh state, nonce
 * and PKCE verifier, kept server-side (only the state's hash) for ten minutes and usable once, and
 * the provider's authorization URL to send the browser to. The caller binds the state to the
 * browser too (a cookie), so a sign-in started elsewhere cannot be completed here (login CSRF).
 */
import { DomainError } from '../../domain/errors.ts';
import { FEDERATION_FLOW_TTL, hashFlowState, safeReturnPath } from '../../domain/identity/federation.ts';
import { encodeSecret } from '../../domain/identity/sessions.ts';
import type { Instant } from '../../domain/time.ts';
import type { Clock } from '../ports/clock.ts';
import type { IdentityProvider } from '../ports/federation.ts';
import type { Random } from '../ports/identity.ts';
import type { UnitOfWork } from '../ports/repositories.ts';

export interface BeginFederatedSignInDeps {
  readonly uow: UnitOfWork<'tenants' | 'federation'>;
  readonly clock: Clock;
  readonly random: Random;
  readonly provider: IdentityProvider;
}

export interface StartedFederatedSignIn {
  readonly authorizationUrl: string;
  /** For the browser-binding cookie. */
  readonly state: string;
  readonly expiresAt: Instant;
}

export async function beginFederatedSignIn(deps: BeginFederatedSignInDeps, input: { returnTo: string | undefined }): Promise<StartedFederatedSignIn> {
  const returnTo = safeReturnPath(input.returnTo);
  if (returnTo === null) throw new DomainError('Request_BadRequest', 'returnTo must be a path on this server, such as /requests (not another site).');
  const tenant = await deps.uow.read.tenants.first();
  if (!tenant) throw new DomainError('Request_ResourceNotFound', 'This server has no tenant.');
  // 256 random bits each; a 43-character verifier is what RFC 7636 asks for.
  const secrets = { state: encodeSecret(deps.random.bytes(32)), nonce: encodeSecret(deps.random.bytes(32)), codeVerifier: encodeSecret(deps.random.bytes(32)) };
  const authorizationUrl = await deps.provider.authorizationUrl(secrets);
  const now = deps.clock.now();
  const expiresAt = now + FEDERATION_FLOW_TTL;
  await deps.uow.run((tx) =>
    tx.federation.putFlow({
      tenantId: tenant.id,
      stateHash: hashFlowState(secrets.state),
      nonce: secrets.nonce,
      codeVerifier: secrets.codeVerifier,
      returnTo,
      createdAt: now,
      expiresAt,
    }),
  );
  return { authorizationUrl, state: secrets.state, expiresAt };
}
