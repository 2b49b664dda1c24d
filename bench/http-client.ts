/**
 * The HTTP client of T3 and T4, run in a worker thread so that it never shares an event loop with
 * the servers it measures. A minimal HTTP/1.1 client on raw keep-alive sockets (prebuilt request
 * bytes, responses framed by Content-Length), so the client costs as little as possible and costs
 * the same whichever server it talks to.
 *
 *   load         closed loop: C connections, each sending the next request as soon as the last
 *                answered; warm-up, then a measured window (throughput, latency percentiles)
 *   once         every request sent exactly once over C connections (activations: each is unique)
 *   activations  per activator: check (expect DENY), activate, then check until the first ALLOW,
 *                counting every DENY after the 2xx; C activators at a time
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

interface Response {
  readonly status: number;
  readonly body: Buffer;
}

const ALLOWED = Buffer.from('"allowed":true');
const MARK = 'openpim-bench-http-client';

class Connection {
  private buf: Buffer | null = null;
  private waiting: { resolve: (r: Response) => void; reject: (e: Error) => void } | null = null;
  private bodyAt = -1;
  private bodyLength = 0;
  private status = 0;
  private failed: Error | null = null;
  private readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (e: Error): void => {
      this.failed ??= e;
      this.waiting?.reject(e);
      this.waiting = null;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed by the server')));
  }

  static open(port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(new Connection(socket)));
      socket.once('error', reject);
    });
  }

  send(request: Uint8Array): Promise<Response> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf === null ? chunk : Buffer.concat([this.buf, chunk]);
    const buf = this.buf;
    if (this.bodyAt < 0) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.toString('latin1', 0, end);
      this.status = Number(head.slice(9, 12));
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (!length) throw new Error(`response without Content-Length: ${head}`);
      this.bodyAt = end + 4;
      this.bodyLength = Number(length[1]);
    }
    const done = this.bodyAt + this.bodyLength;
    if (buf.length < done) return;
    const response = { status: this.status, body: buf.subarray(this.bodyAt, done) };
    this.buf = buf.length > done ? buf.subarray(done) : null;
    this.bodyAt = -1;
    const w = this.waiting;
    this.waiting = null;
    w?.resolve(response);
  }
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface LoadResult extends LatencySummary {
  readonly rps: number;
  readonly statuses: Record<string, number>;
  readonly allowed: number;
}

export interface OnceResult extends LatencySummary {
  readonly elapsedMs: number;
  readonly ok: number;
  readonly statuses: Record<string, number>;
  readonly firstError: string | null;
}

export interface ActivationResult {
  /** Before activating: was the activator denied (as set up)? */
  readonly deniedBefore: boolean;
  readonly status: number;
  /** Activation request sent → its 2xx received, ms. */
  readonly activateMs: number;
  /** Activation request sent → first ALLOW received, ms (T4's "request → first ALLOW"). */
  readonly toAllowMs: number;
  /** 2xx received → first ALLOW received, ms. */
  readonly afterOkMs: number;
  /** DENY answers received after the 2xx. */
  readonly denies: number;
  readonly body: string;
}

export type Task =
  | { type: 'load'; port: number; requests: Uint8Array[]; connections: number; warmupMs: number; durationMs: number }
  | { type: 'once'; port: number; requests: Uint8Array[]; connections: number }
  | { type: 'activations'; port: number; scenarios: { activate: Uint8Array; check: Uint8Array }[]; concurrency: number };

export function summarize(latencies: number[]): LatencySummary {
  const s = Float64Array.from(latencies).sort();
  const at = (p: number): number => (s.length ? s[Math.min(s.length - 1, Math.floor(s.length * p))]! : NaN);
  return { count: s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s.length ? s[s.length - 1]! : NaN };
}

const isAllowed = (r: Response): boolean => r.status === 200 && r.body.indexOf(ALLOWED) >= 0;

async function load(t: Extract<Task, { type: 'load' }>): Promise<LoadResult> {
  const conns = await Promise.all(Array.from({ length: t.connections }, () => Connection.open(t.port)));
  const start = performance.now();
  const from = start + t.warmupMs;
  const until = from + t.durationMs;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let allowed = 0;
  let next = 0;
  await Promise.all(
    conns.map(async (c) => {
      for (let now = performance.now(); now < until; now = performance.now()) {
        const request = t.requests[next++ % t.requests.length]!;
        const r = await c.send(request);
        const done = performance.now();
        if (done < from || done > until) continue;
        latencies.push(done - now);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (isAllowed(r)) allowed++;
      }
    }),
  );
  for (const c of conns) c.close();
  return { ...summarize(latencies), rps: latencies.length / (t.durationMs / 1000), statuses, allowed };
}

