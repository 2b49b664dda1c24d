/**
 * Throwaway PostgreSQL clusters for tests.
 *
 * startPostgresCluster() runs initdb into a fresh temp dir and starts `postgres` on a free
 * loopback port (unix socket inside the temp dir, so it never clashes with a system cluster).
 * stop() shuts it down and deletes the dir. If the test process dies first, the server is taken
 * down too: by exit/signal handlers, and, where util-linux `setpriv` exists, by a parent-death
 * signal that fires even on SIGKILL. Dirs left behind by killed runs are swept on the next start.
 *
 * PostgreSQL refuses to run as root, so as root the binaries run as the `postgres` system user
 * (or a dedicated `openpim-pg` system user, created on demand).
 *
 * Server binaries come from OPENPIM_PG_BINDIR, else /usr/lib/postgresql/<highest>/bin (Debian),
 * else `pg_config --bindir`, else PATH. scripts/install-peers installs them.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface PostgresCluster {
  /** Superuser URL of the cluster's default database: postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** Stops the server and removes its files. Safe to call more than once. */
  stop(): Promise<void>;
}

const INSTALL_HINT = 'run scripts/install-peers (installs the Debian "postgresql" package)';
const DIR_PREFIX = 'openpim-pg-';
const OWNER_FILE = 'owner.pid';
const STARTUP_TIMEOUT_MS = 60_000;
// Unix socket paths are limited to 107 bytes; "<dir>/.s.PGSQL.<port>" must fit.
const MAX_SOCKET_DIR_LENGTH = 80;

interface PgUser {
  name: string;
  uid: number;
  gid: number;
}

// ---------------------------------------------------------------------------------------------
// Binaries and users

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

const hasServerBinaries = (dir: string): boolean => isExecutable(path.join(dir, 'initdb')) && isExecutable(path.join(dir, 'postgres'));

/** Directory holding initdb and postgres; throws with an install hint when there is none. */
export function findPostgresBinDir(): string {
  const override = process.env.OPENPIM_PG_BINDIR;
  if (override) {
    if (hasServerBinaries(override)) return override;
    throw new Error(`OPENPIM_PG_BINDIR=${override} does not contain initdb and postgres`);
  }
  const candidates: string[] = [];
  // Debian/Ubuntu keep each major version apart; prefer the newest.
  try {
    const versions = fs
      .readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    // not a Debian-style layout
  }
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    // no pg_config
  }
  candidates.push(...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean));
  const found = candidates.find(hasServerBinaries);
  if (found) return found;
  throw new Error(
    'PostgreSQL server binaries (initdb, postgres) not found in /usr/lib/postgresql/*/bin, ' +
      `pg_config --bindir or PATH; ${INSTALL_HINT}, or set OPENPIM_PG_BINDIR.`,
  );
}

function lookupUser(name: string): PgUser | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { name, uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/** The unprivileged user to run PostgreSQL as, or undefined when we are not root. */
function serverUser(): PgUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const existing = lookupUser('postgres') ?? lookupUser('openpim-pg');
  if (existing) return existing;
  try {
    execFileSync('useradd', ['--system', '--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin', 'openpim-pg'], {
      stdio: 'ignore',
    });
  } catch {
    // fall through to nobody
  }
  const user = lookupUser('openpim-pg') ?? lookupUser('nobody');
  if (!user) throw new Error('running as root, but found no unprivileged user to run PostgreSQL as (tried postgres, openpim-pg, nobody)');
  return user;
}

