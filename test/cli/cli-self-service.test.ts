/**
 * The self-service verbs of the CLI against a live server, run as child processes: `mfa enroll`
 * (QR code, then the code the test computes from the secret the API gave, typed on stdin),
 * saved profiles activated together (with the MFA step-up the new authenticator now meets),
 * PIM for Groups with `--group`, `extend` / `renew`, and the completion scripts (bash checked
 * with `bash -n` and run), `--version`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode } from '../../src/domain/identity/base32.ts';
import { totpAt } from '../../src/domain/identity/totp.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { DAY, HOUR } from '../../src/domain/time.ts';
import { ROOT } from '../support/cli-process.ts';
import { DIR, startHarness, type Harness, type TestUser } from './cli-harness.ts';

const GROUPS = '/v1.0/identityGovernance/privilegedAccess/group';
const NEW_VERBS = ['extend', 'renew', 'request', 'cancel', 'inbox', 'approve', 'deny', 'assign', 'unassign', 'holders', 'mfa', 'profile', 'completion'];

let h: Harness;
let dave: TestUser;

beforeAll(async () => {
  h = await startHarness('cli-self-service');
  dave = await h.user('Dave');
  for (const role of [ROLE.securityReader, ROLE.globalReader]) await h.makeEligible(dave, role);
  const ops = await h.api<{ id: string }>(h.adminToken, 'POST', '/v1.0/groups', { displayName: 'Ops', isAssignableToRole: false });
  await h.api(h.adminToken, 'POST', `${GROUPS}/eligibilityScheduleRequests`, {
    action: 'adminAssign',
    principalId: dave.id,
    accessId: 'member',
    groupId: ops.id,
    justification: 'on call',
    scheduleInfo: { expiration: { type: 'noExpiration' } },
  });
  // An active assignment in its last 14 days, which Dave may ask to extend.
  await h.api(h.adminToken, 'POST', `${DIR}/roleAssignmentScheduleRequests`, {
    action: 'adminAssign',
    principalId: dave.id,
    roleDefinitionId: ROLE.groupsAdministrator,
    directoryScopeId: '/',
    justification: 'project',
    scheduleInfo: { expiration: { type: 'afterDuration', duration: 'P10D' } },
  });
});

afterAll(async () => {
  await h?.close();
});

describe('mfa enroll, profiles, groups, extend and renew, completion', { timeout: 60_000 }, () => {
  it('enrolls an authenticator app: a QR code, then a code computed from the secret the API gave', async () => {
    const enroll = h.interactive(dave, ['mfa', 'enroll']);
    const secret = (await enroll.stdoutMatching(/Or enter the secret by hand: ([A-Z2-7]+)\n/))[1]!;
    expect(enroll.stdout()).toMatch(/[▀▄█]{20,}/);
    dave.totpKey = base32Decode(secret)!;
    await enroll.stdoutMatching(/Confirm before \S+\.\n/);
    enroll.write(totpAt(dave.totpKey, h.clock.now()));
    const result = await enroll.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Authenticator app enrolled\. Recovery codes/);
    expect(result.stdout.match(/^ {2}[A-Z0-9]{4}(?:-[A-Z0-9]{4})+$/gm)).toHaveLength(10);

    const status = JSON.parse((await h.cli(dave, ['mfa', 'status', '--output', 'json'])).stdout);
    expect(status).toMatchObject({ totp: { confirmedDateTime: expect.any(String) }, pendingTotp: null, recoveryCodesRemaining: 10, securityKeys: 0 });
  });

  it('saves profiles beside the credentials and lists them', async () => {
    const saved = await h.cli(dave, ['profile', 'save', 'oncall', 'Security Reader', 'Global Reader', '--duration', 'PT1H']);
    expect(saved).toMatchObject({ code: 0, stderr: '', stdout: 'Profile oncall saved: Security Reader, Global Reader.\n' });
    expect((await h.cli(dave, ['profile', 'save', 'ops', 'member', '--group', 'Ops'])).code).toBe(0);
    expect((await stat(join(dave.configDir, 'profiles.json'))).mode & 0o777).toBe(0o600);
    expect(JSON.parse((await h.cli(dave, ['profile', 'list', '-o', 'json'])).stdout)).toEqual([
      { name: 'oncall', entries: [{ role: 'Security Reader' }, { role: 'Global Reader' }], duration: 'PT1H', savedDateTime: expect.any(String) },
      { name: 'ops', entries: [{ role: 'member', group: 'Ops' }], savedDateTime: expect.any(String) },
    ]);
    const table = await h.cli(dave, ['profile', 'list']);
    expect(table.stdout).toMatch(/^NAME +DURATION +ROLES\noncall +PT1H +Security Reader, Global Reader\nops +- +member of Ops\n$/);
    expect((await h.cli(dave, ['profile', 'save', 'bad/name', 'Security Reader'])).code).toBe(2);
    expect((await h.cli(dave, ['profile', 'save', 'x', 'A', 'B', '--scope', '/', '--scope', '/', '--scope', '/'])).code).toBe(2);
  });

  it("activates a profile's roles together, stepping up to MFA with the new authenticator", async () => {
    const result = await h.cli(dave, ['activate', '--profile', 'oncall', '--reason', 'on call tonight', '--output', 'json'], {
      input: `${h.nextCode(dave)}\n`,
    });
    expect(result.stderr).toMatch(/MFA challenge met/);
    expect(result.code).toBe(0);
    const outcomes = JSON.parse(result.stdout) as { role: string; status: string; endDateTime: string }[];
    expect(outcomes.map((o) => `${o.role} ${o.status}`)).toEqual(['Security Reader Provisioned', 'Global Reader Provisioned']);
    for (const o of outcomes) expect(Date.parse(o.endDateTime) - h.clock.now()).toBe(HOUR);

    const missing = await h.cli(dave, ['activate', '--profile', 'nope', '--reason', 'x']);
    expect(missing).toMatchObject({ code: 5, stdout: '' });
    expect(missing.stderr).toBe("openpim: no profile named 'nope' (openpim profile list shows yours)\n");
    expect((await h.cli(dave, ['activate', '--reason', 'x'])).code).toBe(2);
  });

  it('activates PIM for Groups access with --group (here from a profile), and names it', async () => {
    const result = await h.cli(dave, ['activate', '--profile', 'ops', '--reason', 'deploy']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^member of Ops: Provisioned until \S+ \(request \S+\)\n$/);
    const wrong = await h.cli(dave, ['activate', 'Security Reader', '--group', 'Ops', '--reason', 'x']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/with --group, the role is member or owner/);
  });

  it('asks to extend an assignment in its last 14 days (pending an administrator), and refuses to renew one that has not expired', async () => {
    const extend = await h.cli(dave, ['extend', 'Groups Administrator', '--duration', 'P30D', '--reason', 'the project runs longer', '-o', 'json']);
    expect(extend.code, extend.stderr).toBe(0);
    const [asked] = JSON.parse(extend.stdout);
    expect(asked).toMatchObject({ role: 'Groups Administrator', action: 'selfExtend', status: 'PendingApproval', error: null });
    const admins = await h.api<{ value: { id: string }[] }>(h.adminToken, 'GET', `${DIR}/roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')`);
    expect(admins.value.map((r) => r.id)).toContain(asked.requestId);

    const renew = await h.cli(dave, ['renew', 'Groups Administrator', '--reason', 'again']);
    expect(renew.code).toBe(1);
    expect(renew.stderr).toMatch(/^openpim: Groups Administrator: .*extend it instead/m);
    expect((await h.cli(dave, ['cancel', asked.requestId])).code).toBe(0);
    expect(
      Date.parse(
        (
          await h.api<{ value: { endDateTime: string }[] }>(
            h.adminToken,
            'GET',
            `${DIR}/roleAssignmentScheduleInstances?$filter=${encodeURIComponent(`principalId eq '${dave.id}' and roleDefinitionId eq '${ROLE.groupsAdministrator}'`)}`,
          )
        ).value[0]!.endDateTime,
      ) - h.clock.now(),
    ).toBeLessThan(11 * DAY);
  });

  it('prints completion scripts for bash, zsh and fish with every verb; bash parses (bash -n) and completes', async () => {
    const bash = await h.cli(dave, ['completion', 'bash']);
    expect(bash).toMatchObject({ code: 0, stderr: '' });
    const file = join(dave.configDir, '..', 'openpim.bash');
    await writeFile(file, bash.stdout);
    expect(spawnSync('bash', ['-n', file], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
    const complete = (...words: string[]) =>
      spawnSync(
        'bash',
        [
          '-c',
          `source "$1"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _openpim_completions; echo "\${COMPREPLY[*]}"`,
          'complete',
          file,
        ],
        { encoding: 'utf8' },
      )
        .stdout.trim()
        .split(' ');
    expect(complete('openpim', '')).toEqual(expect.arrayContaining(NEW_VERBS));
    expect(complete('openpim', 'ap')).toEqual(['approve']);
    expect(complete('openpim', 'audit', '')).toEqual(expect.arrayContaining(['verify', 'list', 'export']));
    expect(complete('openpim', 'activate', '--output', '')).toEqual(['text', 'json']);
    expect(complete('openpim', 'activate', '--w')).toEqual(['--wait']);

    const zsh = await h.cli(dave, ['completion', 'zsh']);
    expect(zsh.stdout).toMatch(/^#compdef openpim\n/);
    const fish = await h.cli(dave, ['completion', 'fish']);
    for (const verb of NEW_VERBS) {
      expect(zsh.stdout).toContain(`'${verb}:`);
      expect(fish.stdout).toContain(`-a '${verb}'`);
    }
    for (const [shell, script] of [
      ['zsh', zsh.stdout],
      ['fish', fish.stdout],
    ] as const) {
      const path = join(dave.configDir, '..', `openpim.${shell}`);
      await writeFile(path, script);
      const checked = spawnSync(shell, ['-n', path], { encoding: 'utf8' });
      if (!checked.error) expect(checked, `${shell} -n`).toMatchObject({ status: 0 }); // checked where the shell is installed
    }
    expect((await h.cli(dave, ['completion', 'powershell'])).code).toBe(2);
  });

  it('prints its version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await h.cli(dave, ['--version'])).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});
