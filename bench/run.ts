/**
 * The benchmark (TARGETS T1–T5). Standalone, not part of the test suite:
 *
 *   node bench/run.ts                    full scale (1M assignments); writes bench/REPORT.md
 *   node bench/run.ts --quick            0.1 scale, fewer samples: a smoke run (prints, writes nothing)
 *   node bench/run.ts --only=casbin      one or more phases (index, casbin, server), comma-separated
 *   node bench/run.ts --quick --write    write REPORT.md anyway (marked QUICK)
 *
 * Each phase runs in a fresh process (with --expose-gc) so heap and JIT state never carry over:
 *   index   T1 in-process latency at 1M, T2's in-memory build and heap, T5    (t1-index.ts)
 *   casbin  T1 against node-casbin on a ≈ 10k-policy subset                   (t1-casbin.ts)
 *   server  T2 from a seeded SQLite database, then the real server: T3, T4     (server-phase.ts)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { f, log, n0, type PhaseResult, type Row, times } from './common.ts';
import { consoleTable, machine, markdown, summary } from './report.ts';

const PHASES = ['index', 'casbin', 'server'] as const;
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? onlyArg.slice('--only='.length).split(',') : null;
const unknown = only?.filter((p) => !(PHASES as readonly string[]).includes(p)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(`unknown phase(s) ${unknown.join(', ')}; phases: ${PHASES.join(', ')}\n`);
  process.exit(2);
}
const write = args.includes('--write') || (!quick && only === null);

const here = fileURLToPath(new URL('.', import.meta.url));
const startedAt = new Date();
const t0 = Date.now();
const box = machine();
const work = mkdtempSync(join(tmpdir(), 'openpim-bench-results-'));
const results: Partial<Record<(typeof PHASES)[number], PhaseResult & Record<string, unknown>>> = {};
log(`OpenPIM bench${quick ? ' (QUICK)' : ''}: ${box.cores} cores, ${box.memoryGiB} GiB, node ${box.node}, load ${box.load}`);
try {
  for (const phase of PHASES) {
    if (only && !only.includes(phase)) continue;
    log(`\n== phase ${phase} ==`);
    const out = join(work, `${phase}.json`);
    const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', join(here, 'phase.ts'), phase, out, ...(quick ? ['--quick'] : [])], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`phase ${phase} failed (exit ${r.status ?? r.signal})`);
    results[phase] = JSON.parse(readFileSync(out, 'utf8')) as PhaseResult & Record<string, unknown>;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const rows: Row[] = [];
const notes: string[] = [];
for (const phase of PHASES) {
  rows.push(...(results[phase]?.rows ?? []));
  notes.push(...(results[phase]?.notes ?? []));
}
// Across phases: casbin at ≈ 10k policies against the index at full scale.
const casbinMs = results.casbin?.casbinMeanMs;
const indexNs = results.index?.meanNs;
if (typeof casbinMs === 'number' && typeof indexNs === 'number') {
  const at = rows.findIndex((r) => r.id === 'T1' && r.metric.startsWith('speed vs node-casbin'));
  rows.splice(at + 1, 0, {
    id: 'T1', metric: `for the record: casbin at ≈ 10k policies vs the index at ${quick ? '100k' : '1M'} assignments`, target: '—',
    measured: `${f(casbinMs, 1)} ms vs ${n0(indexNs)} ns (untimed mean)`, ratio: times((casbinMs * 1e6) / indexNs), result: null,
    note: 'different processes and data sizes: indicative only',
  });
}
const order = ['T1', 'T2', 'T3', 'T4', 'T5'];
rows.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));

const minutes = (Date.now() - t0) / 60_000;
log(`\n${consoleTable(rows)}\n`);
log(`summary: ${Object.entries(summary(rows)).map(([k, v]) => `${k} ${v}`).join(', ')}; ${minutes.toFixed(1)} min`);
if (write) {
  const command = `.openpim/node/bin/node bench/run.ts${args.length ? ` ${args.join(' ')}` : ''}`;
  const loadAfter = loadavg().map((x) => x.toFixed(2)).join(' / ');
  const path = join(here, 'REPORT.md');
  writeFileSync(path, markdown({ rows, notes, machine: box, loadAfter, command, startedAt, minutes, quick }));
  log(`wrote ${path}`);
}
