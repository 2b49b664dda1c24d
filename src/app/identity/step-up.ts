/**
 * Step-up: the holder of a valid token proves a second factor — a TOTP code or a recovery code —
 * and gets a fresh token whose `amr` adds `mfa` and `otp` and whose `auth_time` is now, so policies
 * that require a recent MFA (MfaRule) are met. This is what a
 * `WWW-Authenticate: … insufficient_claims` challenge asks for (a step-up, not a dead end:
 * docs/guide.md, "Signing in and MFA"). The caller's sign-in session records the step-up too, so a
 * browser's cookie carries it and the new token keeps the session's `sid`.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import { base32Decode } from '../../domain/identity/base32.ts';
import { contextsSatisfiedBy, DEFAULT_AUTHENTICATION_CONTEXTS, type AuthenticationContexts } from '../../domain/identity/authentication-contexts.ts';
import type { LockoutPolicy } from '../../domain/identity/lockout.ts';
import { hashRecoveryCode, normalizeRecoveryCode } from '../../domain/identity/recovery-codes.ts';
import { matchTotp } from '../../domain/identity/totp.ts';
import { actorOf, auditRecord, principalTarget } from '../audit/record.ts';
import type { Caller } from '../caller.ts';
import type { Clock } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { confirmFailure, invalidCredentials, reserveAttempt, type AttemptContext } from './attempts.ts';
import { issueToken, type IssuedToken, type TokenDeps } from './issue-token.ts';

export interface StepUpDeps extends TokenDeps {
  readonly uow: UnitOfWork<'totp' | 'accounts' | 'audit' | 'sessions'>;
  readonly clock: Clock;
  readonly lockout?: LockoutPolicy;
  /** Authentication contexts a TOTP or recovery code satisfies (config; by default none: phishing-resistant needs WebAuthn). */
  readonly contexts?: AuthenticationContexts;
}

export type StepUpProof = { readonly totp: string } | { readonly recoveryCode: string };

export async function stepUp(deps: StepUpDeps, caller: Caller, proof: StepUpProof, context: AttemptContext): Promise<IssuedToken> {
  const user = caller.principal;
  if (user.type !== 'user') {
    throw new DomainError('AuthenticationMethodNotEnrolled', 'Only users step up; service principals authenticate with client credentials.');
  }
  const read = deps.uow.read;
  const now = deps.clock.now();
  const active = await read.totp.get(user.tenantId, user.id, true);
  if (!active) {
    throw new DomainError('AuthenticationMethodNotEnrolled', 'You have no authenticator app: enroll one at POST /openpim/me/authentication/totp first.');
  }
  const reservation = await reserveAttempt(deps, user, now);

  const method = 'totp' in proof ? 'totp' : 'recoveryCode';
  let step: number | null = null;
  let recoveryHash: string | null = null;
  if ('totp' in proof) {
    const key = base32Decode(active.secret);
    step = key ? matchTotp(key, proof.totp, now, active.lastUsedStep) : null;
  } else {
    recoveryHash = normalizeRecoveryCode(proof.recoveryCode) ? hashRecoveryCode(proof.recoveryCode) : null;
  }

  const amr = [...new Set([...caller.amr, 'mfa', 'otp'])];
  const acrs = [...new Set([...caller.acrs, ...contextsSatisfiedBy(deps.contexts ?? DEFAULT_AUTHENTICATION_CONTEXTS, 'otp')])];
  const accepted =
    (step !== null || recoveryHash !== null) &&
    (await deps.uow.run(async (tx) => {
      if (step !== null) {
        // The database decides: of two requests with one code, one passes.
        if (!(await tx.totp.useStep(user.tenantId, active.id, step))) return false;
      } else {
        if (!(await tx.totp.useRecoveryCode(user.tenantId, user.id, recoveryHash!, now))) return false;
        const remaining = await tx.totp.remainingRecoveryCodes(user.tenantId, user.id);
        await tx.audit.append(
          auditRecord(user.tenantId, actorOf(caller), caller.correlationId, now, {
            activity: ACTIVITY.recoveryCodeUsed,
            category: 'UserManagement',
            operationType: 'Update',
            targets: [principalTarget(user)],
            details: { RecoveryCodesRemaining: String(remaining), ...(context.sourceIp ? { SourceIpAddress: context.sourceIp } : {}) },
          }),
        );
      }
      await tx.accounts.recordSignIn(user.tenantId, user.id, now);
      // A browser session (and every later token from this session) now carries the MFA too.
      if (caller.sessionId) await tx.sessions.updateAuthentication(user.tenantId, caller.sessionId, amr, acrs, now);
      return true;
    }));
  if (!accepted) {
    await confirmFailure(deps, user, reservation, method, now, context);
    throw invalidCredentials('The verification code is incorrect.');
  }
  return issueToken(deps, { tenantId: user.tenantId, principalId: user.id, amr, authTime: now, acrs, sessionId: caller.sessionId ?? null });
}
