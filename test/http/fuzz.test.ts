/**
 * Hostile input, fuzzed: every write route of the running app (Graph, /openpim, SCIM), the sign-in
 * endpoints and the token endpoint, then every read route, each sent seeded fast-check requests —
 * near-valid bodies with one field wrong, garbage, wrong content types, hostile path parameters
 * and OData queries — as the bootstrap Global Administrator, an ordinary user, nobody, a bad token
 * and a SCIM token. After every request (test/support/fuzz/checks.ts, state.ts):
 *
 *  - no 5xx;
 *  - a refused (4xx) request changed no row of any table and not the audit chain's head;
 *  - an error comes in the API's error shape, without internals, and every response says nosniff;
 *
 * and at the end the audit chain verifies. Routes are read from the app, so a new one is fuzzed
 * without being listed; a write route that got no request fails the test.
 *
 * Bounded for the suite: FUZZ_RUNS requests per write route (default 10 on SQLite, 3 on PostgreSQL;
 * up to four times that where there are more seeds, and on sign-in and the token endpoint: runsFor),
 * from FUZZ_SEED. A failure prints the seed, the request and the response. The long run, which
 * collects every finding instead of stopping: `node bench/fuzz.ts` (docs/architecture.md, "Hostile testing").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/app/audit/verify-audit.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { fuzzRoute, newStats, runsFor } from '../support/fuzz/fuzzer.ts';
import { routeKey } from '../support/fuzz/routes.ts';
import { changesOfRefusal, snapshot } from '../support/fuzz/state.ts';
import { openFuzzWorld, type FuzzWorld } from '../support/fuzz/world.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20260105);
const DEFAULT_RUNS = { sqlite: 10, postgres: 3 } as const;

describe.each(TEST_DATABASES)('hostile input on $name', (database) => {
  const runs = Number(process.env.FUZZ_RUNS ?? DEFAULT_RUNS[database.name]);
  // Generous: a long FUZZ_RUNS must not trip the suite's time-out, only a hang should.
  const timeout = 60_000 + runs * 10_000;
  const stats = newStats();
  let world: FuzzWorld;
  let started = 0;

  beforeAll(async () => {
    world = await openFuzzWorld(database);
    started = performance.now();
  }, 120_000);
  afterAll(async () => {
    const s = stats.byStatus;
    console.log(
      `fuzz on ${database.name} (FUZZ_SEED=${SEED}, FUZZ_RUNS=${runs}): ${stats.requests} requests in ${((performance.now() - started) / 1000).toFixed(1)} s — ` +
        `2xx ${s['2xx']}, 3xx ${s['3xx']}, 4xx ${s['4xx']}, 5xx ${s['5xx']}`,
    );
    await world?.close();
  });

  it('reads the write routes from the app, every documented one among them', () => {
    const found = new Set(world.writeRoutes.map(routeKey));
    expect(world.documentedWrites.map(routeKey).filter((r) => !found.has(r))).toEqual([]);
    // SCIM's routes are undocumented: the route table, not /openapi.json, must have brought them.
    expect([...found].filter((r) => r.includes('/scim/v2/')).length).toBeGreaterThanOrEqual(8);
  });

  // The invariant is only as good as its check: it must see a change, and let a counted sign-in failure through.
  it('notices a change a refusal must not make, and allows the ones a refusal makes by design', async () => {
    const before = await snapshot(world.db, world.tables);
    const made = await world.api.call(world.bearer.admin, 'POST', '/v1.0/groups', { displayName: 'Canary' });
    expect(made.statusCode, made.body).toBe(201);
    const afterWrite = await snapshot(world.db, world.tables);
    const context = { principalId: null, now: world.api.clock.now() };
    expect(await changesOfRefusal(world.db, before, afterWrite, context)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^principals: /), expect.stringMatching(/^audit events appended: /)]),
    );
    const failed = await world.api.call(null, 'POST', '/openpim/auth/signin', { userPrincipalName: 'signer@contoso.test', password: 'wrong password' });
    expect(failed.statusCode, failed.body).toBe(400);
    expect(await changesOfRefusal(world.db, afterWrite, await snapshot(world.db, world.tables), context)).toEqual([]);
  });

  it(
    'answers hostile writes, sign-ins and token requests without a 5xx, and their refusals change nothing',
    async () => {
      for (const route of world.writeRoutes) {
        await fuzzRoute(world, route, { seed: SEED, runs: runsFor(world, route, runs), stats, onProblem: 'throw' });
      }
      expect(world.writeRoutes.filter((r) => !stats.perRoute.get(routeKey(r))).map(routeKey), 'write routes that got no request').toEqual([]);
    },
    timeout,
  );

  it(
    'answers hostile paths and queries on every read route the same way',
    async () => {
      for (const route of world.readRoutes) {
        await fuzzRoute(world, route, { seed: SEED, runs: runsFor(world, route, runs), stats, onProblem: 'throw' });
      }
    },
    timeout,
  );

  it('leaves an audit chain that verifies', async () => {
    const result = await verifyAudit(world.api.h.store.read.audit);
    expect(result.break).toBeNull();
    expect(result.ok).toBe(true);
  });
});
