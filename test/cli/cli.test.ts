/**
 * The `openpim` command as an operator runs it: a child process on a temporary data directory.
 * Tokens it prints are accepted by the server, `audit verify` catches an edited event, `serve`
 * and `demo` come up ready, bad settings fail with a message and no stack, and a restart catches
 * up on expiries that fell due while the server was down — exactly once.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ACTIVITY } from '../../src/domain/audit/activities.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { HOUR, MINUTE } from '../../src/domain/time.ts';
import { loadConfig } from '../../src/server/config.ts';
import { startServer, type Running } from '../../src/server/start.ts';
import { runCli, spawnCli } from '../support/cli-process.ts';
import { FakeClock } from '../support/fake-clock.ts';

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const STACK = /\n\s+at |\.ts:\d+:\d+|node:internal/;
const DIR = '/v1.0/roleManagement/directory';

const run = (args: readonly string[], env?: Record<string, string>) => runCli(args, env ? { env } : {});

/** A long-running CLI process, once its stdout matches `ready`. */
function serveUntil(args: readonly string[], ready: RegExp): Promise<{ child: ChildProcess; stdout: () => string; stop: () => Promise<number | null> }> {
  const { child } = spawnCli(args);
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`no ${ready} within 20 s; stdout: ${stdout}; stderr: ${stderr}`));
    }, 20_000);
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.on('data', (d) => {
      stdout += d;
      if (ready.test(stdout)) {
        clearTimeout(timer);
        resolve({ child, stdout: () => stdout, stop });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${ready}; stdout: ${stdout}; stderr: ${stderr}`));
    });
  });
}

const dirs: string[] = [];
async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'openpim-cli-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Opens the SQLite file of a data directory directly, as an attacker with file access could. */
function withFile<T>(dir: string, work: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(join(dir, 'openpim.db'));
  try {
    return work(db);
  } finally {
    db.close();
  }
}
const countActivity = (dir: string, activity: string) =>
  withFile(dir, (db) => Number((db.prepare('select count(*) as n from audit_events where activity = ?').get(activity) as { n: number }).n));

const serverConfig = (dir: string) => loadConfig({ dataDir: dir, port: 0, logLevel: 'silent' }, {});

describe('the openpim CLI', () => {
  it('issues a token that is only a JWT, and the server accepts it', async () => {
    const dir = await dataDir();
    const issued = await run(['token', 'issue', '--data', dir, '--principal', 'admin@openpim.local', '--mfa']);
    expect(issued).toMatchObject({ code: 0, stderr: '' });
    expect(issued.stdout.endsWith('\n')).toBe(true);
    const lines = issued.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(JWT);
    const claims = JSON.parse(Buffer.from(lines[0]!.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ iss: 'openpim', aud: 'openpim', amr: ['pwd', 'mfa'] });
    expect(claims.exp - claims.iat).toBe(3600);

    const server = await startServer(serverConfig(dir));
    try {
      const res = await fetch(`${server.url}${DIR}/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')`, {
        headers: { authorization: `Bearer ${lines[0]}` },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { value: { principalId: string; roleDefinitionId: string }[] };
      expect(body.value).toEqual([expect.objectContaining({ principalId: server.admin.id, roleDefinitionId: ROLE.globalAdministrator })]);
      const tampered = `${lines[0]!.slice(0, -4)}AAAA`;
      expect((await fetch(`${server.url}/v1.0/users`, { headers: { authorization: `Bearer ${tampered}` } })).status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('verifies the audit chain, and names the first event edited behind its back', async () => {
    const dir = await dataDir();
    expect((await run(['token', 'issue', '--data', dir, '--principal', 'admin@openpim.local'])).code).toBe(0); // creates the tenant
    const intact = await run(['audit', 'verify', '--data', dir]);
    expect(intact).toMatchObject({ code: 0, stderr: '' });
    expect(intact.stdout).toMatch(/verified: 3 event\(s\), no broken link/);

    withFile(dir, (db) => db.prepare("update audit_events set details = replace(details, 'Bootstrap administrator', 'Nobody') where seq = 3").run());
    const broken = await run(['audit', 'verify', '--data', dir]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN at event #3 /);
    expect(broken.stderr).toBe('');

    withFile(dir, (db) => db.prepare("update audit_events set activity = 'Nothing happened' where seq = 2").run());
    expect((await run(['audit', 'verify', '--data', dir])).stdout).toMatch(/BROKEN at event #2 /);
  });

  it('migrates a fresh data directory, and then has nothing to do', async () => {
    const dir = await dataDir();
    const first = await run(['migrate', '--data', dir]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^Applied: \S+/);
    expect(await run(['migrate', '--data', dir])).toMatchObject({ code: 0, stdout: 'The schema is up to date.\n' });
  });

  it('serves until SIGTERM, ready at the URL it prints', async () => {
    const dir = await dataDir();
    const served = await serveUntil(['serve', '--port', '0', '--data', dir], /OpenPIM listening on (http:\/\/\S+)/);
    const url = /OpenPIM listening on (http:\/\/\S+)/.exec(served.stdout())![1]!;
    expect(served.stdout()).toContain(`embedded database in ${dir}`);
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ready' });
    expect((await fetch(`${url}/v1.0/users`)).status).toBe(401);
    expect(await served.stop()).toBe(0);
  });

  it('runs a demo that prints a URL and working tokens', async () => {
    const dir = await dataDir();
    const demo = await serveUntil(['demo', '--port', '0', '--data', dir], /Press Ctrl\+C to stop/);
    try {
      const out = demo.stdout();
      const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
      const admin = /admin@contoso\.example[^\n]*:\n\s+(\S+)/.exec(out)![1]!;
      const alice = /alice@contoso\.example \(MFA\):\n\s+(\S+)/.exec(out)![1]!;
      expect([admin, alice]).toEqual([expect.stringMatching(JWT), expect.stringMatching(JWT)]);
      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ready' });
      const users = (await (await fetch(`${url}/v1.0/users?$top=50`, { headers: { authorization: `Bearer ${admin}` } })).json()) as {
        value: { userPrincipalName: string }[];
      };
      expect(users.value.map((u) => u.userPrincipalName)).toEqual(expect.arrayContaining(['alice@contoso.example', 'frank@contoso.example']));
      const mine = await fetch(`${url}${DIR}/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')`, {
        headers: { authorization: `Bearer ${alice}` },
      });
      expect(((await mine.json()) as { value: unknown[] }).value).toHaveLength(2);
      // The password is made for this run, and printed.
      const password = /password is "([a-z2-9]{4}(?:-[a-z2-9]{4}){3})"/.exec(out)![1]!;
      const signedIn = await fetch(`${url}/openpim/auth/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userPrincipalName: 'frank@contoso.example', password }),
      });
      expect(signedIn.status).toBe(200);
    } finally {
      expect(await demo.stop()).toBe(0);
    }
  });

  it.each([
    ['a port that is not a number', ['serve', '--port', 'abc', '--data', 'DATA'], {}, 2, /port/],
    ['a port out of range', ['serve', '--port', '70000', '--data', 'DATA'], {}, 2, /port/],
    ['a bad log level in the environment', ['serve', '--port', '0', '--data', 'DATA'], { OPENPIM_LOG_LEVEL: 'loud' }, 2, /logLevel \(OPENPIM_LOG_LEVEL\)/],
    ['a database URL that is not postgres', ['migrate', '--database-url', 'mysql://x'], {}, 2, /databaseUrl/],
    ['a token lifetime in years', ['token', 'issue', '--principal', 'admin@openpim.local', '--ttl', 'P1Y', '--data', 'DATA'], {}, 1, /--ttl/],
    [
      'a token lifetime over 100 years',
      ['token', 'issue', '--principal', 'admin@openpim.local', '--ttl', 'P14300000W', '--data', 'DATA'],
      {},
      1,
      /--ttl: .*100 years/,
    ],
    ['an unknown principal', ['token', 'issue', '--principal', 'nobody@openpim.local', '--data', 'DATA'], {}, 1, /nobody@openpim\.local/],
    ['a token without --principal', ['token', 'issue', '--data', 'DATA'], {}, 2, /--principal/],
    ['an unknown command', ['frobnicate'], {}, 2, /unknown command 'frobnicate'/],
    ['verifying a data directory that holds no database', ['audit', 'verify', '--data', 'DATA/typo'], {}, 1, /no OpenPIM database in .*typo/],
  ] as const)('refuses %s with a message, a non-zero exit and no stack trace', async (_label, args, env, code, message) => {
    const dir = await dataDir();
    const result = await run(
      args.map((a) => a.replace(/^DATA/, dir)),
      env,
    );
    expect(result.code).toBe(code);
    expect(existsSync(join(dir, 'typo')), 'nothing created for a mistyped directory').toBe(false);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(STACK);
    expect(result.stdout).toBe('');
  });

  it('catches up on restart: an activation that ended while the server was down expires once, before ready', async () => {
    const dir = await dataDir();
    // First life, three hours ago: a one-hour activation that has long ended by now.
    const past = new FakeClock(Date.now() - 3 * HOUR);
    let server: Running = await startServer(serverConfig(dir), past);
    const call = async (token: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      expect(res.status, `${method} ${path}`).toBeLessThan(300);
      return res.json() as Promise<{ id: string; status: string }>;
    };
    const tokenFor = (principalId: string) =>
      server.tokens.issue({ tenantId: server.tenant.id, principalId, amr: ['pwd', 'mfa'], authTime: past.now(), acrs: [] }, HOUR);
    const adminToken = await tokenFor(server.admin.id);
    const user = await call(adminToken, 'POST', '/v1.0/users', { displayName: 'Alice', userPrincipalName: 'alice@contoso.test' });
    await call(adminToken, 'POST', `${DIR}/roleEligibilityScheduleRequests`, {
      action: 'adminAssign',
      principalId: user.id,
      roleDefinitionId: ROLE.userAdministrator,
      justification: 'rota',
      scheduleInfo: { expiration: { type: 'noExpiration' } },
    });
    const activation = await call(await tokenFor(user.id), 'POST', `${DIR}/roleAssignmentScheduleRequests`, {
      action: 'selfActivate',
      principalId: user.id,
      roleDefinitionId: ROLE.userAdministrator,
      justification: 'incident',
      scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
    });
    expect(activation.status).toBe('Provisioned');
    past.advance(10 * MINUTE);
    await server.close();
    expect(countActivity(dir, ACTIVITY.activationExpired)).toBe(0);

    // Second life, now: the overdue expiry is processed before the server says ready.
    server = await startServer(serverConfig(dir));
    try {
      expect(server.caughtUp).toBeGreaterThanOrEqual(1);
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ready' });
      expect(countActivity(dir, ACTIVITY.activationExpired)).toBe(1);
      const instances = await fetch(`${server.url}${DIR}/roleAssignmentScheduleInstances?$filter=${encodeURIComponent(`principalId eq '${user.id}'`)}`, {
        headers: {
          authorization: `Bearer ${await server.tokens.issue({ tenantId: server.tenant.id, principalId: server.admin.id, amr: ['pwd'], authTime: Date.now(), acrs: [] }, HOUR)}`,
        },
      });
      expect(((await instances.json()) as { value: unknown[] }).value).toEqual([]);
      // The timeline runner starts after the catch-up. A grant that starts a moment from now is
      // provisioned only by the runner: once it is, the runner has run over the timeline since
      // start-up, and had its chance to expire the activation a second time.
      const adminNow = await server.tokens.issue(
        { tenantId: server.tenant.id, principalId: server.admin.id, amr: ['pwd', 'mfa'], authTime: Date.now(), acrs: [] },
        HOUR,
      );
      const later = await call(adminNow, 'POST', `${DIR}/roleAssignmentScheduleRequests`, {
        action: 'adminAssign',
        principalId: user.id,
        roleDefinitionId: ROLE.securityReader,
        justification: 'rota',
        scheduleInfo: { startDateTime: new Date(Date.now() + 1500).toISOString(), expiration: { type: 'noExpiration' } },
      });
      expect(later.status).toBe('Granted');
      await vi.waitFor(
        async () => {
          expect((await call(adminNow, 'GET', `${DIR}/roleAssignmentScheduleRequests/${later.id}`)).status).toBe('Provisioned');
        },
        { timeout: 10_000, interval: 100 },
      );
      expect(countActivity(dir, ACTIVITY.activationExpired)).toBe(1);
    } finally {
      await server.close();
    }

    // Third life, through the real command: nothing left to catch up on, nothing done twice.
    const served = await serveUntil(['serve', '--port', '0', '--data', dir], /OpenPIM listening on/);
    expect(served.stdout()).not.toMatch(/Caught up/);
    expect(await served.stop()).toBe(0);
    expect(countActivity(dir, ACTIVITY.activationExpired)).toBe(1);
    expect(await run(['audit', 'verify', '--data', dir])).toMatchObject({ code: 0 });
  });
});
