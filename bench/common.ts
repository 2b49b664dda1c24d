/** Shared by the benchmark phases: rows of the report, statistics, gc and heap, logging. */

/** One row of the report. `result`: true PASS, false FAIL, null informative (no target of its own). */
export interface Row {
  readonly id: 'T1' | 'T2' | 'T3' | 'T4' | 'T5' | 'T14';
  readonly metric: string;
  readonly target: string;
  readonly measured: string;
  readonly ratio: string;
  readonly result: boolean | null;
  /** Where a target is missed: by how much and why. Or what the row means. */
  readonly note?: string;
}

/** What a phase hands back to the runner. */
export interface PhaseResult {
  readonly rows: Row[];
  /** Paragraphs for the report's notes (methods, mappings, caveats). */
  readonly notes: string[];
}

export interface PhaseOptions {
  readonly quick: boolean;
}

export const log = (s: string): void => void process.stdout.write(`${s}\n`);

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Percentile of an ascending array (nearest rank). */
export const pct = (sorted: ArrayLike<number>, p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

/** A full gc (needs --expose-gc; the runner starts every phase with it). */
export function gc(): void {
  const fn = (globalThis as { gc?: () => void }).gc;
  if (typeof fn !== 'function') throw new Error('run the bench through bench/run.ts (phases need --expose-gc)');
  fn();
  fn();
}

/** Heap as T2 counts it: the JS heap plus ArrayBuffer backing stores (the grant arena lives in one). */
export function heap(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
export const n0 = (x: number): string => Math.round(x).toLocaleString('en');
export const f = (x: number, digits = 2): string => x.toFixed(digits);
/** "1.9×" style; big ratios without decimals. */
export const times = (x: number): string => (x >= 100 ? `${n0(x)}×` : `${x.toFixed(x >= 10 ? 1 : 2)}×`);
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
