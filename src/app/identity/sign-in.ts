/**
 * Sign-in with a local account: user principal name + password, and optionally a TOTP code.
 * Starts a sign-in session (in the same transaction as the sign-in is recorded): for the browser
 * a cookie session, for API clients a session behind a bearer token with `amr` ["pwd"], or
 * ["pwd","mfa","otp"] when the code is right.
 *
 * Any wrong part gets the same InvalidCredentials, and an unknown user costs the same argon2
 * verification as a known one, so the answer says nothing about which part failed or whether the
 * account exists. Every attempt is counted towards the lockout before it is checked (attempts.ts);
 * a locked account answers TooManyRequests without checking anything.
 */
import { DomainError } from '../../domain/errors.ts';
import { base32Decode } from '../../domain/identity/base32.ts';
import type { LockoutPolicy } from '../../domain/identity/lockout.ts';
import { matchTotp } from '../../domain/identity/totp.ts';
import type { Principal } from '../../domain/model.ts';
import type { PasswordHasher } from '../ports/identity.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import type { SessionKind } from '../ports/sessions.ts';
import { confirmFailure, invalidCredentials, reserveAttempt, type AttemptContext } from './attempts.ts';
import { issueToken, type IssuedToken, type TokenDeps } from './issue-token.ts';
import { openSession, type SessionDeps, type StartedSession } from './sessions/start-session.ts';

export interface SignInDeps extends TokenDeps, SessionDeps {
  readonly uow: UnitOfWork<'tenants' | 'principals' | 'accounts' | 'totp' | 'audit' | 'sessions'>;
  readonly passwords: PasswordHasher;
  readonly lockout?: LockoutPolicy;
}

export interface SignedIn {
  readonly principal: Principal;
  readonly session: StartedSession;
  /** For API clients (not for a browser session, which the cookie carries). */
  readonly token: IssuedToken | null;
}

export interface SignInInput {
  /** Default: the deployment's first tenant. */
  readonly tenantId: string | null;
  readonly userPrincipalName: string;
  readonly password: string;
  /** A code from the user's authenticator app; without it the token carries no MFA. */
  readonly totp: string | null;
  /** `browser`: a cookie session; `api`: a bearer token naming its session. */
  readonly kind: Exclude<SessionKind, 'cli'>;
}

/** A hash of a password nobody has, verified for unknown users so they take as long as known ones. */
const decoys = new WeakMap<PasswordHasher, Promise<string>>();
function decoyHash(passwords: PasswordHasher): Promise<string> {
  let decoy = decoys.get(passwords);
  if (!decoy) {
    decoy = passwords.hash('openpim decoy password: never set for anyone');
    decoys.set(passwords, decoy);
  }
  return decoy;
}

export async function signIn(deps: SignInDeps, input: SignInInput, context: AttemptContext): Promise<SignedIn> {
  const read = deps.uow.read;
  const now = deps.clock.now();
  const tenantId = input.tenantId ?? (await read.tenants.first())?.id ?? null;
  const found = tenantId ? await read.principals.getByUpn(tenantId, input.userPrincipalName) : null;
  const user: Principal | null = found?.type === 'user' ? found : null;
  const stored = user ? await read.accounts.password(user.tenantId, user.id) : null;
  if (!user || !stored) {
    await deps.passwords.verify(await decoyHash(deps.passwords), input.password);
    throw invalidCredentials();
  }
  const reservation = await reserveAttempt(deps, user, now);

  let factor: { id: string; step: number } | null = null;
  let ok = await deps.passwords.verify(stored.hash, input.password);
  if (ok && input.totp !== null) {
    const active = await read.totp.get(user.tenantId, user.id, true);
    const key = active ? base32Decode(active.secret) : null;
    const step = active && key ? matchTotp(key, input.totp, now, active.lastUsedStep) : null;
    if (active && step !== null) factor = { id: active.id, step };
    else ok = false;
  }
  const method = input.totp !== null ? 'totp' : 'password';
  if (!ok) {
    await confirmFailure(deps, user, reservation, method, now, context);
    throw invalidCredentials();
  }
  // The password was right: now it is safe to say that the account cannot be used.
  if (!user.accountEnabled) throw new DomainError('Authorization_RequestDenied', 'This account is disabled; ask an administrator.');

  const upgraded = deps.passwords.needsRehash(stored.hash) ? await deps.passwords.hash(input.password) : null;
  const signedIn = { tenantId: user.tenantId, principalId: user.id, amr: factor ? ['pwd', 'mfa', 'otp'] : ['pwd'], authTime: now, acrs: [] };
  const session = await deps.uow.run(async (tx) => {
    // The database decides: of two requests with one code, one passes.
    if (factor && !(await tx.totp.useStep(user.tenantId, factor.id, factor.step))) return null;
    await tx.accounts.recordSignIn(user.tenantId, user.id, now);
    if (upgraded) await tx.accounts.upgradeHash(user.tenantId, user.id, stored.hash, upgraded);
    return openSession(tx, deps, { ...signedIn, kind: input.kind, method: 'password', sourceIp: context.sourceIp }, now);
  });
  if (!session) {
    await confirmFailure(deps, user, reservation, method, now, context);
    throw invalidCredentials();
  }
  return { principal: user, session, token: input.kind === 'browser' ? null : await issueToken(deps, { ...signedIn, sessionId: session.sessionId }) };
}
