/**
 * A real OpenPIM HTTP server for the browser tier: the HTTP harness (buildApp, which serves the
 * built portal from web/dist at `/`) listening on a loopback port, reached as http://localhost:PORT.
 * Chromium counts loopback over plain HTTP as a secure context and keeps the `Secure` `__Host-`
 * session cookie there (on 127.0.0.1 too); `localhost` because a WebAuthn relying party id cannot
 * be an IP address.
 *
 * Its clock runs in real time (the browser's countdowns and the session's end agree with it) and
 * can be moved forward by hand: a TOTP code works once per 30-second step, so each code a test
 * types is computed a step later than the last one (`nextTotp`), never waited for.
 *
 * @example
 *   const portal = await openPortal();
 *   const alice = await portal.user('alice@contoso.test', { totp: true, eligibleFor: [ROLE.userAdministrator] });
 *   await page.goto(portal.url);
 *
 * With `smtp`, it also sends notifications as the real server does — email to that SMTP server
 * (test/notify/support/smtp.ts), with one-click approval links to the portal's /approve page.
 */
import { base32Decode } from '../../src/domain/identity/base32.ts';
import { totpAt } from '../../src/domain/identity/totp.ts';
import type { Principal } from '../../src/domain/model.ts';
import { parseDuration } from '../../src/domain/time.ts';
import type { RelyingParty } from '../../src/app/ports/webauthn.ts';
import type { RuleId } from '../../src/domain/policy/rules.ts';
import { apiSignIn, createUserWithPassword, PASSWORD } from './browser-session.ts';
import type { TestDatabase } from './databases.ts';
import { FakeClock } from './fake-clock.ts';
import { json, openHttpHarness, type HttpHarness } from './http-harness.ts';
import { adminAssign, setRule } from './scenario.ts';
import { chatWebhooks } from '../../src/notify/chat-webhook.ts';
import { smtpMailer } from '../../src/notify/smtp-mailer.ts';
import { startNotificationRunner, type NotificationRunner } from '../../src/server/notification-runner.ts';

/** The real time plus whatever a test moved it on by: a clock the browser agrees with, still under the test's control. */
export class LiveClock extends FakeClock {
  #offset = 0;
  override now(): number {
    return Date.now() + this.#offset;
  }
  override advance(by: string | number): number {
    this.#offset += typeof by === 'number' ? by : parseDuration(by);
    return this.now();
  }
  override set(at: number | string): void {
    this.#offset = (typeof at === 'number' ? at : Date.parse(at)) - Date.now();
  }
}

const TOTP_STEP = 30_000;

export interface PortalUser {
  readonly principal: Principal;
  readonly upn: string;
  readonly displayName: string;
  readonly password: string;
  /** The authenticator app's key, when the user has one. */
  readonly totpKey: Uint8Array | null;
}

export interface UserOptions {
  /** Enrol and confirm an authenticator app (through the API, as the user). */
  readonly totp?: boolean;
  /** Directory roles (at `/`) the user is made eligible for, permanently. */
  readonly eligibleFor?: readonly string[];
  /** Directory roles (at `/`) the user holds, active and permanent: an administrator's own. */
  readonly activeIn?: readonly string[];
  /** The user's email address (none by default: nobody is mailed). */
  readonly mail?: string;
  /** Display name (default: the part of the sign-in name before the @). */
  readonly displayName?: string;
}

export interface Portal {
  readonly api: HttpHarness;
  readonly clock: LiveClock;
  /** http://localhost:PORT — where the browser goes. */
  readonly url: string;
  /** Creates a user with the test password; optionally an authenticator app and eligibilities. */
  user(upn: string, options?: UserOptions): Promise<PortalUser>;
  /**
   * A code from the user's authenticator app that the server has not seen used: the clock moves on
   * one TOTP step first, so the code belongs to a step after any used before.
   */
  nextTotp(user: PortalUser): string;
  /** Changes one rule of a role's policy at `/` (as the admin, through the use case). */
  setRule(roleId: string, ruleId: RuleId, change: Readonly<Record<string, unknown>>): Promise<void>;
  /** The notification job's runner, when the portal mails (`smtp`). */
  readonly notifier: NotificationRunner | null;
  close(): Promise<void>;
}

export interface PortalOptions {
  readonly database?: TestDatabase;
  /** Mail notifications to this SMTP server on 127.0.0.1 (plain, no authentication); approval links are enabled. */
  readonly smtp?: { readonly port: number };
}

export const ROLE_REQUESTS = '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests';

/** A directory role request as the API shows it. */
export interface ApiRequest {
  readonly id: string;
  readonly status: string;
  readonly action: string;
  readonly roleDefinitionId: string;
  readonly approvalId: string | null;
  readonly justification: string | null;
  readonly ticketInfo: { readonly ticketNumber: string | null; readonly ticketSystem: string | null };
  readonly scheduleInfo: { readonly expiration: { readonly duration: string | null } };
}

