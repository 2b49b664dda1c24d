/**
 * The CLI's user verbs against a real server over HTTP, run as child processes the way a person or
 * a script runs them (clean environment, a temporary config directory): `login` stores a token in
 * a private file; `activate` of an MFA-required role meets the step-up challenge with a TOTP code
 * piped on stdin and the role is active at the server; without a code nothing is activated;
 * `whoami`, `roles`, `requests`, `deactivate` and `logout` do what they say; failures are one line,
 * exit non-zero, and never a stack trace.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode } from '../../src/domain/identity/base32.ts';
import { totpAt } from '../../src/domain/identity/totp.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { HOUR, MINUTE } from '../../src/domain/time.ts';
import { loadConfig } from '../../src/server/config.ts';
import { startServer, type Running } from '../../src/server/start.ts';
import { runCli, spawnCli, type CliResult } from '../support/cli-process.ts';
import { FakeClock } from '../support/fake-clock.ts';

const STACK = /\n\s+at |\.ts:\d+:\d+|node:internal/;
const DIR = '/v1.0/roleManagement/directory';
const PASSWORD = 'correct horse battery staple 42';
const UPN = 'alice@contoso.test';

let server: Running;
let clock: FakeClock;
let configDir: string;
let dataDir: string;
let adminToken: string;
let alice: { id: string };
let totpKey: Uint8Array;

/** Runs the CLI to completion with a clean environment and the test's config dir; `input` is piped to stdin (else stdin is empty). */
const cli = (args: readonly string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<CliResult> =>
  runCli(args, { ...options, env: { OPENPIM_CONFIG_DIR: configDir, ...options.env } });

/** A CLI process still running, with a way to wait for its stderr to say something. */
const cliRunning = (args: readonly string[], env: Record<string, string> = {}) => spawnCli(args, { env: { OPENPIM_CONFIG_DIR: configDir, ...env } });

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

/** Alice's roles in effect now, as the server sees them. */
async function activeRolesOfAlice(): Promise<string[]> {
  const filter = encodeURIComponent(`principalId eq '${alice.id}'`);
  const page = await api<{ value: { roleDefinitionId: string }[] }>(adminToken, 'GET', `${DIR}/roleAssignmentScheduleInstances?$filter=${filter}`);
  return page.value.map((i) => i.roleDefinitionId).sort();
}

const credentialsFile = () => join(configDir, 'credentials.json');
const stored = async () =>
  JSON.parse(await readFile(credentialsFile(), 'utf8')) as { defaultServer: string | null; servers: Record<string, { accessToken: string }> };
const amrOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { amr: string[] }).amr;
/** The next TOTP code: each code works once, so the fake clock moves to a fresh 30-second step. */
const nextCode = () => {
  clock.advance(30_000);
  return totpAt(totpKey, clock.now());
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'openpim-cli-client-data-'));
  configDir = join(await mkdtemp(join(tmpdir(), 'openpim-cli-client-home-')), 'openpim');
  clock = new FakeClock(Date.now());
  server = await startServer(loadConfig({ dataDir, port: 0, logLevel: 'silent' }, {}), clock);
  adminToken = await server.tokens.issue(
    { tenantId: server.tenant.id, principalId: server.admin.id, amr: ['pwd', 'mfa'], authTime: clock.now(), acrs: [] },
    HOUR,
  );

  // Alice: a local account with a password and a confirmed authenticator app.
  alice = await api<{ id: string }>(adminToken, 'POST', '/v1.0/users', {
    displayName: 'Alice',
    userPrincipalName: UPN,
    accountEnabled: true,
    passwordProfile: { password: PASSWORD, forceChangePasswordNextSignIn: false },
  });
  const signedIn = await fetch(`${server.url}/openpim/auth/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userPrincipalName: UPN, password: PASSWORD }),
  });
  const aliceToken = ((await signedIn.json()) as { access_token: string }).access_token;
  const enrolled = await api<{ secret: string }>(aliceToken, 'POST', '/openpim/me/authentication/totp', {});
  totpKey = base32Decode(enrolled.secret)!;
  await api(aliceToken, 'POST', '/openpim/me/authentication/totp/confirm', { code: totpAt(totpKey, clock.now()) });

  // Eligible for two roles whose activation needs MFA and a reason…
  for (const role of [ROLE.userAdministrator, ROLE.securityReader]) {
    const policy = (await server.store.read.policies.forRoleAt(server.tenant.id, role, '/'))!;
    await api(adminToken, 'PATCH', `/v1.0/policies/roleManagementPolicies/${policy.id}/rules/Enablement_EndUser_Assignment`, {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
      id: 'Enablement_EndUser_Assignment',
      enabledRules: ['MultiFactorAuthentication', 'Justification'],
    });
    await api(adminToken, 'POST', `${DIR}/roleEligibilityScheduleRequests`, {
      action: 'adminAssign',
      principalId: alice.id,
      roleDefinitionId: role,
      directoryScopeId: '/',
      justification: 'on call',
      scheduleInfo: { expiration: { type: 'noExpiration' } },
    });
  }
  // …one with the default policy (MFA and a reason too)…
  await api(adminToken, 'POST', `${DIR}/roleEligibilityScheduleRequests`, {
    action: 'adminAssign',
    principalId: alice.id,
    roleDefinitionId: ROLE.globalReader,
    directoryScopeId: '/',
    justification: 'on call',
    scheduleInfo: { expiration: { type: 'noExpiration' } },
  });
  // …and one that asks for the phishing-resistant authentication context (WebAuthn), which a TOTP code cannot meet.
  const helpdesk = (await server.store.read.policies.forRoleAt(server.tenant.id, ROLE.helpdeskAdministrator, '/'))!;
  await api(adminToken, 'PATCH', `/v1.0/policies/roleManagementPolicies/${helpdesk.id}/rules/AuthenticationContext_EndUser_Assignment`, {
    '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule',
    isEnabled: true,
    claimValue: 'phishing-resistant',
  });
  await api(adminToken, 'POST', `${DIR}/roleEligibilityScheduleRequests`, {
    action: 'adminAssign',
    principalId: alice.id,
    roleDefinitionId: ROLE.helpdeskAdministrator,
    directoryScopeId: '/',
    justification: 'on call',
    scheduleInfo: { expiration: { type: 'noExpiration' } },
  });
});

afterAll(async () => {
  await server?.close();
  for (const dir of [dataDir, configDir && join(configDir, '..')]) if (dir) await rm(dir, { recursive: true, force: true });
});

/** The browser answers the CLI's confirmation page: open it with the session cookie, post its form. */
async function confirmInBrowser(authorizeUrl: URL, cookie: string, decision: 'allow' | 'deny'): Promise<Response> {
  const page = await fetch(authorizeUrl, { headers: { cookie }, redirect: 'manual' });
  expect(page.status).toBe(200);
  const html = await page.text();
  const fields = Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([a-z_]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]),
  );
  return fetch(new URL('/openpim/auth/authorize', authorizeUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, decision }).toString(),
  });
}
describe('openpim login, activate with MFA step-up, and the other user verbs over HTTP', { timeout: 60_000 }, () => {
  it('refuses a wrong password with one clear line, and stores nothing', async () => {
    const result = await cli(['login', '--server', server.url, '--username', UPN, '--password-stdin'], { input: 'not the password\n' });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^openpim: sign-in to http:\/\/\S+ failed: .+\n$/);
    expect(result.stderr).not.toMatch(STACK);
    expect(result.stdout).toBe('');
    expect(existsSync(credentialsFile())).toBe(false);
  });

  it('signs in with a password from stdin and keeps the token in a private file, keyed by server', async () => {
    const result = await cli(['login', '--server', `${server.url}/`, '--username', UPN, '--password-stdin'], { input: `${PASSWORD}\n` });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Signed in to ${server.url} as ${UPN} without multi-factor authentication`);
    expect(statSync(credentialsFile()).mode & 0o777).toBe(0o600);
    expect(statSync(configDir).mode & 0o777).toBe(0o700);
    const file = await stored();
    expect(file.defaultServer).toBe(server.url);
    expect(Object.keys(file.servers)).toEqual([server.url]);
    expect(amrOf(file.servers[server.url]!.accessToken)).toEqual(['pwd']);
  });

  it('says who is signed in', async () => {
    const human = await cli(['whoami']);
    expect(human).toMatchObject({ code: 0, stderr: '' });
    expect(human.stdout).toMatch(new RegExp(`^Alice \\(${UPN}\\)\\n  id: +${alice.id}\\n`));
    const json = await cli(['whoami', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ server: server.url, user: { id: alice.id, userPrincipalName: UPN }, signIn: { mfa: false } });
  });

  it('serves GET /v1.0/me in the shape of GET /v1.0/users/{id}, for users only', async () => {
    const token = (await stored()).servers[server.url]!.accessToken;
    const me = await api<Record<string, unknown>>(token, 'GET', '/v1.0/me');
    const byId = await api<Record<string, unknown>>(adminToken, 'GET', `/v1.0/users/${alice.id}`);
    expect({ ...me, '@odata.context': null }).toEqual({ ...byId, '@odata.context': null });
    const selected = await api<Record<string, unknown>>(token, 'GET', '/v1.0/me?$select=userPrincipalName');
    expect(selected).toMatchObject({ id: alice.id, userPrincipalName: UPN });
    expect(selected).not.toHaveProperty('displayName');
    const sp = await api<{ id: string }>(adminToken, 'POST', '/v1.0/servicePrincipals', { displayName: 'Robot' });
    const spToken = await server.tokens.issue({ tenantId: server.tenant.id, principalId: sp.id, amr: [], authTime: null, acrs: [] }, HOUR);
    const refused = await fetch(`${server.url}/v1.0/me`, { headers: { authorization: `Bearer ${spToken}` } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('Request_BadRequest');
  });

  it('lists the roles the user is eligible for', async () => {
    const human = await cli(['roles']);
    expect(human).toMatchObject({ code: 0, stderr: '' });
    expect(human.stdout).toMatch(/^ROLE +SCOPE +STATE +UNTIL +VIA\n/);
    expect(human.stdout).toMatch(/Security Reader +\/ +eligible +permanent +Direct/);
    expect(human.stdout).toMatch(/User Administrator +\/ +eligible +permanent +Direct/);
    const json = JSON.parse((await cli(['roles', '--json'])).stdout);
    expect(json.active).toEqual([]);
    expect(json.eligible.map((r: { roleDefinitionId: string }) => r.roleDefinitionId).sort()).toEqual(
      [ROLE.userAdministrator, ROLE.securityReader, ROLE.globalReader, ROLE.helpdeskAdministrator].sort(),
    );
  });

  it('meets the MFA challenge with no code to give: says so, exits 3, activates nothing', async () => {
    const result = await cli(['activate', 'User Administrator', '--reason', 'incident 4711']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/MFA required/);
    expect(result.stderr).toMatch(/^openpim: MFA required and no code given: pass --totp CODE, set OPENPIM_TOTP, or give the code on stdin/m);
    expect(result.stderr).not.toMatch(STACK);
    expect(result.stdout).toBe('');
    expect(await activeRolesOfAlice()).toEqual([]);
  });

  it('refuses a wrong code at the step-up, and activates nothing', async () => {
    const code = nextCode();
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const result = await cli(['activate', 'User Administrator', '--reason', 'incident 4711'], { input: `${wrong}\n` });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^openpim: MFA step-up failed: .+$/m);
    expect(await activeRolesOfAlice()).toEqual([]);
  });

  it('activates two MFA-required roles with one reason: one challenge, one code from stdin, both provisioned', async () => {
    const result = await cli(
      ['activate', 'user administrator', ROLE.securityReader, '--reason', 'incident 4711', '--ticket', 'JIRA:OPS-4711', '--duration', 'PT2H'],
      { input: `${nextCode()}\n` },
    );
    expect(result.stderr.match(/MFA required/g), result.stderr).toHaveLength(1);
    expect(result.stderr).toMatch(/MFA challenge met/);
    expect(result.code).toBe(0);
    const until = new Date(clock.now() + 2 * HOUR).toISOString();
    expect(result.stdout).toBe(
      `User Administrator: Provisioned until ${until} (request ${/User Administrator: \S+ until \S+ \(request (\S+)\)/.exec(result.stdout)?.[1]})\n` +
        `Security Reader: Provisioned until ${until} (request ${/Security Reader: \S+ until \S+ \(request (\S+)\)/.exec(result.stdout)?.[1]})\n`,
    );
    expect(await activeRolesOfAlice()).toEqual([ROLE.userAdministrator, ROLE.securityReader].sort());
    // The stepped-up token was kept: the next command runs with MFA.
    expect(amrOf((await stored()).servers[server.url]!.accessToken)).toContain('mfa');
    const request = await api<{ value: { justification: string; ticketInfo: { ticketSystem: string; ticketNumber: string } }[] }>(
      adminToken,
      'GET',
      `${DIR}/roleAssignmentScheduleRequests?$filter=${encodeURIComponent(`principalId eq '${alice.id}'`)}`,
    );
    expect(request.value[0]).toMatchObject({ justification: 'incident 4711', ticketInfo: { ticketSystem: 'JIRA', ticketNumber: 'OPS-4711' } });
  });

  it('names an authentication context the CLI cannot meet, and activates nothing', async () => {
    const result = await cli(['activate', 'Helpdesk Administrator', '--reason', 'ticket queue']);
    expect(result).toMatchObject({ code: 3, stdout: '' });
    expect(result.stderr).toMatch(/^openpim: .*needs the authentication context phishing-resistant .*which the CLI cannot provide.*\n$/);
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(await activeRolesOfAlice()).toEqual([ROLE.userAdministrator, ROLE.securityReader].sort());
  });

  it("reports a role that fails with the server's message and exit code 1, and still activates the others", async () => {
    const result = await cli(['activate', 'User Administrator', 'Global Reader', '--reason', 'again', '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^openpim: User Administrator: .+\n$/);
    expect(result.stderr).not.toMatch(STACK);
    expect(JSON.parse(result.stdout)).toEqual([
      expect.objectContaining({
        role: 'User Administrator',
        requestId: null,
        status: null,
        error: { code: 'RoleAssignmentExists', message: expect.any(String) },
      }),
      expect.objectContaining({ role: 'Global Reader', requestId: expect.any(String), status: 'Provisioned', endDateTime: expect.any(String), error: null }),
    ]);
    expect(await activeRolesOfAlice()).toEqual([ROLE.userAdministrator, ROLE.securityReader, ROLE.globalReader].sort());
  });

  it('refuses an unknown role and bad options before submitting anything', async () => {
    const unknown = await cli(['activate', 'Chief Everything Officer', '--reason', 'x']);
    expect(unknown).toMatchObject({ code: 5, stdout: '' });
    expect(unknown.stderr).toBe("openpim: no role named 'Chief Everything Officer' (openpim roles lists yours)\n");
    const duration = await cli(['activate', 'Security Reader', '--reason', 'x', '--duration', 'two hours']);
    expect(duration).toMatchObject({ code: 2, stdout: '' });
    expect(duration.stderr).toMatch(/--duration 'two hours' is not an ISO-8601 duration/);
    expect((await cli(['activate', 'Security Reader'])).stderr).toMatch(/--reason/);
  });

  it("lists the user's requests, newest first", async () => {
    const human = await cli(['requests']);
    expect(human).toMatchObject({ code: 0, stderr: '' });
    expect(human.stdout).toMatch(/^CREATED +ACTION +ROLE +SCOPE +STATUS +ID\n/);
    expect(human.stdout).toMatch(/selfActivate +User Administrator +\/ +Provisioned/);
    const json = JSON.parse((await cli(['requests', '--json'])).stdout) as { action: string; status: string; roleName: string }[];
    expect(
      json
        .filter((r) => r.action === 'selfActivate')
        .map((r) => `${r.action} ${r.roleName} ${r.status}`)
        .sort(),
    ).toEqual(['selfActivate Global Reader Provisioned', 'selfActivate Security Reader Provisioned', 'selfActivate User Administrator Provisioned']);
  });

  it('deactivates a role (after the first five minutes) and the server no longer holds it active', async () => {
    clock.advance(6 * MINUTE);
    const result = await cli(['deactivate', 'User Administrator']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^User Administrator: Revoked \(request \S+\)\n$/);
    expect(await activeRolesOfAlice()).toEqual([ROLE.securityReader, ROLE.globalReader].sort());
    expect((await cli(['roles'])).stdout).toMatch(/Security Reader +\/ +active \(activated\)/);
  });

  it('asks for a new sign-in when the server no longer accepts the token', async () => {
    const file = await stored();
    const good = file.servers[server.url]!.accessToken;
    await writeFile(
      credentialsFile(),
      JSON.stringify({ ...file, servers: { [server.url]: { ...file.servers[server.url], accessToken: `${good.slice(0, -4)}AAAA` } } }),
    );
    const result = await cli(['whoami']);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(`openpim: ${server.url} no longer accepts your sign-in (expired or signed out): run openpim login --server ${server.url}\n`);
    await writeFile(credentialsFile(), JSON.stringify(file));
  });

  it('signs out: the server revokes the token, the stored one is removed, and later commands ask for a login', async () => {
    const token = (await stored()).servers[server.url]!.accessToken;
    expect((await fetch(`${server.url}/v1.0/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const result = await cli(['logout']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(new RegExp(`^Signed out of ${server.url}`));
    const file = await stored();
    expect(file.servers).toEqual({});
    expect(file.defaultServer).toBe(server.url);
    expect((await fetch(`${server.url}/v1.0/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    const after = await cli(['roles']);
    expect(after).toMatchObject({ code: 3, stdout: '' });
    expect(after.stderr).toBe(`openpim: not signed in to ${server.url}: run openpim login --server ${server.url}\n`);
  });

  it("signs in through the browser: loopback redirect with state and PKCE, token stored, with the browser session's MFA", async () => {
    const login = cliRunning(['login', '--browser'], { OPENPIM_BROWSER: 'none' });
    const authorizeUrl = new URL((await login.stderrMatching(/^ {2}(http:\/\/\S+\/openpim\/auth\/authorize\?\S+)$/m))[1]!);
    const params = Object.fromEntries(authorizeUrl.searchParams);
    expect(params).toMatchObject({
      response_type: 'code',
      client_id: 'openpim-cli',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
    });
    expect(params.redirect_uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(params.state).toMatch(/^[\w-]{16,}$/);

    // The browser: signed in to OpenPIM with a password and a code, it follows the authorize link.
    const session = await fetch(`${server.url}/openpim/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userPrincipalName: UPN, password: PASSWORD, totp: nextCode() }),
    });
    expect(session.status, await session.clone().text()).toBe(200);
    const cookie = session.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const authorized = await confirmInBrowser(authorizeUrl, cookie, 'allow');
    expect(authorized.status).toBe(302);
    const callback = new URL(authorized.headers.get('location')!);
    expect(`${callback.origin}${callback.pathname}`).toBe(params.redirect_uri);
    expect(callback.searchParams.get('state')).toBe(params.state);

    // A visit to the loopback address with another state is refused, and the CLI keeps waiting.
    const forged = new URL(callback);
    forged.searchParams.set('state', 'not-the-state');
    expect((await fetch(forged)).status).toBe(400);
    const landed = await fetch(callback);
    expect(landed.status).toBe(200);
    expect(await landed.text()).toMatch(/You can close this tab/);

    const result = await login.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Signed in to ${server.url} as ${UPN} with multi-factor authentication`);
    expect(amrOf((await stored()).servers[server.url]!.accessToken)).toContain('mfa');
    expect(JSON.parse((await cli(['whoami', '--json'])).stdout)).toMatchObject({ user: { id: alice.id }, signIn: { mfa: true } });
  });

  it('reports a browser sign-in the user cancelled, and stores nothing new', async () => {
    const before = await readFile(credentialsFile(), 'utf8');
    const login = cliRunning(['login', '--browser'], { OPENPIM_BROWSER: 'none' });
    const authorizeUrl = new URL((await login.stderrMatching(/^ {2}(http:\/\/\S+\/openpim\/auth\/authorize\?\S+)$/m))[1]!);
    // A browser without a session gets no code.
    expect((await fetch(authorizeUrl, { redirect: 'manual' })).status).toBe(401);
    // A signed-in browser whose user cancels: the refusal comes back to the loopback address.
    const session = await fetch(`${server.url}/openpim/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userPrincipalName: UPN, password: PASSWORD }),
    });
    expect(session.status, await session.clone().text()).toBe(200);
    const cancelled = await confirmInBrowser(
      authorizeUrl,
      session.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; '),
      'deny',
    );
    expect(cancelled.status).toBe(302);
    expect((await fetch(cancelled.headers.get('location')!)).status).toBe(400);
    const result = await login.done;
    expect(result).toMatchObject({ code: 3, stdout: '' });
    expect(result.stderr).toMatch(/^openpim: sign-in refused by the server: access_denied: The user cancelled the sign-in\.\n$/m);
    expect(await readFile(credentialsFile(), 'utf8')).toBe(before);
  });

  it('names the missing server as a usage error', async () => {
    const result = await cli(['whoami'], { env: { OPENPIM_CONFIG_DIR: join(configDir, 'elsewhere') } });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^openpim: no server: pass --server URL, set OPENPIM_SERVER/);
  });

  it('says when the server cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await cli(['login', '--server', `http://127.0.0.1:${port}`, '--username', UPN, '--password-stdin'], { input: `${PASSWORD}\n` });
    expect(result.code).toBe(7);
    expect(result.stderr).toBe(`openpim: cannot reach the OpenPIM server at http://127.0.0.1:${port}: ECONNREFUSED\n`);
  });
});
