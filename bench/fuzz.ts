/**
 * The long run of the HTTP fuzzer (test/http/fuzz.test.ts is the short, bounded one in the suite):
 * round after round over every route, each round with the next seed, until the time is up on each
 * database; findings are collected rather than failing at the first. Prints requests, 2xx/3xx/4xx/5xx,
 * duration, and each distinct finding once with an example to reproduce it.
 *
 *   node bench/fuzz.ts                         3 minutes on SQLite, 3 on PostgreSQL
 *   node bench/fuzz.ts --minutes=10 --db=sqlite
 *   node bench/fuzz.ts --seed=7 --runs=50      50 requests per plain write route per round, from seed 7
 *   node bench/fuzz.ts --rounds=1 --runs=5     exactly one round (what the suite's test sends at FUZZ_RUNS=5)
 *
 * PostgreSQL is a throwaway cluster (test/support/postgres-cluster.ts; scripts/install-peers installs it).
 * Exits 1 when anything was found.
 */
import { createDatabase, startPostgresCluster, type PostgresCluster } from '../test/support/postgres-cluster.ts';
import type { TestDatabase } from '../test/support/databases.ts';
import { describeFinding, fuzzRoute, newStats, runsFor, type FuzzStats } from '../test/support/fuzz/fuzzer.ts';
import { openFuzzWorld } from '../test/support/fuzz/world.ts';
import { verifyAudit } from '../src/app/audit/verify-audit.ts';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const minutes = Number(arg('minutes', '3'));
const runs = Number(arg('runs', '25'));
const firstSeed = Number(arg('seed', process.env.FUZZ_SEED ?? '20260105'));
const databases = arg('db', 'sqlite,postgres').split(',');
const maxRounds = Number(arg('rounds', 'Infinity'));
const log = (s: string) => void process.stdout.write(`${s}\n`);
const findingsOf = (stats: FuzzStats) => [...stats.findings.values()].reduce((n, k) => n + k.count, 0);

async function fuzzOn(database: TestDatabase): Promise<{ stats: FuzzStats; ms: number; rounds: number; auditOk: boolean }> {
  const world = await openFuzzWorld(database);
  const stats = newStats();
  const started = performance.now();
  const deadline = maxRounds < Infinity ? Infinity : started + minutes * 60_000;
  let rounds = 0;
  try {
    while (performance.now() < deadline && rounds < maxRounds) {
      const seed = firstSeed + rounds++;
      for (const route of [...world.writeRoutes, ...world.readRoutes]) {
        await fuzzRoute(world, route, { seed, runs: runsFor(world, route, runs), stats, onProblem: 'collect' });
        if (performance.now() >= deadline) break;
      }
      log(`  ${database.name}: round ${rounds} (seed ${seed}) done, ${stats.requests} requests, ${findingsOf(stats)} findings`);
    }
    const audit = await verifyAudit(world.api.h.store.read.audit);
    return { stats, ms: performance.now() - started, rounds, auditOk: audit.ok };
  } finally {
    await world.close();
  }
}

let cluster: PostgresCluster | null = null;
let found = false;
try {
  for (const name of databases) {
    let database: TestDatabase;
    if (name === 'postgres') {
      cluster ??= await startPostgresCluster();
      const url = cluster.url;
      database = { name: 'postgres', target: async () => ({ kind: 'postgres', url: await createDatabase(url) }) };
    } else {
      database = { name: 'sqlite', target: async () => ({ kind: 'sqlite', path: ':memory:' }) };
    }
    log(
      `fuzzing on ${name} for ${maxRounds < Infinity ? `${maxRounds} round(s)` : `${minutes} min`}, ${runs} requests per plain write route per round, from seed ${firstSeed}`,
    );
    const { stats, ms, rounds, auditOk } = await fuzzOn(database);
    const s = stats.byStatus;
    log(
      `\n== ${name}: ${stats.requests} requests in ${(ms / 1000).toFixed(1)} s (${rounds} rounds, ${(stats.requests / (ms / 1000)).toFixed(0)}/s): ` +
        `2xx ${s['2xx']}, 3xx ${s['3xx']}, 4xx ${s['4xx']}, 5xx ${s['5xx']}; findings ${findingsOf(stats)} of ${stats.findings.size} kinds; audit chain ${auditOk ? 'verifies' : 'BROKEN'}`,
    );
    for (const [kind, { count, first }] of [...stats.findings].sort(([a], [b]) => a.localeCompare(b))) {
      log(`\n[${count}×] ${kind}\n${describeFinding(first, name)}`);
    }
    found ||= stats.findings.size > 0 || !auditOk;
  }
} finally {
  await cluster?.stop();
}
process.exitCode = found ? 1 : 0;
