/**
 * The HTTP test tier: the real Fastify app (buildApp) over a Harness store with its fake clock,
 * real Ed25519 bearer tokens, and helpers to call routes with app.inject() or over loopback.
 *
 * @example
 *   const api = await openHttpHarness();
 *   const alice = await api.h.user('alice@contoso.test');
 *   const res = await api.call(alice, 'GET', '/v1.0/users');
 *   expect(res.statusCode).toBe(200);
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Principal } from '../../src/domain/model.ts';
import { HOUR, parseDuration } from '../../src/domain/time.ts';
import { buildApp } from '../../src/http/app.ts';
import { jwtTokens, type JwtTokens } from '../../src/adapters/jwt-tokens.ts';
import { signingKeyStore } from '../../src/store/signing-keys.ts';
import type { TestDatabase } from './databases.ts';
import { FakeClock, testIds } from './fake-clock.ts';
import { liveAccess, openHarness, type Harness } from './harness.ts';
import { memoryRateLimiter, type RateLimits } from '../../src/http/rate-limit.ts';
import { argon2Passwords } from '../../src/adapters/argon2-passwords.ts';
import { cryptoRandom } from '../../src/adapters/crypto-random.ts';
import { simpleWebAuthnCeremonies } from '../../src/adapters/simplewebauthn-ceremonies.ts';
import type { RelyingParty } from '../../src/app/ports/webauthn.ts';
import type { SessionHttpSettings } from '../../src/http/context.ts';
import { BREAK_GLASS_USED } from '../../src/app/identity/record-break-glass-use.ts';
import { ACTIVITY } from '../../src/domain/audit/activities.ts';
import type { ApprovalLinks } from '../../src/app/ports/notifier.ts';
import { approvalLinkTokens } from '../../src/adapters/approval-link-tokens.ts';
import { signingKeyring } from '../../src/adapters/jwt-tokens.ts';

/** argon2id made cheap for tests (the real parameters are unit-tested in src/server). */
export const TEST_PASSWORDS = argon2Passwords({ memory: 1024, passes: 1, parallelism: 1 });

/** The relying party of HTTP tests; test/support/soft-authenticator.ts signs for it. */
export const TEST_RELYING_PARTY: RelyingParty = { id: 'pim.contoso.test', name: 'OpenPIM (test)', origins: ['https://pim.contoso.test'] };

/** In-memory SQLite: enough for most HTTP tests, which are about the edge, not the store. */
export const MEMORY_SQLITE: TestDatabase = { name: 'sqlite', target: async () => ({ kind: 'sqlite', path: ':memory:' }) };

export interface TokenOptions {
  /** Signed in with MFA at the clock's now (default true). */
  readonly mfa?: boolean;
  /** Lifetime as an ISO duration or ms (default PT1H). */
  readonly ttl?: string | number;
}

/** Who calls: a principal (a token is issued), a raw token string, or nobody. */
export type As = Principal | string | null;

export interface CallOptions extends TokenOptions {
  readonly headers?: Record<string, string>;
  /** A raw payload (string) instead of a JSON body. */
  readonly payload?: string;
}

