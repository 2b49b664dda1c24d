/**
 * OpenPIM signing in through a real OpenID provider, for the oidc-*.test.ts files: the app wired to
 * the provider (`openApi`, with federation settings and rate limits to choose), accounts at the
 * provider, and the browser played by hand — start at OpenPIM, log in at the provider as a chosen
 * account with chosen `amr` (test/support/oidc-provider.ts), come back to OpenPIM's callback with
 * the state cookie, and call the API with the session cookie it sets.
 *
 * Each test file starts its own provider: call `useOidcProvider()` at its top level.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import type { FederationSettings } from '../../src/app/identity/federated-sign-in.ts';
import { csrfTokenFor } from '../../src/domain/identity/sessions.ts';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { HOUR } from '../../src/domain/time.ts';
import { buildApp } from '../../src/http/app.ts';
import type { HttpDeps } from '../../src/http/context.ts';
import { memoryRateLimiter, type RateLimits } from '../../src/http/rate-limit.ts';
import { cryptoRandom } from '../../src/adapters/crypto-random.ts';
import { jwtTokens } from '../../src/adapters/jwt-tokens.ts';
import { oidcIdentityProvider } from '../../src/adapters/oidc-federation.ts';
import { signingKeyStore } from '../../src/store/signing-keys.ts';
import { FakeClock, testIds } from './fake-clock.ts';
import { liveAccess, openHarness, type Harness } from './harness.ts';
import { json, MEMORY_SQLITE, TEST_PASSWORDS, type GraphErrorBody } from './http-harness.ts';
import { startOidcProvider, type Login, type TestOidcProvider } from './oidc-provider.ts';

export const REDIRECT_URI = 'https://pim.contoso.test/openpim/auth/oidc/callback';
export const STATE_COOKIE = '__Host-openpim-oidc-state';
export const SESSION_COOKIE = '__Host-openpim-session';
export const REQUESTS = '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests';
export const activation = (principalId: string) => ({
  action: 'selfActivate',
  principalId,
  roleDefinitionId: ROLE.userAdministrator,
  directoryScopeId: '/',
  justification: 'Incident 4711',
  scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
});
export const errorOf = (res: LightMyRequestResponse) => json<GraphErrorBody>(res).error;

/** The provider of the test file that called `useOidcProvider()`; set in its beforeAll. */
export let idp: TestOidcProvider;
let accountSeq = 0;

/** Starts this test file's own OpenID provider before its tests, and stops it after them. */
export function useOidcProvider(): void {
  beforeAll(async () => {
    idp = await startOidcProvider({ redirectUri: REDIRECT_URI });
  });
  afterAll(async () => idp?.close());
}

export interface Api {
  readonly h: Harness;
  readonly app: FastifyInstance;
  readonly clock: FakeClock;
  /** How many transactions the app has opened so far. */
  transactions(): number;
  close(): Promise<void>;
}

/** OpenPIM wired to this file's provider, on a fresh in-memory database; limits are generous unless given. */
export async function openApi(
  settings: Partial<FederationSettings> = {},
  limits: RateLimits = { perIpPerMinute: 100_000, perAccountPerMinute: 100_000 },
): Promise<Api> {
  // The provider stamps auth_time with the real clock: start the fake one there.
  const clock = new FakeClock(Date.now());
  const h = await openHarness(MEMORY_SQLITE, clock);
  const tokens = jwtTokens(signingKeyStore(h.store.db), clock, testIds);
  let transactions = 0;
  const uow: HttpDeps['uow'] = {
    read: h.store.read,
    run: (work) => {
      transactions += 1;
      return h.store.run(work);
    },
  };
  const app = await buildApp({
    access: await liveAccess(h),
    uow,
    clock,
    ids: testIds,
    tokens,
    mfaMaxAge: HOUR,
    bodyLimit: 64 * 1024,
    isReady: () => true,
    logger: false,
    identity: {
      passwords: TEST_PASSWORDS,
      random: cryptoRandom,
      issuer: tokens,
      tokenTtl: HOUR,
      rateLimiter: memoryRateLimiter(clock, limits),
      federation: {
        provider: oidcIdentityProvider({
          issuer: idp.issuer,
          clientId: idp.clientId,
          clientSecret: idp.clientSecret,
          clientAuthMethod: 'client_secret_basic',
          scopes: 'openid email profile',
          redirectUri: REDIRECT_URI,
          allowInsecureHttp: false,
        }),
        displayName: 'Contoso SSO',
        settings: { trustAmr: false, mfaAcrValues: [], matchBy: 'email', jitProvisioning: false, ...settings },
      },
    },
  });
  await app.ready();
  return {
    h,
    app,
    clock,
    transactions: () => transactions,
    close: async () => {
      await app.close();
      await h.close();
    },
  };
}

