/**
 * What the CLI test files share: one live server per file on a temporary data directory with a
 * fake clock, users made through the API (a password, optionally a confirmed authenticator app),
 * one config directory per user signed in with the real `openpim login`, and the CLI run as a
 * child process — to completion, or kept running with its stdin open to answer a prompt later.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { base32Decode } from '../../src/domain/identity/base32.ts';
import { totpAt } from '../../src/domain/identity/totp.ts';
import { HOUR } from '../../src/domain/time.ts';
import { loadConfig } from '../../src/server/config.ts';
import { startServer, type Running } from '../../src/server/start.ts';
import { cleanEnv, NODE, ROOT, runCli, spawnCli, type CliProcess, type CliResult } from '../support/cli-process.ts';
import { FakeClock } from '../support/fake-clock.ts';

export const DIR = '/v1.0/roleManagement/directory';
export const STACK = /\n\s+at |\.ts:\d+:\d+|node:internal/;
export const PASSWORD = 'correct horse battery staple 42';
/** Polling every 100 ms keeps `--wait` quick in tests. */
const FAST = { OPENPIM_WAIT_POLL_MS: '100' };

export interface TestUser {
  readonly id: string;
  readonly upn: string;
  readonly displayName: string;
  /** The config directory the user's CLI keeps its token (and profiles) in. */
  readonly configDir: string;
  /** The authenticator app's key, when the user has one. */
  totpKey: Uint8Array | null;
}