export interface HttpHarness {
  readonly h: Harness;
  readonly app: FastifyInstance;
  readonly tokens: JwtTokens;
  readonly clock: FakeClock;
  /** The bootstrap Global Administrator as a principal. */
  readonly admin: Principal;
  /** The one-click approval links the app takes (/openpim/approvals/act), when enabled (`approvalLinks: true`). */
  readonly links: ApprovalLinks | null;
  /** A bearer token for a principal, issued at the clock's now. */
  token(principal: Principal | string, options?: TokenOptions): Promise<string>;
  /** app.inject() as `who`; objects are sent as JSON. */
  call(who: As, method: InjectOptions['method'], url: string, body?: unknown, options?: CallOptions): Promise<LightMyRequestResponse>;
  /** Listens on a free loopback port; returns the base URL (http://127.0.0.1:PORT). */
  listen(): Promise<string>;
  /** Row counts of the tables a refused request must leave alone. */
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export interface HttpHarnessOptions {
  readonly database?: TestDatabase;
  readonly clock?: FakeClock;
  readonly bodyLimit?: number;
  readonly mfaMaxAge?: number;
  /** What /healthz reports (default: always ready). */
  readonly isReady?: () => boolean;
  /** Sign-in rate limits (default: high enough that only tests about them meet them). */
  readonly rateLimits?: RateLimits;
  /** Lifetime of tokens from sign-in, step-up and the token endpoint (default PT1H). */
  readonly tokenTtl?: number;
  /** What the server's X-Forwarded-For trust is (default: none). */
  readonly trustProxy?: boolean | string;
  /** Sign-in session time-outs and cookie settings (default: DEFAULT_SESSIONS in src/http/auth.ts). */
  readonly sessions?: SessionHttpSettings;
  /** The WebAuthn relying party (default TEST_RELYING_PARTY; read at each ceremony, so origins may be added after listen()). */
  readonly relyingParty?: RelyingParty;
  /** Enable one-click approval links, signed with the store's keys as the server does (default: off). */
  readonly approvalLinks?: boolean;
}

const COUNTED = [
  'audit_events',
  'schedule_requests',
  'schedules',
  'principals',
  'group_members',
  'role_definitions',
  'scopes',
  'policy_rules',
  'timeline',
  'change_feed',
] as const;

export async function openHttpHarness(options: HttpHarnessOptions = {}): Promise<HttpHarness> {
  const h = await openHarness(options.database ?? MEMORY_SQLITE, options.clock ?? new FakeClock());
  const tokens = jwtTokens(signingKeyStore(h.store.db), h.clock, testIds);
  const access = await liveAccess(h);
  const links = options.approvalLinks ? approvalLinkTokens(signingKeyring(signingKeyStore(h.store.db), h.clock, testIds), h.clock, testIds) : null;
  const app = await buildApp({
    access,
    uow: h.store,
    clock: h.clock,
    ids: testIds,
    tokens,
    mfaMaxAge: options.mfaMaxAge ?? HOUR,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    isReady: options.isReady ?? (() => true),
    logger: false,
    identity: {
      passwords: TEST_PASSWORDS,
      random: cryptoRandom,
      issuer: tokens,
      tokenTtl: options.tokenTtl ?? HOUR,
      rateLimiter: memoryRateLimiter(h.clock, options.rateLimits ?? { perIpPerMinute: 100_000, perAccountPerMinute: 100_000 }),
      webauthn: { ceremonies: simpleWebAuthnCeremonies, rp: options.relyingParty ?? TEST_RELYING_PARTY },
    },
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    ...(options.sessions !== undefined ? { sessions: options.sessions } : {}),
    ...(links ? { approvalLinks: links } : {}),
  });
  await app.ready();

  const token: HttpHarness['token'] = (principal, o = {}) =>
    tokens.issue(
      {
        tenantId: h.tenantId,
        principalId: typeof principal === 'string' ? principal : principal.id,
        amr: (o.mfa ?? true) ? ['pwd', 'mfa'] : ['pwd'],
        authTime: h.clock.now(),
        acrs: [],
      },
      typeof o.ttl === 'number' ? o.ttl : parseDuration(o.ttl ?? 'PT1H'),
    );

  return {
    h,
    app,
    tokens,
    clock: h.clock,
    admin: h.admin.principal,
    links,
    token,
    async call(who, method, url, body, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (who !== null) headers.authorization = `Bearer ${typeof who === 'string' ? who : await token(who, o)}`;
      const request: InjectOptions = { method, url, headers };
      if (o.payload !== undefined) {
        request.payload = o.payload;
        headers['content-type'] ??= 'application/json';
      } else if (body !== undefined) {
        request.payload = JSON.stringify(body);
        headers['content-type'] = 'application/json';
      }
      return app.inject(request);
    },
    async listen() {
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      return address.replace('localhost', '127.0.0.1');
    },
    async counts() {
      // A break-glass account's use is audited even when its request is refused — that is the point
      // (docs/guide.md, "Break-glass accounts"); the bootstrap admin most tests call as is one. Those records are left out here:
      // a refused request must change nothing else. test/medium/break-glass.test.ts covers them.
      const result: Record<string, number> = {};
      for (const table of COUNTED) {
        const row = await h.store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        result[table] = Number(row.n);
      }
      const uses = await h.store.db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('activity', '=', ACTIVITY.breakGlassUsed)
        .executeTakeFirstOrThrow();
      const alerts = await h.store.db
        .selectFrom('change_feed')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('topic', '=', BREAK_GLASS_USED)
        .executeTakeFirstOrThrow();
      result.audit_events! -= Number(uses.n);
      result.change_feed! -= Number(alerts.n);
      // Every change is audited, so an unchanged chain head also means no row was updated.
      const head = await h.store.db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('activity', '!=', ACTIVITY.breakGlassUsed)
        .executeTakeFirstOrThrow();
      result.auditHead = Number(head.seq ?? 0);
      return result;
    },
    async close() {
      await app.close();
      await h.close();
    },
  };
}

/** The body of a Graph error response, checked for shape. */
export interface GraphErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly innerError: { readonly date: string; readonly 'request-id': string } };
}

/** Parses a response body as JSON (throws a readable error when it is not). */
export function json<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  try {
    return JSON.parse(res.body) as T;
  } catch {
    throw new Error(`response ${res.statusCode} is not JSON: ${res.body.slice(0, 200)}`);
  }
}