let setprivAvailable: boolean | undefined;
function hasSetpriv(): boolean {
  if (setprivAvailable === undefined) {
    try {
      // --pdeathsig needs util-linux >= 2.33
      setprivAvailable = execFileSync('setpriv', ['--help'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('--pdeathsig');
    } catch {
      setprivAvailable = false;
    }
  }
  return setprivAvailable;
}

function childEnv(): NodeJS.ProcessEnv {
  // Fixed locale: minimal machines have no en_US.UTF-8 and postgres warns or fails on a bad LANG.
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  for (const key of Object.keys(env)) if (key.startsWith('PG')) delete env[key];
  return env;
}

/** Runs a short-lived PostgreSQL tool (as `user` when given) and resolves with its output. */
function runTool(user: PgUser | undefined, file: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd, env: childEnv(), encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, ...(user ? { uid: user.uid, gid: user.gid } : {}) },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${path.basename(file)} failed: ${error.message}\n${stdout}${stderr}`.trim()));
        else resolve(stdout + stderr);
      },
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Temp dirs

/** Whether `user` (not root) can reach `dir`: every ancestor must be searchable by others. */
function reachableBy(dir: string, user: PgUser | undefined): boolean {
  if (!user) return true;
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    try {
      const st = fs.statSync(d);
      if (st.uid !== user.uid && (st.mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    if (d === path.dirname(d)) return true;
  }
}

function baseDir(user: PgUser | undefined): string {
  const preferred = process.env.OPENPIM_PG_TMPDIR ?? os.tmpdir();
  // The server user must reach the dir and the socket path must stay short; /tmp always works.
  if (preferred.length <= MAX_SOCKET_DIR_LENGTH - DIR_PREFIX.length - 8 && reachableBy(preferred, user)) return preferred;
  return '/tmp';
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes cluster dirs whose owning test process is gone (killed runs). Their servers are gone
 * too (parent-death signal), and a postmaster whose lock file vanished shuts itself down anyway.
 */
function sweepStaleDirs(base: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(base).filter((e) => e.startsWith(DIR_PREFIX));
  } catch {
    return;
  }
  for (const entry of entries) {
    const dir = path.join(base, entry);
    try {
      let stale: boolean;
      try {
        stale = !processAlive(Number(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8')));
      } catch {
        // No owner file: either just being created by a concurrent run, or left by a crash.
        stale = Date.now() - fs.statSync(dir).mtimeMs > 3600_000;
      }
      if (stale) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort: not ours to remove, or already gone
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Cleanup when the test process exits without calling stop()

const exitCleanups = new Set<() => void>();
let exitHandlersInstalled = false;

function runExitCleanups(): void {
  for (const cleanup of exitCleanups) {
    exitCleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // best effort
    }
  }
}

function installExitHandlers(): void {
  if (exitHandlersInstalled) return;
  exitHandlersInstalled = true;
  process.on('exit', runExitCleanups);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      runExitCleanups();
      // Listening to a signal disables its default action; if nobody else handles it, restore
      // the default and re-raise it so the process still dies as it would have.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Exited or zombie (our unreaped child): /proc tells, kill(pid, 0) can't. */
function processGone(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return !processAlive(pid);
  }
}

// ---------------------------------------------------------------------------------------------
// The cluster

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readLog(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

class PortInUseError extends Error {}

interface Server {
  child: ChildProcess;
  port: number;
}

async function startServer(binDir: string, user: PgUser | undefined, dir: string, dataDir: string): Promise<Server> {
  const port = await freePort();
  const logFile = path.join(dir, `postgres-${port}.log`);
  const logFd = fs.openSync(logFile, 'a');
  const postgres = path.join(binDir, 'postgres');
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${dir}`,
    // Parallel test files each hold a pool; the default 100 is tight.
    '-c',
    'max_connections=300',
  ];
  let child: ChildProcess;
  const options = { cwd: dir, env: childEnv(), stdio: ['ignore', logFd, logFd] as ['ignore', number, number] };
  if (hasSetpriv()) {
    // setpriv execs postgres (so child.pid is the postmaster) with a parent-death signal:
    // SIGQUIT (immediate shutdown) reaches it even when the test process is SIGKILLed.
    const creds = user ? ['--reuid', String(user.uid), '--regid', String(user.gid), '--clear-groups'] : [];
    child = spawn('setpriv', [...creds, '--pdeathsig', 'QUIT', '--', postgres, ...args], options);
  } else {
    child = spawn(postgres, args, { ...options, ...(user ? { uid: user.uid, gid: user.gid } : {}) });
  }
  fs.closeSync(logFd);
  // Never let the server keep the test runner alive; stop() and the exit handlers end it.
  child.unref();
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      const log = readLog(logFile);
      if (/could not bind|address already in use/i.test(log)) throw new PortInUseError(`port ${port} taken`);
      throw new Error(`postgres did not start (${spawnError?.message ?? `exit ${child.exitCode ?? child.signalCode}`}):\n${log}`);
    }
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('select 1');
      return { child, port };
    } catch {
      // not accepting connections yet
    } finally {
      await client.end().catch(() => {});
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`postgres did not accept connections within ${STARTUP_TIMEOUT_MS / 1000}s:\n${readLog(logFile)}`);
    }
    await delay(50);
  }
}

/** Starts a throwaway cluster (superuser `postgres`, trust auth, 127.0.0.1 only). */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const binDir = findPostgresBinDir();
  const user = serverUser();
  const base = baseDir(user);
  sweepStaleDirs(base);
  const dir = fs.mkdtempSync(path.join(base, DIR_PREFIX));
  fs.writeFileSync(path.join(dir, OWNER_FILE), String(process.pid));
  if (user) fs.chownSync(dir, user.uid, user.gid);
  const dataDir = path.join(dir, 'data');

  let server: Server | undefined;
  const cleanupSync = () => {
    const pid = server?.child.pid;
    if (pid !== undefined && !processGone(pid)) {
      server?.child.kill('SIGQUIT');
      for (let waited = 0; waited < 5000 && !processGone(pid); waited += 20) sleepSync(20);
      if (!processGone(pid)) server?.child.kill('SIGKILL');
    }
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  installExitHandlers();
  exitCleanups.add(cleanupSync);

  try {
    await runTool(user, path.join(binDir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync'], dir);
    for (let attempt = 1; !server; attempt++) {
      try {
        server = await startServer(binDir, user, dir, dataDir);
      } catch (error) {
        // Another process grabbed the port between our probe and postgres binding it: retry.
        if (!(error instanceof PortInUseError) || attempt >= 5) throw error;
      }
    }
  } catch (error) {
    exitCleanups.delete(cleanupSync);
    cleanupSync();
    throw error;
  }

  const { child, port } = server;
  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop() {
      stopping ??= (async () => {
        exitCleanups.delete(cleanupSync);
        // Immediate shutdown (like pg_ctl stop -m immediate): nothing here is worth a checkpoint.
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGQUIT');
          if (!(await waitForExit(child, 10_000))) {
            child.kill('SIGKILL');
            await waitForExit(child, 5_000);
          }
        }
        await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 3 });
      })();
      return stopping;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Databases

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** URL of database `name` on the same server as `url`. */
export function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

/**
 * Creates a database (default: a random `openpim_test_…` name) on the server of `adminUrl`,
 * which must connect as a role allowed to CREATE DATABASE, and returns its URL.
 */
export async function createDatabase(adminUrl: string, name = `openpim_test_${randomBytes(8).toString('hex')}`): Promise<string> {
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  return databaseUrl(adminUrl, name);
}

/** Drops a database made by createDatabase (by name or URL), disconnecting its sessions. */
export async function dropDatabase(adminUrl: string, nameOrUrl: string): Promise<void> {
  const name = nameOrUrl.includes('://') ? decodeURIComponent(new URL(nameOrUrl).pathname.slice(1)) : nameOrUrl;
  await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
}
