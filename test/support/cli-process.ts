/**
 * The `openpim` command as a child process, run the way an operator or a script runs it: from the
 * project root, with the environment minus the OPENPIM_* settings of whoever runs the tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUNDLED = join(ROOT, '.openpim/node/bin/node');
export const NODE = Number(process.versions.node.split('.')[0]) >= 24 || !existsSync(BUNDLED) ? process.execPath : BUNDLED;

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliProcess {
  readonly child: ChildProcess;
  /** When it exits, with everything it printed. */
  readonly done: Promise<CliResult>;
  stdout(): string;
  stderr(): string;
  /** Resolves when stderr so far matches; rejects if the process exits first. */
  stderrMatching(pattern: RegExp): Promise<RegExpExecArray>;
}

/** The environment without OPENPIM_* settings, plus `extra`. */
export const cleanEnv = (extra: Record<string, string> = {}) => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OPENPIM_'))),
  ...extra,
});

/** Starts `openpim args…`; `input` is piped to stdin (else stdin is closed). */
export function spawnCli(args: readonly string[], options: { env?: Record<string, string>; input?: string } = {}): CliProcess {
  const child = spawn(NODE, ['src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: cleanEnv(options.env),
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  const stderrMatching = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(stderr);
        if (m) resolve(m);
      };
      child.stderr!.on('data', check);
      void done.then(() => reject(new Error(`exited before ${pattern}: ${stderr}`)));
      check();
    });
  return { child, done, stdout: () => stdout, stderr: () => stderr, stderrMatching };
}

/** Runs `openpim args…` to completion. */
export const runCli = (args: readonly string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> =>
  spawnCli(args, options).done;