async function once(t: Extract<Task, { type: 'once' }>): Promise<OnceResult> {
  const conns = await Promise.all(Array.from({ length: t.connections }, () => Connection.open(t.port)));
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let ok = 0;
  let next = 0;
  let firstError: string | null = null;
  const start = performance.now();
  await Promise.all(
    conns.map(async (c) => {
      while (next < t.requests.length) {
        const request = t.requests[next++]!;
        const sent = performance.now();
        const r = await c.send(request);
        latencies.push(performance.now() - sent);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.status >= 200 && r.status < 300) ok++;
        else firstError ??= `${r.status} ${r.body.toString('utf8', 0, 300)}`;
      }
    }),
  );
  const elapsedMs = performance.now() - start;
  for (const c of conns) c.close();
  return { ...summarize(latencies), elapsedMs, ok, statuses, firstError };
}

async function activations(t: Extract<Task, { type: 'activations' }>): Promise<ActivationResult[]> {
  const results: ActivationResult[] = new Array(t.scenarios.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(t.concurrency, t.scenarios.length) }, async () => {
      const c = await Connection.open(t.port);
      while (next < t.scenarios.length) {
        const i = next++;
        const s = t.scenarios[i]!;
        const deniedBefore = !isAllowed(await c.send(s.check));
        const sent = performance.now();
        const r = await c.send(s.activate);
        const ok = performance.now();
        let denies = 0;
        let allowedAt = NaN;
        if (r.status >= 200 && r.status < 300) {
          // Read-your-writes: the first check after the 2xx must allow; keep asking (≤ 5 s) to time the first ALLOW anyway.
          for (;;) {
            const answer = await c.send(s.check);
            if (isAllowed(answer)) {
              allowedAt = performance.now();
              break;
            }
            denies++;
            if (performance.now() - ok > 5000) break;
          }
        }
        results[i] = {
          deniedBefore,
          status: r.status,
          activateMs: ok - sent,
          toAllowMs: allowedAt - sent,
          afterOkMs: allowedAt - ok,
          denies,
          body: r.status >= 300 ? r.body.toString('utf8', 0, 300) : '',
        };
      }
      c.close();
    }),
  );
  return results;
}

async function handle(task: Task): Promise<unknown> {
  if (task.type === 'load') return load(task);
  if (task.type === 'once') return once(task);
  return activations(task);
}

if (!isMainThread && workerData === MARK) {
  parentPort!.on('message', (task: Task) => {
    handle(task).then(
      (result) => parentPort!.postMessage({ result }),
      (error: unknown) => parentPort!.postMessage({ error: String((error as Error)?.stack ?? error) }),
    );
  });
}

export interface HttpClient {
  load(task: Omit<Extract<Task, { type: 'load' }>, 'type'>): Promise<LoadResult>;
  once(task: Omit<Extract<Task, { type: 'once' }>, 'type'>): Promise<OnceResult>;
  activations(task: Omit<Extract<Task, { type: 'activations' }>, 'type'>): Promise<ActivationResult[]>;
  close(): Promise<void>;
}

/** Starts the client's worker thread. */
export function startHttpClient(): HttpClient {
  const worker = new Worker(new URL(import.meta.url), { workerData: MARK, execArgv: [] });
  // One task at a time: each answer is the reply to the task sent just before it.
  let pending: { resolve: (x: unknown) => void; reject: (e: Error) => void } | null = null;
  const settle = (f: (p: NonNullable<typeof pending>) => void): void => {
    const p = pending;
    pending = null;
    if (p) f(p);
  };
  worker.on('message', (m: { result?: unknown; error?: string }) =>
    settle((p) => (m.error !== undefined ? p.reject(new Error(m.error)) : p.resolve(m.result))),
  );
  worker.on('error', (e) => settle((p) => p.reject(e)));
  const send = <T>(task: Task): Promise<T> => {
    if (pending) return Promise.reject(new Error('the HTTP client runs one task at a time'));
    const answer = new Promise<unknown>((resolve, reject) => {
      pending = { resolve, reject };
    });
    worker.postMessage(task);
    return answer as Promise<T>;
  };
  return {
    load: (t) => send({ type: 'load', ...t }),
    once: (t) => send({ type: 'once', ...t }),
    activations: (t) => send({ type: 'activations', ...t }),
    close: async () => void (await worker.terminate()),
  };
}

/** The bytes of one HTTP/1.1 POST with a JSON body. */
export function postRequest(port: number, path: string, body: unknown, token: string | null): Uint8Array {
  const json = Buffer.from(JSON.stringify(body));
  const head =
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${token ? `Authorization: Bearer ${token}\r\n` : ''}` +
    `Content-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), json]);
}
