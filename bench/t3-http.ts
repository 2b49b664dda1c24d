/**
 * T3: `POST /openpim/access/check` on the real server (startServer over the seeded database, the
 * bearer token verified and the caller resolved on every request, as in production) against a
 * bare `node:http` hello-world in the same process, same client (a worker thread), same request
 * bytes, same concurrency (100 keep-alive connections). Alternating rounds, median of 5.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { f, log, median, n0, sleep, type Row } from './common.ts';
import { postRequest, type HttpClient, type LoadResult } from './http-client.ts';

const CONNECTIONS = 100;

export interface CheckBody {
  readonly principalId: string;
  readonly action: string;
  readonly scope: string;
}

export async function helloServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '11' });
    res.end('hello world');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const line = (name: string, r: LoadResult): string =>
  `${name}: ${n0(r.rps)} req/s, p50 ${f(r.p50)} ms, p99 ${f(r.p99)} ms, max ${f(r.max, 1)} ms, statuses ${JSON.stringify(r.statuses)}`;

export interface HttpOptions {
  readonly quick: boolean;
  /** What the database holds, for the row names. */
  readonly label: string;
  /** Alternating rounds (5 for the target rows; fewer makes one informative row). */
  readonly rounds: number;
  /** What one request's authentication costs, measured in process (for the why of a miss). */
  readonly auth?: { verifyMs: number; resolveMs: number; groupsOfMs: number; plan: string };
}

