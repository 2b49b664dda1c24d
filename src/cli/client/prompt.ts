/**
 * Asking the person at the terminal, or reading a script's stdin. Prompts go to stderr so that
 * stdout stays parseable. On a terminal a secret is read without echo; from a pipe each call takes
 * the next line (so `printf '%s\n' "$code" | openpim activate …` works) and null means end of input.
 */
import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';

/** Lines of a piped stdin, read once and handed out in order. */
let piped: { rl: Interface; lines: string[]; waiting: ((line: string | null) => void)[]; ended: boolean } | null = null;

function pipedInput() {
  if (piped) return piped;
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  const state = { rl, lines: [] as string[], waiting: [] as ((line: string | null) => void)[], ended: false };
  rl.on('line', (line) => {
    const waiter = state.waiting.shift();
    if (waiter) waiter(line);
    else state.lines.push(line);
  });
  rl.on('close', () => {
    state.ended = true;
    for (const waiter of state.waiting.splice(0)) waiter(null);
  });
  piped = state;
  return state;
}

/** The next line of stdin (without its line break), or null when stdin has ended. */
export function readStdinLine(): Promise<string | null> {
  const input = pipedInput();
  if (input.lines.length > 0) return Promise.resolve(input.lines.shift()!);
  if (input.ended) return Promise.resolve(null);
  return new Promise((resolve) => input.waiting.push(resolve));
}

/** Lets the process exit even if the parent keeps our stdin open. */
export function closeInput(): void {
  piped?.rl.close();
}

/** True when a person can be asked. */
export const interactive = (): boolean => Boolean(process.stdin.isTTY);

/** Asks on the terminal; a secret is not echoed. Null when the person ends input (Ctrl-D). */
export function ask(question: string, options: { secret?: boolean } = {}): Promise<string | null> {
  process.stderr.write(question);
  const output = options.secret ? new Writable({ write: (_chunk, _encoding, done) => done() }) : process.stderr;
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    let answered = false;
    rl.on('line', (line) => {
      answered = true;
      rl.close();
      if (options.secret) process.stderr.write('\n');
      resolve(line);
    });
    rl.on('SIGINT', () => {
      rl.close();
      process.stderr.write('\n');
      process.exit(130);
    });
    rl.on('close', () => {
      if (!answered) resolve(null);
    });
  });
}
