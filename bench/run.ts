/**
 * The benchmark (targets T1–T5 and T14: bench/REPORT.md gives each metric and its budget).
 * Standalone, not part of the test suite:
 *
 *   node bench/run.ts                    every phase at full scale (1M assignments); saves each and writes bench/REPORT.md
 *   node bench/run.ts --quick            0.1 scale, fewer samples: a smoke run (prints, writes nothing)
 *   node bench/run.ts --only=portal      one or more phases (index, casbin, server, portal), comma-separated: prints, writes nothing
 *   node bench/run.ts --only=portal --write   saves those phases' results and re-renders bench/REPORT.md
 *   node bench/run.ts --quick --write    saves and writes anyway (those phases marked QUICK in the report)
 *
 * Each phase runs in a fresh process (with --expose-gc) so heap and JIT state never carry over:
 *   index   T1 in-process latency at 1M, T2's in-memory build and heap, T5    (t1-index.ts)
 *   casbin  T1 against node-casbin on a ≈ 10k-policy subset                   (t1-casbin.ts)
 *   server  T2 from a seeded SQLite database, then the real server: T3, T4     (server-phase.ts)
 *   portal  T14: the portal in headless Chromium against the real server       (t14-portal.ts)
 *
 * Saved results: a writing run saves each phase it ran as bench/results/<phase>.json (its rows,
 * notes, start time, duration, command, machine and load; committed with the report), replacing
 * that phase's earlier result and leaving the others' alone. REPORT.md is then always rendered
 * from every saved phase result, each with its own date, so `--only=portal --write` refreshes
 * T14 and keeps T1–T5 as they were last measured. A phase with no saved result is listed as
 * missing in the report. Rows that combine two phases (casbin vs the index) use the saved ones.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { f, log, n0, type PhaseResult, type Row, times } from './common.ts';
import { consoleTable, IDS, machine, markdown, summary, type SavedPhase } from './report.ts';

const PHASES = ['index', 'casbin', 'server', 'portal'] as const;
type Phase = (typeof PHASES)[number];
const TARGETS: Record<Phase, readonly string[]> = { index: ['T1', 'T2', 'T5'], casbin: ['T1'], server: ['T2', 'T3', 'T4'], portal: ['T14'] };

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
const resultsDir = join(here, 'results');
const command = `.openpim/node/bin/node bench/run.ts${args.length ? ` ${args.join(' ')}` : ''}`;
const t0 = Date.now();
const runId = new Date(t0).toISOString();
const box = machine();
const work = mkdtempSync(join(tmpdir(), 'openpim-bench-results-'));
const results: Partial<Record<Phase, SavedPhase>> = {};
log(`OpenPIM bench${quick ? ' (QUICK)' : ''}: ${box.cores} cores, ${box.memoryGiB} GiB, node ${box.node}, load ${box.load}`);
try {
  for (const phase of PHASES) {
    if (only && !only.includes(phase)) continue;
    log(`\n== phase ${phase} ==`);
    const out = join(work, `${phase}.json`);
    const startedAt = new Date();
    const atStart = machine();
    const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', join(here, 'phase.ts'), phase, out, ...(quick ? ['--quick'] : [])], {
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error(`phase ${phase} failed (exit ${r.status ?? r.signal})`);
    const result = JSON.parse(readFileSync(out, 'utf8')) as PhaseResult & Record<string, unknown>;
    results[phase] = {
      ...result,
      phase,
      targets: TARGETS[phase],
      run: runId,
      startedAt: startedAt.toISOString(),
      minutes: (Date.now() - startedAt.getTime()) / 60_000,
      quick,
      command,
      machine: atStart,
      loadAfter: loadavg()
        .map((x) => x.toFixed(2))
        .join(' / '),
    };
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** The report's rows and notes from these phase results: in target order, with the rows that need two phases. */
function combine(from: Partial<Record<Phase, SavedPhase>>): { rows: Row[]; notes: string[] } {
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const phase of PHASES) {
    rows.push(...(from[phase]?.rows ?? []));
    notes.push(...(from[phase]?.notes ?? []));
  }
  // Across phases: casbin at ≈ 10k policies against the index at full scale.
  const casbinMs = from.casbin?.casbinMeanMs;
  const indexNs = from.index?.meanNs;
  if (typeof casbinMs === 'number' && typeof indexNs === 'number') {
    const at = rows.findIndex((r) => r.id === 'T1' && r.metric.startsWith('speed vs node-casbin'));
    const sameRun = from.casbin!.run === from.index!.run;
    rows.splice(at + 1, 0, {
      id: 'T1',
      metric: `for the record: casbin at ≈ 10k policies vs the index at ${from.index!.quick ? '100k' : '1M'} assignments`,
      target: '—',
      measured: `${f(casbinMs, 1)} ms vs ${n0(indexNs)} ns (untimed mean)`,
      ratio: times((casbinMs * 1e6) / indexNs),
      result: null,
      note: `different processes and data sizes: indicative only${sameRun ? '' : ` (and different runs: index ${from.index!.startedAt.slice(0, 16)}, casbin ${from.casbin!.startedAt.slice(0, 16)})`}`,
    });
  }
  rows.sort((a, b) => IDS.indexOf(a.id) - IDS.indexOf(b.id));
  return { rows, notes };
}

const ran = combine(results);
const minutes = (Date.now() - t0) / 60_000;
log(`\n${consoleTable(ran.rows)}\n`);
const ranTargets = new Set(ran.rows.map((r) => r.id as string));
log(
  `summary: ${Object.entries(summary(ran.rows))
    .filter(([k]) => ranTargets.has(k))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}; ${minutes.toFixed(1)} min`,
);
if (write) {
  mkdirSync(resultsDir, { recursive: true });
  for (const phase of PHASES) {
    const result = results[phase];
    if (!result) continue;
    const path = join(resultsDir, `${phase}.json`);
    writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
    log(`saved ${path}`);
  }
  const saved: Partial<Record<Phase, SavedPhase>> = {};
  for (const phase of PHASES) {
    const path = join(resultsDir, `${phase}.json`);
    if (existsSync(path)) saved[phase] = JSON.parse(readFileSync(path, 'utf8')) as SavedPhase;
  }
  const all = combine(saved);
  const path = join(here, 'REPORT.md');
  writeFileSync(
    path,
    markdown({
      phases: PHASES.map((phase) => ({ phase, targets: TARGETS[phase], saved: saved[phase] ?? null })),
      rows: all.rows,
      notes: all.notes,
      renderedAt: new Date(),
      command,
    }),
  );
  const missing = PHASES.filter((p) => !saved[p]);
  log(
    `wrote ${path} from the saved results of ${PHASES.filter((p) => saved[p]).join(', ')}${missing.length ? `; no saved result yet for ${missing.join(', ')} (not in the report)` : ''}`,
  );
}
