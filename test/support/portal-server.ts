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
  close(): Promise<void>;
}

export interface PortalOptions {
  readonly database?: TestDatabase;
}

export async function openPortal(options: PortalOptions = {}): Promise<Portal> {
  const clock = new LiveClock();
  const origins: string[] = [];
  const relyingParty: RelyingParty = { id: 'localhost', name: 'OpenPIM (browser tests)', origins };
  const api = await openHttpHarness({ clock, relyingParty, ...(options.database ? { database: options.database } : {}) });
  const port = new URL(await api.listen()).port;
  const url = `http://localhost:${port}`;
  origins.push(url);

  const nextTotp = (user: PortalUser): string => {
    if (!user.totpKey) throw new Error(`${user.upn} has no authenticator app`);
    return totpAt(user.totpKey, clock.advance(TOTP_STEP));
  };

  return {
    api,
    clock,
    url,
    async user(upn, o = {}) {
      const principal = await createUserWithPassword(api, upn);
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
      return { principal, upn, displayName: principal.displayName, password: PASSWORD, totpKey };
    },
    nextTotp,
    async setRule(roleId, ruleId, change) {
      await setRule(api.h, roleId, ruleId, change);
    },
    close: () => api.close(),
  };
}
