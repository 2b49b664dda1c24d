/**
 * The database and server phase. Two SQLite databases, each seeded with the generator's world and
 * served by the real server (`startServer`, as `openpim serve` does), the client in a worker thread:
 *
 *   big    the 1M world: T2 (index built from the database), T3 (check over HTTP), and a sample
 *          of activations for the record (each activation there takes seconds: see the report)
 *   small  the same generator at 1% (10k assignments): T4 (activation → first ALLOW, 100
 *          concurrent activators, throughput), and T3 once more for the record
 *
 * T3 and T4 set no data size of their own; T1 and T2 are at 1M.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseSync } from 'node:sqlite';
import { resolveCaller } from '../src/app/caller.ts';
import { startServer, type Running } from '../src/server/start.ts';
import { f, gc, log, median, n0, type PhaseOptions, type PhaseResult, type Row } from './common.ts';
import { generate, HOUR, sampleChecks, sizesAt, type World } from './generate.ts';
import { startHttpClient, type HttpClient } from './http-client.ts';
import { measureBuild, seed, type Seeded } from './t2-database.ts';
import { measureHttp, type CheckBody } from './t3-http.ts';
import { activationPlan, activatorsNeeded, measureActivation, sampleActivation } from './t4-activation.ts';

/** A seeded database with the sampled checks for T3 (drawn while the world is at hand). */
async function database(scale: number, activators: number, nChecks: number): Promise<{ seeded: Seeded; checks: CheckBody[]; label: string }> {
  const sizes = sizesAt(scale);
  // The world lives at the real clock's now: the server decides with it.
  let world: World | null = generate(42, sizes, Date.now());
  const sample = sampleChecks(world, null, 13, nChecks);
  const checks = sample.principal.map((principalId, i) => ({ principalId, action: sample.action[i]!, scope: sample.scope[i]! }));
  const seeded = await seed(world, activators);
  world = null;
  gc();
  return { seeded, checks, label: `${sizes.grants >= 1_000_000 ? `${sizes.grants / 1_000_000}M` : `${n0(sizes.grants / 1000)}k`}-assignment` };
}

/** Starts the server on a seeded database, runs `body` with an HTTP client, stops both. */
async function serving<T>(seeded: Seeded, body: (running: Running, port: number, client: HttpClient, startMs: number) => Promise<T>): Promise<T> {
  const t = performance.now();
  const running = await startServer(seeded.config);
  const startMs = performance.now() - t;
  log(`server ready on ${running.url} in ${f(startMs / 1000)} s (${n0(seeded.assignments)} assignments)`);
  const client = startHttpClient();
  try {
    return await body(running, Number(new URL(running.url).port), client, startMs);
  } finally {
    await client.close();
    await running.close();
  }
}

const adminToken = (running: Running): Promise<string> =>
  running.tokens.issue({ tenantId: running.tenant.id, principalId: running.admin.id, amr: ['pwd', 'mfa'], authTime: Date.now(), acrs: [] }, 2 * HOUR);

/** What one request's authentication costs in process, and how SQLite plans the membership lookup. */
async function authCosts(running: Running, seeded: Seeded, token: string): Promise<{ verifyMs: number; resolveMs: number; groupsOfMs: number; plan: string }> {
  const time = async (fn: () => Promise<unknown>): Promise<number> => {
    const xs: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      await fn();
      xs.push(performance.now() - t);
    }
    return median(xs);
  };
  const read = running.store.read;
  const claims = await running.tokens.verify(token);
  const verifyMs = await time(() => running.tokens.verify(token));
  const resolveMs = await time(() => resolveCaller(read, { ...claims, correlationId: 'bench' }, Date.now(), HOUR));
  const groupsOfMs = await time(() => read.principals.groupsOf(running.tenant.id, running.admin.id, Date.now()));
  const db = new DatabaseSync(join(seeded.dir, 'openpim.db'), { readOnly: true });
  const plan = (
    db.prepare('explain query plan select group_id from group_members where tenant_id = ? and member_id in (?)').all(running.tenant.id, running.admin.id) as {
      detail: string;
    }[]
  )
    .map((r) => r.detail)
    .join('; ');
  db.close();
  log(`authentication in process: verify ${f(verifyMs)} ms, resolve caller ${f(resolveMs)} ms (groupsOf ${f(groupsOfMs)} ms); membership lookup plan: ${plan}`);
  return { verifyMs, resolveMs, groupsOfMs, plan };
}

export async function run(opts: PhaseOptions): Promise<PhaseResult> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const plan = activationPlan(opts.quick);

  // The big database: T2, T3, and activations for the record.
  const bigSample = opts.quick ? 2 : 1;
  const big = await database(opts.quick ? 0.1 : 1, bigSample, opts.quick ? 2_000 : 10_000);
  try {
    const t2 = await measureBuild(big.seeded, opts.quick);
    rows.push(...t2.rows);
    notes.push(...t2.notes);
    gc();
    await serving(big.seeded, async (running, port, client, startMs) => {
      const token = await adminToken(running);
      const auth = await authCosts(running, big.seeded, token);
      const t3 = await measureHttp(port, token, big.checks, client, { quick: opts.quick, label: big.label, rounds: 5, auth });
      rows.push(...t3.rows);
      notes.push(
        ...t3.notes,
        `The server under test started in ${f(startMs / 1000)} s on the ${big.label} database (\`startServer\`: open, migrate, build the index, catch up, listen).`,
      );
      rows.push(await sampleActivation(port, running.tenant.id, big.seeded.activators, running.tokens, running.store.read, client, big.label));
    });
  } finally {
    rmSync(big.seeded.dir, { recursive: true, force: true });
  }

  // The small database: T4, and T3 once more for the record.
  gc();
  const small = await database(0.01, activatorsNeeded(plan), 2_000);
  try {
    await serving(small.seeded, async (running, port, client) => {
      const token = await adminToken(running);
      const auth = await authCosts(running, small.seeded, token);
      const t3 = await measureHttp(port, token, small.checks, client, { quick: opts.quick, label: small.label, rounds: 1, auth });
      const t4 = await measureActivation(
        port,
        small.seeded.dir,
        running.tenant.id,
        small.seeded.activators,
        running.tokens,
        client,
        plan,
        small.label,
        t3.singleP50,
      );
      rows.push(...t4.rows, ...t3.rows);
      notes.push(...t4.notes);
    });
  } finally {
    rmSync(small.seeded.dir, { recursive: true, force: true });
  }
  return { rows, notes };
}
