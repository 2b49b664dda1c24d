/**
 * Sign-in with a verified account of the organisation's OpenID provider (docs/decisions/0012):
 * find the principal, linking or creating it as configured, and say what the session carries.
 *
 * 1. A linked account (issuer, sub) names its principal, whatever its email is now.
 * 2. Else, with `matchBy: 'email'`, one user whose userPrincipalName or mail is the *verified* email
 *    is linked — not a break-glass account, not a privileged one (holding or eligible for a
 *    privileged role, directly or through a group: an administrator links those), not a user linked
 *    to another account of this provider, and not when two users share the address (ambiguity is
 *    refused, never guessed).
 * 3. Else, with `jitProvisioning`, a user is created from the claims and linked.
 *
 * Groups and service principals never match. A disabled account is refused. All of it, with its
 * audit events, happens in one transaction: a refusal writes nothing.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { SYSTEM_ACTOR } from '../../domain/audit/event.ts';
import { DomainError } from '../../domain/errors.ts';
import { federatedAuthentication, jitAttributes, matchableEmail, type FederatedClaims, type FederationTrust } from '../../domain/identity/federation.ts';
import type { Principal } from '../../domain/model.ts';
import type { Instant } from '../../domain/time.ts';
import { auditRecord, principalTarget } from '../audit/record.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { ReadRepositories, Repositories, UnitOfWork } from '../ports/repositories.ts';
import type { AttemptContext } from './attempts.ts';
import { isPrivilegedAccount } from './privileged-account.ts';
import { openSession, type SessionDeps, type StartedSession } from './sessions/start-session.ts';

export interface FederationSettings extends FederationTrust {
  /** How a provider account without a link finds its user: only by a link (`sub`), or by verified email too. */
  readonly matchBy: 'sub' | 'email';
  /** Create a user for a provider account that matches none. */
  readonly jitProvisioning: boolean;
}

export interface FederatedSignInDeps {
  readonly uow: UnitOfWork<'federation' | 'principals' | 'accounts' | 'audit' | 'feed' | 'sessions'>;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly settings: FederationSettings;
  /** Start a browser session in the sign-in's own transaction (else the caller makes a session or token from the result). */
  readonly browserSession?: Pick<SessionDeps, 'random' | 'sessions'>;
}

/** Who signed in and how: what a session or token is made from. */
export interface FederatedSignInResult {
  readonly tenantId: string;
  readonly principalId: string;
  readonly amr: readonly string[];
  readonly authTime: Instant;
  readonly acrs: readonly string[];
  /** The browser session started with it, when `browserSession` was given. */
  readonly session: StartedSession | null;
}

const denied = (message: string) => new DomainError('Authorization_RequestDenied', message);

export async function federatedSignIn(
  deps: FederatedSignInDeps,
  tenantId: string,
  claims: FederatedClaims,
  context: AttemptContext,
): Promise<FederatedSignInResult> {
  const now = deps.clock.now();
  const auth = federatedAuthentication(deps.settings, claims, now);
  return deps.uow.run(async (tx) => {
    const link = await tx.federation.find(tenantId, claims.issuer, claims.subject);
    let user: Principal | null = null;
    if (link) {
      const found = await tx.principals.get(tenantId, link.principalId);
      if (found?.type !== 'user') throw denied('The identity provider account is linked to no OpenPIM user.');
      user = found;
    } else {
      user =
        (deps.settings.matchBy === 'email' ? await matchByEmail(tx, tenantId, claims, now) : null) ??
        (deps.settings.jitProvisioning ? await createJustInTime(deps, tx, tenantId, claims, context, now) : null);
      if (!user) {
        throw denied('No OpenPIM account matches this identity provider account; ask an administrator to create one.');
      }
      if (!user.accountEnabled) throw denied('This account is disabled; ask an administrator.');
      await tx.federation.link({ tenantId, issuer: claims.issuer, subject: claims.subject, principalId: user.id, createdAt: now, lastSignInAt: null });
      await tx.audit.append(
        auditRecord(tenantId, SYSTEM_ACTOR, context.correlationId, now, {
          activity: ACTIVITY.federatedIdentityLinked,
          category: 'UserManagement',
          operationType: 'Update',
          targets: [principalTarget(user)],
          details: { Issuer: claims.issuer, Subject: claims.subject },
        }),
      );
    }
    if (!user.accountEnabled) throw denied('This account is disabled; ask an administrator.');

    await tx.federation.recordSignIn(tenantId, claims.issuer, claims.subject, now);
    await tx.accounts.recordSignIn(tenantId, user.id, now);
    const actor = { id: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName, type: 'user' as const };
    await tx.audit.append(
      auditRecord(tenantId, actor, context.correlationId, now, {
        activity: ACTIVITY.federatedSignIn,
        category: 'UserManagement',
        operationType: 'Other',
        targets: [principalTarget(user)],
        details: {
          Issuer: claims.issuer,
          AuthenticationMethods: auth.amr.join(' '),
          MultiFactor: String(auth.mfa),
          ...(claims.acr ? { Acr: claims.acr.slice(0, 256) } : {}),
          ...(context.sourceIp ? { SourceAddress: context.sourceIp } : {}),
        },
      }),
    );
    const signedIn = { tenantId, principalId: user.id, amr: auth.amr, authTime: auth.authTime, acrs: [] };
    const session = deps.browserSession
      ? await openSession(tx, { ids: deps.ids, ...deps.browserSession }, { ...signedIn, kind: 'browser', method: 'oidc', sourceIp: context.sourceIp }, now)
      : null;
    return { ...signedIn, session };
  });
}

