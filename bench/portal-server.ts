/**
 * The real OpenPIM server for T14, in a worker thread of its own: `startServer` (as `openpim serve`
 * does) over an embedded SQLite database in a temporary directory, serving a built portal at `/`
 * on loopback — a snapshot of web/dist that the phase took (others' builds replace web/dist while
 * the bench runs). Its own thread keeps the server's event loop apart from the
 * browser driver (playwright-core runs in the phase's main thread), as a browser and a server are
 * apart in use. The phase gets the URL and a bootstrap administrator's bearer token and does
 * everything else (users, policies, eligibilities, sign-in, checks) over HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { configSchema } from '../src/server/config.ts';
import { startServer } from '../src/server/start.ts';

const MARK = 'openpim-bench-portal-server';
const HOUR = 3_600_000;

type FromWorker =
  | { readonly type: 'ready'; readonly url: string; readonly adminToken: string; readonly startMs: number }
  | { readonly type: 'closed' }
  | { readonly type: 'error'; readonly error: string };

interface Data {
  readonly mark: typeof MARK;
  readonly portalDir: string;
}

if (!isMainThread && (workerData as Data | null)?.mark === MARK) {
  const { portalDir } = workerData as Data;
  const post = (m: FromWorker): void => parentPort!.postMessage(m);
  const dir = mkdtempSync(join(tmpdir(), 'openpim-bench-portal-'));
  const t = performance.now();
  startServer(
    configSchema.parse({
      dataDir: dir,
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      tenantName: 'Bench',
      bootstrapAdmin: 'admin@bench.test',
      weeklyDigest: false,
    }),
    undefined,
    undefined,
    { portalDir },
  )
    .then(async (running) => {
      const startMs = performance.now() - t;
      const adminToken = await running.tokens.issue(
        { tenantId: running.tenant.id, principalId: running.admin.id, amr: ['pwd', 'mfa'], authTime: Date.now(), acrs: [] },
        4 * HOUR,
      );
      parentPort!.once('message', () => {
        running.close().finally(() => {
          rmSync(dir, { recursive: true, force: true });
          post({ type: 'closed' });
        });
      });
      post({ type: 'ready', url: running.url, adminToken, startMs });
    })
    .catch((error: unknown) => {
      rmSync(dir, { recursive: true, force: true });
      post({ type: 'error', error: String((error as Error)?.stack ?? error) });
    });
}

export interface PortalServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** A bearer token of the bootstrap Global Administrator (with MFA), for setting up and checking. */
  readonly adminToken: string;
  /** How long `startServer` took on the empty database. */
  readonly startMs: number;
  /** Stops the server and deletes its database; ends the worker. */
  close(): Promise<void>;
}

/** Starts the server in a worker thread, serving the portal built in `portalDir`. */
export function startPortalServer(portalDir: string): Promise<PortalServer> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { mark: MARK, portalDir } satisfies Data, execArgv: [] });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: FromWorker) => {
      if (m.type === 'error') {
        void worker.terminate();
        reject(new Error(`the portal server did not start: ${m.error}`));
        return;
      }
      if (m.type !== 'ready') return;
      resolve({
        url: m.url,
        adminToken: m.adminToken,
        startMs: m.startMs,
        close: () =>
          new Promise<void>((done) => {
            worker.once('message', () => void worker.terminate().then(() => done()));
            worker.postMessage('close');
          }),
      });
    });
  });
}