/** The user's directory role requests as the API (an administrator) lists them. */
export async function requestsOf(portal: Portal, user: PortalUser): Promise<ApiRequest[]> {
  const res = await portal.api.call(portal.api.admin, 'GET', `${ROLE_REQUESTS}?$filter=principalId eq '${user.principal.id}'`);
  if (res.statusCode !== 200) throw new Error(`requests of ${user.upn}: ${res.statusCode} ${res.body}`);
  return json<{ value: ApiRequest[] }>(res).value;
}

/** The rules of a directory role's policy at `/`, by rule id, as the API (an administrator) reads them. */
export async function policyRulesOf(portal: Portal, roleId: string): Promise<Record<string, Record<string, unknown>>> {
  const filter = `scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${roleId}'`;
  const res = await portal.api.call(
    portal.api.admin,
    'GET',
    `/v1.0/policies/roleManagementPolicyAssignments?$filter=${encodeURIComponent(filter)}&$expand=policy($expand=rules)`,
  );
  if (res.statusCode !== 200) throw new Error(`policy of ${roleId}: ${res.statusCode} ${res.body}`);
  const [assignment] = json<{ value: { policy: { rules: { id: string }[] } }[] }>(res).value;
  return Object.fromEntries((assignment?.policy.rules ?? []).map((r) => [r.id, r]));
}

/** The tenant default policy's rules, by rule id, as the API (an administrator) reads them. */
export async function tenantDefaultRulesOf(portal: Portal): Promise<Record<string, Record<string, unknown>>> {
  const res = await portal.api.call(
    portal.api.admin,
    'GET',
    `/v1.0/policies/roleManagementPolicies?$filter=${encodeURIComponent('isOrganizationDefault eq true')}&$expand=rules`,
  );
  if (res.statusCode !== 200) throw new Error(`tenant default policy: ${res.statusCode} ${res.body}`);
  const [policy] = json<{ value: { rules: { id: string }[] }[] }>(res).value;
  return Object.fromEntries((policy?.rules ?? []).map((r) => [r.id, r]));
}

export async function openPortal(options: PortalOptions = {}): Promise<Portal> {
  const clock = new LiveClock();
  const origins: string[] = [];
  const relyingParty: RelyingParty = { id: 'localhost', name: 'OpenPIM (browser tests)', origins };
  const api = await openHttpHarness({
    clock,
    relyingParty,
    approvalLinks: options.smtp !== undefined,
    ...(options.database ? { database: options.database } : {}),
  });
  const port = new URL(await api.listen()).port;
  const url = `http://localhost:${port}`;
  origins.push(url);

  // As src/server/start.ts wires it: the job reads the change feed after each commit; links lead to this portal.
  let notifier: NotificationRunner | null = null;
  let stopNotifying = () => {};
  if (options.smtp) {
    notifier = startNotificationRunner({
      uow: api.h.store,
      clock,
      links: api.links!,
      chat: chatWebhooks(),
      mailer: smtpMailer({ host: '127.0.0.1', port: options.smtp.port, secure: false, from: 'OpenPIM <pim@contoso.test>', timeoutMs: 5_000 }),
      settings: { publicUrl: url, webhooks: [], linkTtlMs: 3_600_000, digest: false },
    });
    const runner = notifier;
    stopNotifying = api.h.store.onCommit(() => runner.wake());
  }

  const nextTotp = (user: PortalUser): string => {
    if (!user.totpKey) throw new Error(`${user.upn} has no authenticator app`);
    return totpAt(user.totpKey, clock.advance(TOTP_STEP));
  };

  return {
    api,
    clock,
    url,
    async user(upn, o = {}) {
      const principal = await createUserWithPassword(api, upn, {
        ...(o.mail !== undefined ? { mail: o.mail } : {}),
        ...(o.displayName !== undefined ? { displayName: o.displayName } : {}),
      });
      let totpKey: Uint8Array | null = null;
      if (o.totp) {
        const token = await apiSignIn(api, upn);
        const enrolled = await api.call(token, 'POST', '/openpim/me/authentication/totp');
        if (enrolled.statusCode !== 201) throw new Error(`TOTP enrolment of ${upn}: ${enrolled.statusCode} ${enrolled.body}`);
        totpKey = base32Decode(json<{ secret: string }>(enrolled).secret)!;
        const confirmed = await api.call(token, 'POST', '/openpim/me/authentication/totp/confirm', { code: totpAt(totpKey, clock.now()) });
        if (confirmed.statusCode !== 200) throw new Error(`TOTP confirmation of ${upn}: ${confirmed.statusCode} ${confirmed.body}`);
      }
      for (const roleId of o.eligibleFor ?? []) await adminAssign(api.h, 'eligibility', principal, roleId);
      for (const roleId of o.activeIn ?? []) await adminAssign(api.h, 'assignment', principal, roleId);
      return { principal, upn, displayName: principal.displayName, password: PASSWORD, totpKey };
    },
    nextTotp,
    async setRule(roleId, ruleId, change) {
      await setRule(api.h, roleId, ruleId, change);
    },
    notifier,
    async close() {
      stopNotifying();
      await notifier?.stop();
      await api.close();
    },
  };
}