async function matchByEmail(
  tx: ReadRepositories<'federation' | 'principals' | 'accounts'>,
  tenantId: string,
  claims: FederatedClaims,
  now: Instant,
): Promise<Principal | null> {
  const email = matchableEmail(claims);
  if (!email) return null;
  const ids = await tx.federation.usersByEmail(tenantId, email);
  if (ids.length > 1) throw denied('Several OpenPIM users have this email address; ask an administrator to resolve it.');
  const user = ids[0] ? await tx.principals.get(tenantId, ids[0]) : null;
  if (!user || user.type !== 'user') return null;
  // A break-glass account must work when the provider does not, and must not be taken over through it.
  if (user.isBreakGlass) throw denied('Break-glass accounts sign in with their local credentials only.');
  // Whoever controls an address at the provider must not become an administrator through it: the
  // same rule as a helpdesk password reset (credential-rights.ts), on current grants.
  if (await isPrivilegedAccount(tx, tenantId, user.id, now)) {
    throw denied(
      `'${user.displayName}' is a privileged account (holds or may activate a privileged role), which is never linked by email automatically: ` +
        "an administrator must link it (or use matchBy 'sub' with a link made beforehand).",
    );
  }
  const links = await tx.federation.linksOf(tenantId, user.id);
  if (links.some((l) => l.issuer === claims.issuer)) {
    throw denied('This OpenPIM user is linked to another account of the identity provider; ask an administrator.');
  }
  return user;
}

async function createJustInTime(
  deps: FederatedSignInDeps,
  tx: Pick<Repositories, 'principals' | 'audit' | 'feed'>,
  tenantId: string,
  claims: FederatedClaims,
  context: AttemptContext,
  now: Instant,
): Promise<Principal> {
  const attributes = jitAttributes(claims);
  if (!attributes) throw denied('The identity provider gave no verified email or address-like username to create an account with.');
  if (await tx.principals.getByUpn(tenantId, attributes.userPrincipalName)) {
    throw denied(`A user ${attributes.userPrincipalName} exists but is not linked to this identity provider account; ask an administrator.`);
  }
  const user: Principal = {
    tenantId,
    id: deps.ids.uuid(),
    type: 'user',
    displayName: attributes.displayName,
    userPrincipalName: attributes.userPrincipalName,
    mail: attributes.mail,
    accountEnabled: true,
    isBreakGlass: false,
    isAssignableToRole: false,
    managerId: null,
    description: null,
    createdAt: now,
  };
  await tx.principals.insert(user);
  await tx.audit.append(
    auditRecord(tenantId, SYSTEM_ACTOR, context.correlationId, now, {
      activity: ACTIVITY.userAdded,
      category: 'UserManagement',
      operationType: 'Add',
      targets: [principalTarget(user)],
      details: { Source: 'OIDC just-in-time provisioning', Issuer: claims.issuer },
    }),
  );
  await tx.feed.append(tenantId, 'principal.created', user.id, { type: 'user', principal: user });
  return user;
}
