/**
 * The token endpoint's `authorization_code` grant for the CLI (RFC 6749 §4.1.3 with PKCE): a code
 * from authorize-cli.ts, the redirect URI it was issued for and the PKCE verifier give a bearer
 * token bound to the CLI's session. A code is tried once: a wrong verifier spends it (and the
 * session it would have started is revoked).
 */
import { DomainError } from '../../../domain/errors.ts';
import { hashAuthorizationCode, isWellFormedSecret, pkceMatches } from '../../../domain/identity/sessions.ts';
import type { Clock } from '../../ports/clock.ts';
import type { UnitOfWork } from '../../ports/repositories.ts';
import { issueToken, type IssuedToken, type TokenDeps } from '../issue-token.ts';

export interface RedeemCodeInput {
  readonly code: string;
  readonly redirectUri: string;
  readonly codeVerifier: string;
}

const invalidGrant = () =>
  new DomainError('InvalidGrant', 'The authorization code is invalid, expired or already used, or the redirect URI or code verifier does not match.');

export async function redeemCode(
  deps: TokenDeps & { readonly uow: UnitOfWork<'sessions' | 'principals'>; readonly clock: Clock },
  input: RedeemCodeInput,
): Promise<IssuedToken> {
  if (!isWellFormedSecret(input.code)) throw invalidGrant();
  const now = deps.clock.now();
  const session = await deps.uow.run(async (tx) => {
    const taken = await tx.sessions.redeemCode(hashAuthorizationCode(input.code), now);
    if (!taken) return null;
    if (taken.code.redirectUri !== input.redirectUri || !pkceMatches(input.codeVerifier, taken.code.challenge) || taken.revokedAt !== null) {
      await tx.sessions.revoke(taken.tenantId, taken.id, now, 'codeRejected');
      return 'rejected' as const;
    }
    return taken;
  });
  if (session === null || session === 'rejected') throw invalidGrant();
  const principal = await deps.uow.read.principals.get(session.tenantId, session.principalId);
  if (!principal?.accountEnabled) throw invalidGrant();
  return issueToken(deps, {
    tenantId: session.tenantId,
    principalId: session.principalId,
    amr: session.amr,
    authTime: session.authTime,
    acrs: session.acrs,
    sessionId: session.id,
  });
}
