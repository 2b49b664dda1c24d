/**
 * Runs the fuzzer over a world: per route, a seeded fast-check property whose every run sends one
 * request and checks it (fuzz/checks.ts, fuzz/state.ts). Each route gets its own seed derived from
 * the run's seed and the route, so adding a route does not change what the others are sent.
 *
 * @example
 *   const stats = newStats();
 *   for (const route of world.writeRoutes) await fuzzRoute(world, route, { seed: 42, runs: 20, stats, onProblem: 'throw' });
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { responseProblems } from './checks.ts';
import { injectOptions, requestArbitrary, type FuzzRequest } from './requests.ts';
import { routeKey, type Route } from './routes.ts';
import { changesOfRefusal, snapshot, type StateSnapshot } from './state.ts';
import type { FuzzWorld } from './world.ts';

export interface Finding {
  /** The run's seed (FUZZ_SEED) and the route's, derived from it. */
  readonly seed: number;
  readonly routeSeed: number;
  readonly request: FuzzRequest;
  readonly status: number;
  readonly body: string;
  readonly problems: readonly string[];
}

export interface FuzzStats {
  requests: number;
  readonly byStatus: Record<'2xx' | '3xx' | '4xx' | '5xx', number>;
  /** Requests sent per route (`METHOD /pattern`). */
  readonly perRoute: Map<string, number>;
  /** Findings by kind (kindOf): how many, and the first, to reproduce. */
  readonly findings: Map<string, { count: number; readonly first: Finding }>;
}

export const newStats = (): FuzzStats => ({ requests: 0, byStatus: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 }, perRoute: new Map(), findings: new Map() });

/** A finding's kind: its route and problems, without the values that differ from one request to the next. */
export const kindOf = (f: Finding): string => `${f.request.route} — ${f.problems.map((p) => p.split(':')[0]).join('; ')}`;

/**
 * How many requests a route gets, for `runs` per plain route: more where there are more seeds to
 * mutate (the schedule requests), and at least three times as many on sign-in and the token
 * endpoint, where an outsider starts.
 */
export function runsFor(world: FuzzWorld, route: Route, runs: number): number {
  if (route.method === 'GET') return Math.max(2, Math.ceil(runs / 4));
  const signIn = route.path.startsWith('/openpim/auth/') || route.path.startsWith('/openpim/oauth2/');
  return runs * Math.min(4, Math.max(signIn ? 3 : 1, Math.ceil(world.seedsFor(route).length / 2)));
}

/** The seed of one route's property: stable for a run seed and a route. */
export const routeSeed = (seed: number, route: Route): number =>
  createHash('sha256')
    .update(`${seed} ${routeKey(route)}`)
    .digest()
    .readInt32LE(0);

/**
 * Sends one request and returns what is wrong with the outcome, and the state after it. `before` is
 * the state after the previous request: nothing else writes in between, and taking one snapshot per
 * request instead of two halves the fuzzer's cost on PostgreSQL.
 */
export async function sendChecked(
  world: FuzzWorld,
  request: FuzzRequest,
  before: StateSnapshot,
): Promise<{ res: LightMyRequestResponse; problems: string[]; after: StateSnapshot }> {
  const res = await world.api.app.inject(injectOptions(request));
  const problems = responseProblems(request, res);
  const after = await snapshot(world.db, world.tables);
  if (res.statusCode >= 400)
    problems.push(...(await changesOfRefusal(world.db, before, after, { principalId: world.principalOf(request.caller), now: world.api.clock.now() })));
  return { res, problems, after };
}

const clip = (s: string, n = 600) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);

/** A finding as a reader needs it to reproduce: the seed, the request as sent, the response. */
export function describeFinding(f: Finding, database: string): string {
  return [
    `${f.problems.join('; ')} — on ${database}, FUZZ_SEED=${f.seed} (route seed ${f.routeSeed})`,
    `  ${f.request.method} ${clip(f.request.url, 300)}  as ${f.request.caller}  (${f.request.what})`,
    `  request headers: ${clip(JSON.stringify(f.request.headers), 300)}`,
    ...(f.request.payload !== undefined ? [`  request body: ${clip(JSON.stringify(f.request.payload))}`] : []),
    `  → ${f.status} ${clip(f.body)}`,
  ].join('\n');
}

export interface FuzzRouteOptions {
  readonly seed: number;
  readonly runs: number;
  readonly stats: FuzzStats;
  /** `throw`: fail at the first finding (the test); `collect`: record it and go on (the long run). */
  readonly onProblem: 'throw' | 'collect';
}

export async function fuzzRoute(world: FuzzWorld, route: Route, o: FuzzRouteOptions): Promise<void> {
  const seed = routeSeed(o.seed, route);
  const key = routeKey(route);
  let state = await snapshot(world.db, world.tables);
  const property = fc.asyncProperty(requestArbitrary(world, route), async (request) => {
    const { res, problems, after } = await sendChecked(world, request, state);
    state = after;
    o.stats.requests++;
    o.stats.perRoute.set(key, (o.stats.perRoute.get(key) ?? 0) + 1);
    o.stats.byStatus[`${Math.min(5, Math.floor(res.statusCode / 100))}xx` as keyof FuzzStats['byStatus']]++;
    if (problems.length === 0) return;
    const finding = { seed: o.seed, routeSeed: seed, request, status: res.statusCode, body: res.body, problems };
    const known = o.stats.findings.get(kindOf(finding));
    if (known) known.count++;
    else o.stats.findings.set(kindOf(finding), { count: 1, first: finding });
    if (o.onProblem === 'throw') throw new Error(describeFinding(finding, world.database));
  });
  // No shrinking: the server's state moves with every request, so a smaller input need not fail again.
  await fc.assert(property, { seed, numRuns: o.runs, endOnFailure: true });
}