export async function measureHttp(
  appPort: number,
  token: string,
  checks: CheckBody[],
  client: HttpClient,
  o: HttpOptions,
): Promise<{ rows: Row[]; notes: string[]; singleP50: number }> {
  const hello = await helloServer();
  const path = '/openpim/access/check';
  const appRequests = checks.map((c) => postRequest(appPort, path, c, token));
  // The same bytes to both servers (hello-world ignores them; Node reads and drops the body).
  const helloRequests = checks.map((c) => postRequest(hello.port, path, c, token));
  const base = { warmupMs: o.quick ? 300 : 1000, durationMs: o.quick ? 1000 : 3000 };
  // One connection first: the service time without queueing, and how long the closed loop needs
  // to settle (100 connections wait ≈ 100 service times each): warm-up ≥ 1.5 and window ≥ 3 cycles, capped.
  const single = await client.load({ port: appPort, requests: appRequests, connections: 1, ...base });
  log(`T3 ${o.label} ${line('access check, 1 connection', single)}`);
  const cycle = CONNECTIONS * single.p50;
  const appTimes = {
    warmupMs: Math.min(o.quick ? 2000 : 6000, Math.max(base.warmupMs, 1.5 * cycle)),
    durationMs: Math.min(o.quick ? 4000 : 10_000, Math.max(base.durationMs, 3 * cycle)),
  };
  const app: LoadResult[] = [];
  const bare: LoadResult[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < o.rounds; round++) {
    const order = round % 2 === 0 ? ['hello', 'app'] : ['app', 'hello'];
    for (const which of order) {
      const r =
        which === 'app'
          ? await client.load({ port: appPort, requests: appRequests, connections: CONNECTIONS, ...appTimes })
          : await client.load({ port: hello.port, requests: helloRequests, connections: CONNECTIONS, ...base });
      (which === 'app' ? app : bare).push(r);
      log(`T3 ${o.label} round ${round + 1} ${line(which === 'app' ? 'access check' : 'hello world ', r)}`);
      await sleep(200);
    }
    ratios.push(app[round]!.rps / bare[round]!.rps);
  }
  const bad = app.reduce(
    (n, r) =>
      n +
      Object.entries(r.statuses)
        .filter(([s]) => s !== '200')
        .reduce((m, [, c]) => m + c, 0),
    0,
  );
  const allowedShare =
    app.reduce((n, r) => n + r.allowed, 0) /
    Math.max(
      1,
      app.reduce((n, r) => n + r.count, 0),
    );
  const batches: Uint8Array[] = [];
  for (let i = 0; i + 100 <= checks.length && batches.length < 50; i += 100)
    batches.push(postRequest(appPort, path, { checks: checks.slice(i, i + 100) }, token));
  const batch = o.rounds > 1 ? await client.load({ port: appPort, requests: batches, connections: 10, ...base }) : null;
  if (batch) log(`T3 ${o.label} ${line('batch of 100 checks, 10 connections', batch)}`);
  await hello.close();

  const ratio = median(ratios);
  const p99 = median(app.map((r) => r.p99));
  const p50 = median(app.map((r) => r.p50));
  const appRps = median(app.map((r) => r.rps));
  const helloRps = median(bare.map((r) => r.rps));
  const perRequest = `1 connection: ${n0(single.rps)} req/s, p50 ${f(single.p50)} ms, p99 ${f(single.p99)} ms`;
  if (o.rounds === 1) {
    return {
      rows: [
        {
          id: 'T3',
          metric: `for the record: the same on a ${o.label} database (1 round)`,
          target: '—',
          measured: `${n0(appRps)} vs ${n0(helloRps)} req/s; p99 ${f(p99)} ms at ${CONNECTIONS} conns; ${perRequest}`,
          ratio: `${(ratio * 100).toFixed(1)}%`,
          result: null,
          note: o.auth
            ? `in process: token verification ${f(o.auth.verifyMs)} ms, caller resolution ${f(o.auth.resolveMs)} ms (groupsOf ${f(o.auth.groupsOfMs)} ms); ` +
              'the rest of a request is Fastify, zod, the check and its JSON'
            : '',
        },
      ],
      notes: [],
      singleP50: single.p50,
    };
  }
  const a = o.auth;
  const why =
    `every request first authenticates: at 1 connection a request takes p50 ${f(single.p50)} ms while the check itself takes microseconds (T1)` +
    (a
      ? `; measured in process: token verification ${f(a.verifyMs)} ms (Ed25519 signature), caller resolution ` +
        `${f(a.resolveMs)} ms, of which \`principals.groupsOf\` ${f(a.groupsOfMs)} ms (plan: "${a.plan}"); the rest of a request is Fastify, zod, the check ` +
        'and its JSON, on one event loop that shares 2 cores with the load generator'
      : '') +
    `. ${CONNECTIONS} closed-loop connections then queue: p99 ≈ ${CONNECTIONS} × the service time`;
  return {
    singleP50: single.p50,
    rows: [
      {
        id: 'T3',
        metric: `check over HTTP vs bare node:http hello-world, req/s, ${CONNECTIONS} connections, ${o.label} database`,
        target: '≥ 50%',
        measured: `${f(appRps, appRps < 100 ? 1 : 0)} vs ${n0(helloRps)} req/s`,
        ratio: `${(ratio * 100).toFixed(2)}%`,
        result: ratio >= 0.5 && bad === 0,
        note:
          (ratio >= 0.5 ? '' : `missed by ${((0.5 - ratio) * 100).toFixed(1)} points (${n0(0.5 / ratio)}× short): ${why}. `) +
          `Rounds (app ÷ hello): ${ratios.map((r) => `${(r * 100).toFixed(2)}%`).join(', ')}; non-200 answers: ${bad}; ${(allowedShare * 100).toFixed(0)}% allowed`,
      },
      {
        id: 'T3',
        metric: `check over HTTP p99 at ${CONNECTIONS} connections`,
        target: '≤ 5 ms',
        measured: `p99 ${f(p99)} ms (p50 ${f(p50)} ms)`,
        ratio: `${f(p99 / 5)} of budget`,
        result: p99 <= 5,
        note:
          (p99 <= 5
            ? ''
            : `missed by ${f(p99 - 5)} ms: ${CONNECTIONS} closed-loop connections at ${f(appRps, 1)} req/s wait ≈ ${f((CONNECTIONS / appRps) * 1000, 0)} ms each; `) +
          `hello-world p99 ${f(median(bare.map((r) => r.p99)))} ms in the same rounds`,
      },
      {
        id: 'T3',
        metric: 'for the record: 1 connection; the batch form',
        target: '—',
        measured: `${perRequest}; batches of 100 at 10 conns: ${n0((batch?.rps ?? 0) * 100)} checks/s (p99 ${f(batch?.p99 ?? NaN, 1)} ms per batch)`,
        ratio: '—',
        result: null,
      },
    ],
    notes: [
      `**T3 method.** The real server (\`startServer\` on the seeded ${o.label} database: Fastify, bearer authentication, zod, the access service) and a bare \`node:http\` ` +
        `hello-world listen on loopback in the same process; the client is a worker thread with ${CONNECTIONS} keep-alive connections in a closed loop, sending ` +
        `the same prebuilt requests to both (\`POST /openpim/access/check\` with the administrator's bearer token and one of ${n0(checks.length)} sampled checks, ` +
        `half aimed at a grant, half random). ${o.rounds} alternating rounds; hello-world ${base.warmupMs / 1000} s warm-up + ${base.durationMs / 1000} s measured, the server ` +
        `${f(appTimes.warmupMs / 1000, 1)} s + ${f(appTimes.durationMs / 1000, 1)} s (longer so its closed loop settles); ratio = median of per-round ratios; p50/p99 are medians over rounds. ` +
        'On 2 cores the client thread and the server thread share the machine (as they would with any local load generator).',
    ],
  };
}
