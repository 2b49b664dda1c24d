/**
 * The CLI's loopback sign-in (RFC 8252 with PKCE, RFC 7636): a browser signed in to OpenPIM asks
 * for a one-time code for the CLI listening on a loopback port. The code starts a session of its
 * own for the CLI, carrying the browser session's authentication (methods, contexts, time) and
 * ending no later than it; the code is stored as a digest and lives a minute. Redeeming it with the PKCE verifier (redeem-code.ts)
 * yields the CLI's token.
 */
import { DomainError } from '../../../domain/errors.ts';
import { CODE_TTL, encodeSecret, hashAuthorizationCode, isLoopbackRedirect, isS256Challenge } from '../../../domain/identity/sessions.ts';
import type { Caller } from '../../caller.ts';
import type { SessionDeps } from './start-session.ts';
import { openSession } from './start-session.ts';

export interface CliAuthorization {
  readonly redirectUri: string;
  /** PKCE S256 code challenge. */
  readonly codeChallenge: string;
}

export async function authorizeCli(deps: SessionDeps, caller: Caller, input: CliAuthorization, sourceIp: string | null): Promise<{ readonly code: string }> {
  if (!isLoopbackRedirect(input.redirectUri))
    throw new DomainError('Request_BadRequest', 'redirect_uri must be http://127.0.0.1:PORT/…, http://[::1]:PORT/… or http://localhost:PORT/… (RFC 8252).');
  if (!isS256Challenge(input.codeChallenge))
    throw new DomainError('Request_BadRequest', 'code_challenge must be a PKCE S256 challenge (43 base64url characters).');
  if (!caller.sessionId || caller.principal.type !== 'user')
    throw new DomainError('Authorization_RequestDenied', 'Only a user signed in to OpenPIM in this browser can sign in the CLI.');
  const now = deps.clock.now();
  const code = encodeSecret(deps.random.bytes(32));
  await deps.uow.run(async (tx) => {
    const from = await tx.sessions.get(caller.tenantId, caller.sessionId!);
    if (!from) throw new DomainError('InvalidAuthenticationToken', 'The sign-in session is not known: sign in again.');
    await openSession(
      tx,
      deps,
      {
        tenantId: caller.tenantId,
        principalId: caller.principal.id,
        amr: from.amr,
        acrs: from.acrs,
        authTime: from.authTime,
        kind: 'cli',
        method: 'session',
        sourceIp,
        endsBy: from.expiresAt,
      },
      now,
      { codeHash: hashAuthorizationCode(code), challenge: input.codeChallenge, redirectUri: input.redirectUri, expiresAt: now + CODE_TTL },
    );
  });
  return { code };
}