/** A new account at the provider. */
export function account(claims: { email?: string; email_verified?: boolean; name?: string; preferred_username?: string }): string {
  const id = `idp-user-${++accountSeq}`;
  idp.accounts.set(id, claims);
  return id;
}

export const cookieOf = (res: LightMyRequestResponse, name: string): string | null => {
  const header = res.headers['set-cookie'];
  const all = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const found = all.map(String).find((c) => c.startsWith(`${name}=`));
  return found ? found.slice(name.length + 1).split(';')[0]! : null;
};

export interface Started {
  /** The provider's redirect back to OpenPIM, as path + query. */
  readonly callback: string;
  readonly state: string;
}

/** Start at OpenPIM and log in at the provider; stops before OpenPIM's callback. */
export async function startSignIn(api: Api, login: Login, returnTo = '/'): Promise<Started> {
  const start = await api.app.inject({ method: 'GET', url: `/openpim/auth/oidc/signin?returnTo=${encodeURIComponent(returnTo)}` });
  expect(start.statusCode, start.body).toBe(302);
  const location = String(start.headers.location);
  expect(location.startsWith(`${idp.issuer}/`)).toBe(true);
  const asked = new URL(location).searchParams;
  expect(asked.get('code_challenge_method')).toBe('S256');
  expect(asked.get('nonce')).toEqual(expect.any(String));
  const state = cookieOf(start, STATE_COOKIE)!;
  expect(asked.get('state')).toBe(state);
  const back = await idp.signInAs(location, login);
  expect(back.startsWith(`${REDIRECT_URI}?`), back).toBe(true);
  const url = new URL(back);
  return { callback: url.pathname + url.search, state };
}

export const callback = (api: Api, started: Started, cookieState: string | null = started.state) =>
  api.app.inject({ method: 'GET', url: started.callback, headers: cookieState === null ? {} : { cookie: `${STATE_COOKIE}=${cookieState}` } });

/** A whole sign-in; returns the callback's answer and the session cookie it set (if any). */
export async function signIn(api: Api, login: Login, returnTo = '/'): Promise<{ res: LightMyRequestResponse; session: string | null }> {
  const res = await callback(api, await startSignIn(api, login, returnTo));
  return { res, session: cookieOf(res, SESSION_COOKIE) };
}

/** A call made by the browser with its session cookie (and the CSRF token for writes). */
export function withSession(api: Api, session: string, method: 'GET' | 'POST', url: string, body?: unknown) {
  return api.app.inject({
    method,
    url,
    headers: {
      cookie: `${SESSION_COOKIE}=${session}`,
      'x-csrf-token': csrfTokenFor(session),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

/** Row counts a refused sign-in must leave alone. */
export async function counts(api: Api): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of ['principals', 'federated_identities', 'audit_events', 'sessions'] as const) {
    const row = await api.h.store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    result[table] = Number(row.n);
  }
  return result;
}

export async function activities(api: Api): Promise<string[]> {
  const rows = await api.h.store.db.selectFrom('audit_events').select('activity').orderBy('seq').execute();
  return rows.map((r) => r.activity);
}

/** A link made beforehand (as an administrator would): the provider account `sub` is `user`. */
export async function link(api: Api, user: Principal, sub: string): Promise<void> {
  await api.h.store.run((tx) =>
    tx.federation.link({
      tenantId: api.h.tenantId,
      issuer: idp.issuer,
      subject: sub,
      principalId: user.id,
      createdAt: api.clock.now(),
      lastSignInAt: null,
    }),
  );
}

export async function whoAmI(api: Api, session: string): Promise<string> {
  const me = await withSession(api, session, 'GET', '/v1.0/me');
  expect(me.statusCode, me.body).toBe(200);
  return json(me).id as string;
}
