/**
 * What the WebAuthn use cases share: their dependencies, the challenge lifetime, and reading the
 * challenge a browser echoed back (so the stored one can be taken out, once).
 */
import type { AuthenticationContexts } from '../../domain/identity/authentication-contexts.ts';
import { MINUTE } from '../../domain/time.ts';
import type { Clock } from '../ports/clock.ts';
import type { Random } from '../ports/identity.ts';
import type { Repositories, UnitOfWork } from '../ports/repositories.ts';
import type { RelyingParty, WebAuthnCeremonies } from '../ports/webauthn.ts';

/** How long a registration or authentication challenge waits for the authenticator's answer. */
export const CHALLENGE_TTL = 5 * MINUTE;
/** 256 random bits (WebAuthn §13.4.3 asks for at least 16 bytes). */
export const CHALLENGE_BYTES = 32;

/** `K`: the repositories the use case touches. */
export interface WebAuthnDeps<K extends keyof Repositories = keyof Repositories> {
  readonly uow: UnitOfWork<K>;
  readonly clock: Clock;
  readonly random: Random;
  readonly ceremonies: WebAuthnCeremonies;
  readonly rp: RelyingParty;
}

/** Which authentication contexts each factor satisfies (config; default: phishing-resistant → WebAuthn). */
export interface WebAuthnStepUpDeps extends WebAuthnDeps<'webauthn' | 'accounts' | 'audit' | 'sessions'> {
  readonly contexts: AuthenticationContexts;
}

/** The challenge in `response.clientDataJSON` (base64url JSON), or null for anything malformed. */
export function echoedChallenge(response: unknown): string | null {
  const data = (response as { response?: { clientDataJSON?: unknown } } | null)?.response?.clientDataJSON;
  if (typeof data !== 'string' || data.length > 4096) return null;
  try {
    const parsed = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof parsed.challenge === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(parsed.challenge) ? parsed.challenge : null;
  } catch {
    return null;
  }
}

/** The credential id a response names, or null. */
export function responseCredentialId(response: unknown): string | null {
  const id = (response as { id?: unknown } | null)?.id;
  return typeof id === 'string' && /^[A-Za-z0-9_-]{1,1366}$/.test(id) ? id : null;
}
