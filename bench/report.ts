/**
 * The report: one table of T1–T5 and T14 rows, a per-target summary, notes, and when and on what
 * machine each phase ran. Rendered from the phases' saved results (bench/results/<phase>.json),
 * which may come from different runs: each phase keeps its own date, load and mode.
 */
import { cpus, loadavg, release, totalmem } from 'node:os';
import type { PhaseResult, Row } from './common.ts';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  readonly load: string;
}

export function machine(): Machine {
  const c = cpus();
  return {
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()}`,
    load: loadavg()
      .map((x) => x.toFixed(2))
      .join(' / '),
  };
}

export const IDS = ['T1', 'T2', 'T3', 'T4', 'T5', 'T14'] as const;
const verdict = (r: boolean | null): string => (r === null ? 'info' : r ? 'PASS' : 'FAIL');
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** PASS when every decided row of the target passes; FAIL when one fails; '—' when none ran. */
export function summary(rows: readonly Row[]): Record<(typeof IDS)[number], string> {
  const out = {} as Record<(typeof IDS)[number], string>;
  for (const id of IDS) {
    const decided = rows.filter((r) => r.id === id && r.result !== null);
    out[id] = decided.length === 0 ? '—' : decided.every((r) => r.result) ? 'PASS' : 'FAIL';
  }
  return out;
}

/** The table for the console: target, measured, ratio, result. */
export function consoleTable(rows: readonly Row[]): string {
  const w = [4, 58, 14, 40, 16];
  const pad = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));
  const lines = [`${pad('#', w[0]!)} ${pad('metric', w[1]!)} ${pad('target', w[2]!)} ${pad('measured', w[3]!)} ${pad('ratio', w[4]!)} result`];
  for (const r of rows)
    lines.push(`${pad(r.id, w[0]!)} ${pad(r.metric, w[1]!)} ${pad(r.target, w[2]!)} ${pad(r.measured, w[3]!)} ${pad(r.ratio, w[4]!)} ${verdict(r.result)}`);
  return lines.join('\n');
}

/** One phase's result as saved in bench/results/<phase>.json: the rows and notes, and the run they came from. */
export interface SavedPhase extends PhaseResult {
  readonly phase: string;
  /** Targets the phase measures (for the phase table). */
  readonly targets: readonly string[];
  /** ISO time the run that made it started: phases of one run share it. */
  readonly run: string;
  /** ISO time the phase started. */
  readonly startedAt: string;
  readonly minutes: number;
  readonly quick: boolean;
  /** The command of the run that produced it. */
  readonly command: string;
  readonly machine: Machine;
  /** Load average 1/5/15 min when the phase ended (`machine.load` is at its start). */
  readonly loadAfter: string;
  /** Anything else the phase hands back (numbers other phases' rows use). */
  readonly [extra: string]: unknown;
}

export interface ReportInput {
  /** Every phase in run order: its saved result, or null when there is none. */
  readonly phases: readonly { readonly phase: string; readonly targets: readonly string[]; readonly saved: SavedPhase | null }[];
  readonly rows: readonly Row[];
  readonly notes: readonly string[];
  readonly renderedAt: Date;
  readonly command: string;
}

const minute = (iso: string): string => iso.slice(0, 16).replace('T', ' ');
const machineLine = (m: Machine): string => `${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}`;

export function markdown(r: ReportInput): string {
  const s = summary(r.rows);
  const saved = r.phases.flatMap((p) => (p.saved ? [p.saved] : []));
  const machines = [...new Set(saved.map((p) => machineLine(p.machine)))];
  const missing = r.phases.filter((p) => !p.saved);
  const out: string[] = [
    `# OpenPIM benchmark report (${IDS[0]}–${IDS[4]}, ${IDS[5]})`,
    '',
    `Rendered by \`${r.command}\` on ${minute(r.renderedAt.toISOString())} UTC from each phase's saved result (bench/results/<phase>.json); ` +
      'each phase ran at its own time, with its own load, as the phase table says.',
    `Targets: ${IDS[0]}–${IDS[4]} and ${IDS[5]}, each row below giving a metric and its budget. Written by the bench; do not edit by hand.`,
    '',
    `**Machine:** ${machines.join('; ') || '—'}. This is a **shared 2-core machine**: other jobs (test suites) ran during the measurements (load averages in the phase table), ` +
      'and identical runs here differ by up to 2×; every peer ratio (T1, T3, T4) pits two things measured in the same process and run against each other, alternating, median of 5.',
    '',
    '| Phase | Targets | Ran (UTC) | Took | Load 1/5/15 min at start → end | Mode |',
    '|---|---|---|---|---|---|',
    ...r.phases.map((p) =>
      p.saved
        ? `| ${p.phase} | ${p.targets.join(', ')} | ${minute(p.saved.startedAt)} | ${p.saved.minutes.toFixed(1)} min | ${p.saved.machine.load} → ${p.saved.loadAfter} | ` +
          `${p.saved.quick ? '**QUICK** (0.1 scale, fewer samples): not a target run' : 'full'} |`
        : `| ${p.phase} | ${p.targets.join(', ')} | no saved result | — | — | — |`,
    ),
    '',
    ...(missing.length > 0
      ? [
          `Not in this report (no saved result yet): ${missing.map((p) => `${p.phase} (${p.targets.join(', ')})`).join(', ')}. ` +
            '`node bench/run.ts` (all phases) or `--only=<phase> --write` saves one.',
          '',
        ]
      : []),
    `| Target | ${IDS.join(' | ')} |`,
    `|---|${IDS.map(() => '---').join('|')}|`,
    `| Result | ${IDS.map((id) => s[id]).join(' | ')} |`,
    '',
    '| # | Metric | Target | Measured | Ratio | Result | Notes (a miss: by how much and why) |',
    '|---|---|---|---|---|---|---|',
    ...r.rows.map(
      (row) =>
        `| ${row.id} | ${cell(row.metric)} | ${cell(row.target)} | ${cell(row.measured)} | ${cell(row.ratio)} | ${verdict(row.result)} | ${cell(row.note ?? '')} |`,
    ),
    '',
    '"Ratio": for an absolute budget, measured ÷ target ("0.40 of budget" is within it, above 1 is over); where the target names a peer, the peer ratio ' +
      '(speed-up over casbin; check over HTTP ÷ hello-world req/s; activations ÷ the minimal durable server req/s). "info" rows have no target of their own.',
    '',
    '## Notes',
    '',
    ...r.notes.flatMap((n) => [n, '']),
  ];
  return `${out.join('\n').trimEnd()}\n`;
}