export interface Harness {
  readonly server: Running;
  readonly clock: FakeClock;
  readonly adminToken: string;
  api<T = Record<string, unknown>>(token: string, method: string, path: string, body?: unknown): Promise<T>;
  /** A user with a password (and a confirmed authenticator app with `totp`), signed in to the CLI with the password only. */
  user(displayName: string, options?: { totp?: boolean; login?: boolean }): Promise<TestUser>;
  /** `openpim args…` as this user, to completion. */
  cli(user: TestUser, args: readonly string[], options?: { input?: string; env?: Record<string, string> }): Promise<CliResult>;
  /** `openpim args…` as this user, still running; stdin closed after `input` when given. */
  running(user: TestUser, args: readonly string[], options?: { input?: string }): CliProcess;
  /** `openpim args…` as this user with stdin left open, for answering prompts with `write`. */
  interactive(user: TestUser, args: readonly string[]): CliProcess & { write(line: string): void; stdoutMatching(pattern: RegExp): Promise<RegExpExecArray> };
  /** The user's next TOTP code: the fake clock moves to a fresh 30-second step (each code works once). */
  nextCode(user: TestUser): string;
  /** Makes a user eligible for a role at `/`, permanently. */
  makeEligible(user: TestUser, roleId: string): Promise<void>;
  /** Sets a role's activation rules: enabled rules and, optionally, approvers. */
  setActivationPolicy(roleId: string, settings: { enabledRules: string[]; approverIds?: string[] }): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(prefix: string): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), `openpim-${prefix}-data-`));
  const home = await mkdtemp(join(tmpdir(), `openpim-${prefix}-home-`));
  const clock = new FakeClock(Date.now());
  const server = await startServer(loadConfig({ dataDir, port: 0, logLevel: 'silent' }, {}), clock);
  const adminToken = await server.tokens.issue(
    { tenantId: server.tenant.id, principalId: server.admin.id, amr: ['pwd', 'mfa'], authTime: clock.now(), acrs: [] },
    24 * HOUR,
  );

  async function api<T = Record<string, unknown>>(token: string, method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300);
    return (text ? JSON.parse(text) : null) as T;
  }

  const envOf = (user: TestUser, extra: Record<string, string> = {}) => ({ OPENPIM_CONFIG_DIR: user.configDir, ...FAST, ...extra });
  const cli: Harness['cli'] = (user, args, options = {}) => runCli(args, { ...options, env: envOf(user, options.env) });

  const harness: Harness = {
    server,
    clock,
    adminToken,
    api,
    cli,
    running: (user, args, options = {}) => spawnCli(args, { ...options, env: envOf(user) }),
    interactive(user, args) {
      const child = spawn(NODE, ['src/cli/main.ts', ...args], { cwd: ROOT, env: cleanEnv(envOf(user)), stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const done = new Promise<CliResult>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
      const matching = (stream: 'stdout' | 'stderr') => (pattern: RegExp) =>
        new Promise<RegExpExecArray>((resolve, reject) => {
          const check = () => {
            const m = pattern.exec(stream === 'stdout' ? stdout : stderr);
            if (m) resolve(m);
          };
          child[stream].on('data', check);
          void done.then(() => reject(new Error(`exited before ${pattern}: ${stdout} ${stderr}`)));
          check();
        });
      return {
        child,
        done,
        stdout: () => stdout,
        stderr: () => stderr,
        stderrMatching: matching('stderr'),
        stdoutMatching: matching('stdout'),
        write: (line: string) => child.stdin.write(`${line}\n`),
      };
    },
    nextCode(user) {
      clock.advance(30_000);
      return totpAt(user.totpKey!, clock.now());
    },
    async user(displayName, options = {}) {
      const upn = `${displayName.toLowerCase()}@contoso.test`;
      const created = await api<{ id: string }>(adminToken, 'POST', '/v1.0/users', {
        displayName,
        userPrincipalName: upn,
        accountEnabled: true,
        passwordProfile: { password: PASSWORD, forceChangePasswordNextSignIn: false },
      });
      const user: TestUser = { id: created.id, upn, displayName, configDir: join(home, displayName.toLowerCase(), 'openpim'), totpKey: null };
      if (options.totp) {
        const token = await server.tokens.issue({ tenantId: server.tenant.id, principalId: user.id, amr: ['pwd'], authTime: clock.now(), acrs: [] }, HOUR);
        const enrolled = await api<{ secret: string }>(token, 'POST', '/openpim/me/authentication/totp', {});
        user.totpKey = base32Decode(enrolled.secret)!;
        await api(token, 'POST', '/openpim/me/authentication/totp/confirm', { code: totpAt(user.totpKey, clock.now()) });
      }
      if (options.login !== false) {
        const login = await cli(user, ['login', '--server', server.url, '--username', upn, '--password-stdin'], { input: `${PASSWORD}\n` });
        expect(login, login.stderr).toMatchObject({ code: 0 });
      }
      return user;
    },
    async makeEligible(user, roleId) {
      await api(adminToken, 'POST', `${DIR}/roleEligibilityScheduleRequests`, {
        action: 'adminAssign',
        principalId: user.id,
        roleDefinitionId: roleId,
        directoryScopeId: '/',
        justification: 'on call',
        scheduleInfo: { expiration: { type: 'noExpiration' } },
      });
    },
    async setActivationPolicy(roleId, settings) {
      const policy = (await server.store.read.policies.forRoleAt(server.tenant.id, roleId, '/'))!;
      const rules = `/v1.0/policies/roleManagementPolicies/${policy.id}/rules`;
      await api(adminToken, 'PATCH', `${rules}/Enablement_EndUser_Assignment`, {
        '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
        id: 'Enablement_EndUser_Assignment',
        enabledRules: settings.enabledRules,
      });
      if (!settings.approverIds) return;
      await api(adminToken, 'PATCH', `${rules}/Approval_EndUser_Assignment`, {
        '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyApprovalRule',
        id: 'Approval_EndUser_Assignment',
        target: { caller: 'EndUser', operations: ['All'], level: 'Assignment', inheritableSettings: [], enforcedSettings: [] },
        setting: {
          isApprovalRequired: true,
          isApprovalRequiredForExtension: false,
          isRequestorJustificationRequired: true,
          approvalMode: 'SingleStage',
          approvalStages: [
            {
              approvalStageTimeOutInDays: 1,
              isApproverJustificationRequired: false,
              escalationTimeInMinutes: 0,
              isEscalationEnabled: false,
              primaryApprovers: settings.approverIds.map((userId) => ({ '@odata.type': '#microsoft.graph.singleUser', userId })),
              escalationApprovers: [],
            },
          ],
        },
      });
    },
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
      await rm(home, { recursive: true, force: true });
    },
  };
  return harness;
}
