/**
 * The administrator verbs of the CLI against a live server, run as child processes: `assign` and
 * `unassign` (eligible and active, with the server holding what they say), `holders` (who holds a
 * role now), and `audit list` / `audit export` (JSON lines and CSV) / `audit verify --remote` over
 * HTTP — with the refusals a non-reader gets, and `--output json` parsed throughout.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { DAY, MINUTE } from '../../src/domain/time.ts';
import { DIR, STACK, startHarness, type Harness, type TestUser } from './cli-harness.ts';

let h: Harness;
let dana: TestUser;
let carol: TestUser;

beforeAll(async () => {
  h = await startHarness('cli-admin');
  dana = await h.user('Dana', { login: false });
  await h.api(h.adminToken, 'POST', `${DIR}/roleAssignmentScheduleRequests`, {
    action: 'adminAssign',
    principalId: dana.id,
    roleDefinitionId: ROLE.globalAdministrator,
    directoryScopeId: '/',
    justification: 'second admin',
    scheduleInfo: { expiration: { type: 'noExpiration' } },
  });
  const login = await h.cli(dana, ['login', '--server', h.server.url, '--username', dana.upn, '--password-stdin'], {
    input: 'correct horse battery staple 42\n',
  });
  expect(login.code, login.stderr).toBe(0);
  carol = await h.user('Carol');
});

afterAll(async () => {
  await h?.close();
});

/** The fields of one CSV record (RFC 4180, no line breaks inside fields). */
function csvRecord(line: string): string[] {
  const fields: string[] = [];
  for (let i = 0; i <= line.length;) {
    if (line[i] === '"') {
      let value = '';
      for (i++; ; i++) {
        if (line[i] === '"' && line[i + 1] === '"') value += line[++i];
        else if (line[i] === '"') break;
        else value += line[i];
      }
      fields.push(value);
      i += 2;
    } else {
      const end = line.indexOf(',', i) < 0 ? line.length : line.indexOf(',', i);
      fields.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return fields;
}

const schedulesOf = async (collection: string, user: TestUser) =>
  (
    await h.api<{ value: { roleDefinitionId: string }[] }>(
      h.adminToken,
      'GET',
      `${DIR}/${collection}?$filter=${encodeURIComponent(`principalId eq '${user.id}'`)}`,
    )
  ).value.map((s) => s.roleDefinitionId);

describe('openpim assign, unassign, holders and audit over HTTP', { timeout: 60_000 }, () => {
  it('assigns an eligibility and an active role, as JSON and as text', async () => {
    const eligible = await h.cli(dana, [
      'assign',
      'Security Reader',
      '--user',
      carol.upn,
      '--reason',
      'rota, "weekly"',
      '--duration',
      'P30D',
      '--output',
      'json',
    ]);
    expect(eligible.stderr).toBe('');
    expect(eligible.code).toBe(0);
    const [outcome] = JSON.parse(eligible.stdout);
    expect(outcome).toMatchObject({
      role: 'Security Reader',
      roleDefinitionId: ROLE.securityReader,
      directoryScopeId: '/',
      action: 'adminAssign',
      status: 'Provisioned',
      error: null,
    });
    expect(Date.parse(outcome.endDateTime) - h.clock.now()).toBeGreaterThan(29 * DAY);
    expect(await schedulesOf('roleEligibilitySchedules', carol)).toEqual([ROLE.securityReader]);

    const active = await h.cli(dana, ['assign', 'Global Reader', '--user', carol.id, '--active', '--duration', 'PT8H', '--reason', 'audit season']);
    expect(active).toMatchObject({ code: 0, stderr: '' });
    expect(active.stdout).toMatch(/^Global Reader: Provisioned until \S+ \(request \S+\)\n$/);
    expect(await schedulesOf('roleAssignmentSchedules', carol)).toEqual([ROLE.globalReader]);
  });

  it('refuses an assignment without a holder, with both kinds, or for nobody, before submitting anything', async () => {
    const none = await h.cli(dana, ['assign', 'Security Reader', '--reason', 'x']);
    expect(none).toMatchObject({ code: 2, stdout: '' });
    expect(none.stderr).toMatch(/--user/);
    expect((await h.cli(dana, ['assign', 'Security Reader', '--user', carol.upn, '--eligible', '--active'])).code).toBe(2);
    const nobody = await h.cli(dana, ['assign', 'Security Reader', '--user', 'nobody@contoso.test']);
    expect(nobody).toMatchObject({ code: 5, stdout: '' });
    expect(nobody.stderr).toBe("openpim: no user, group or service principal 'nobody@contoso.test'\n");
    // Carol is no administrator: the server refuses (403), exit code 4, one line.
    const refused = await h.cli(carol, ['assign', 'Security Reader', '--user', dana.upn, '--reason', 'x']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/^openpim: Security Reader: .+\n$/);
    expect(refused.stderr).not.toMatch(STACK);
  });

  it('lists who holds a role now, and everyone at the scope', async () => {
    const text = await h.cli(dana, ['holders', 'Global Reader']);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(/^PRINCIPAL +ROLE +GRANTED AT +VIA +UNTIL\n/);
    expect(text.stdout).toMatch(/^Carol \(carol@contoso\.test\) +Global Reader +\/ +direct +\S+ \S+Z$/m);
    const all = JSON.parse((await h.cli(dana, ['holders', '-o', 'json'])).stdout);
    expect(all.scopeId).toBe('/');
    expect(all.holders).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          principalId: carol.id,
          roleDefinitionId: ROLE.globalReader,
          via: 'direct',
          principal: { displayName: 'Carol', userPrincipalName: carol.upn, type: 'user' },
        }),
        expect.objectContaining({ principalId: dana.id, roleDefinitionId: ROLE.globalAdministrator, endDateTime: null }),
      ]),
    );
    expect((await h.cli(dana, ['holders', 'Helpdesk Administrator'])).stdout).toBe('Nobody holds Helpdesk Administrator at / now.\n');
  });

  it('ends an active and an eligible assignment with unassign', async () => {
    h.clock.advance(6 * MINUTE); // an active assignment cannot end in its first five minutes
    const active = await h.cli(dana, ['unassign', 'Global Reader', '--user', carol.upn, '--active', '--reason', 'audit done']);
    expect(active).toMatchObject({ code: 0, stderr: '' });
    expect(active.stdout).toMatch(/^Global Reader: Revoked \(request \S+\)\n$/);
    const eligible = await h.cli(dana, ['unassign', 'Security Reader', '--user', carol.upn, '--reason', 'rota ended', '-o', 'json']);
    expect(JSON.parse(eligible.stdout)).toEqual([expect.objectContaining({ action: 'adminRemove', status: 'Revoked', error: null })]);
    expect(await schedulesOf('roleAssignmentSchedules', carol)).toEqual([]);
    expect(await schedulesOf('roleEligibilitySchedules', carol)).toEqual([]);
    expect((await h.cli(dana, ['holders', 'Global Reader'])).stdout).toBe('Nobody holds Global Reader at / now.\n');
  });

  it('lists audit events newest first, filtered, as a table and as JSON', async () => {
    const latest = JSON.parse((await h.cli(dana, ['audit', 'list', '--top', '3', '--output', 'json'])).stdout) as {
      activityDateTime: string;
      activity: string;
      result: string;
    }[];
    expect(latest).toHaveLength(3);
    expect(latest.map((e) => e.activityDateTime)).toEqual(
      latest
        .map((e) => e.activityDateTime)
        .sort()
        .reverse(),
    );
    expect(latest[0]).toMatchObject({
      id: expect.any(String),
      activity: expect.any(String),
      result: 'success',
      initiatedBy: expect.objectContaining({ id: dana.id }),
    });

    const aboutCarol = await h.cli(dana, ['audit', 'list', '--target', carol.id, '--actor', dana.upn, '--since', 'P1D']);
    expect(aboutCarol).toMatchObject({ code: 0, stderr: '' });
    expect(aboutCarol.stdout).toMatch(/^TIME +RESULT +BY +ACTIVITY +TARGETS\n/);
    expect(aboutCarol.stdout.trimEnd().split('\n')).toHaveLength(5); // header, two assignments, two removals
    expect(aboutCarol.stdout).toMatch(/dana@contoso\.test +.*Carol/);
    expect((await h.cli(dana, ['audit', 'list', '--activity', 'No such activity'])).stdout).toBe('No audit events match.\n');
    expect((await h.cli(dana, ['audit', 'list', '--since', 'yesterday'])).code).toBe(2);
  });

  it('exports the log as JSON lines and as CSV, the same events', async () => {
    const jsonl = await h.cli(dana, ['audit', 'export']);
    expect(jsonl.code, jsonl.stderr).toBe(0);
    const events = jsonl.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; details: Record<string, string> });
    expect(jsonl.stderr).toBe(`openpim: exported ${events.length} audit event(s).\n`);
    expect(events.length).toBeGreaterThan(8);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);

    const file = join(dana.configDir, '..', 'audit.csv');
    const csv = await h.cli(dana, ['audit', 'export', '--format', 'csv', '--out', file]);
    expect(csv).toMatchObject({ code: 0, stdout: '' });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,activityDateTime,activity,category,operationType,result,resultReason,initiatedById,initiatedByName,initiatedByUserPrincipalName,targets,correlationId,details',
    );
    expect(lines).toHaveLength(events.length + 1);
    expect(lines.map((l) => l.split(',')[0])).toEqual(['id', ...events.map((e) => e.id)]);
    // A record with a comma and quotes in its details reads back as the same fields.
    const quoted = events.find((e) => Object.values(e.details).some((v) => v.includes('rota, "weekly"')))!;
    const fields = csvRecord(lines.find((l) => l.startsWith(`${quoted.id},`))!);
    expect(fields).toHaveLength(13);
    expect(JSON.parse(fields[12]!)).toEqual(quoted.details);
  });

  it('keeps the whole log from a non-reader (exit 4, with a hint) and shows them their own events', async () => {
    const refused = await h.cli(carol, ['audit', 'list']);
    expect(refused).toMatchObject({ code: 4, stdout: '' });
    expect(refused.stderr).toMatch(/--mine lists your own events/);
    const mine = JSON.parse((await h.cli(carol, ['audit', 'list', '--mine', '--output', 'json'])).stdout) as { targets: { id: string }[] }[];
    expect(mine.length).toBeGreaterThanOrEqual(4);
    for (const e of mine) expect(e.targets.map((t) => t.id)).toContain(carol.id);
  });

  it('verifies the chain through the server with audit verify --remote', async () => {
    const text = await h.cli(dana, ['audit', 'verify', '--remote']);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(/^Audit chain verified: \d+ event\(s\), no broken link\.\n$/);
    expect(JSON.parse((await h.cli(dana, ['audit', 'verify', '--server', h.server.url, '-o', 'json'])).stdout)).toMatchObject({
      ok: true,
      events: expect.any(Number),
      firstBrokenEvent: null,
    });
  });
});
