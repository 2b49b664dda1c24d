/**
 * Runs one benchmark phase in this process and writes its result as JSON. Started by run.ts
 * (each phase in a fresh process, with --expose-gc):
 *
 *   node --expose-gc bench/phase.ts <index|casbin|server|portal> <result.json> [--quick]
 */
import { writeFileSync } from 'node:fs';
import type { PhaseOptions, PhaseResult } from './common.ts';

const PHASES: Record<string, (opts: PhaseOptions) => Promise<PhaseResult>> = {
  index: async (opts) => (await import('./t1-index.ts')).run(opts),
  casbin: async (opts) => (await import('./t1-casbin.ts')).run(opts),
  server: async (opts) => (await import('./server-phase.ts')).run(opts),
  portal: async (opts) => (await import('./t14-portal.ts')).run(opts),
};

const [name, out] = process.argv.slice(2);
const phase = name === undefined ? undefined : PHASES[name];
if (!phase || !out) {
  process.stderr.write(`usage: node --expose-gc bench/phase.ts <${Object.keys(PHASES).join('|')}> <result.json> [--quick]\n`);
  process.exit(2);
}
const result = await phase({ quick: process.argv.includes('--quick') });
writeFileSync(out, JSON.stringify(result, null, 2));
process.exit(0);
