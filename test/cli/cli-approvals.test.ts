/**
 * Requests that wait for an approver, through the CLI on both sides, run as child processes
 * against a live server: the requester activates with an MFA step-up and `--wait` while the
 * approver finds the request in `openpim inbox` and runs `openpim approve`; a denial's reason is
 * what the requester's `--wait` prints (exit code 6); `request show` tells the story;
 * `cancel` withdraws; `--timeout` gives up with exit code 8; `--output json` parses everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { DIR, STACK, startHarness, type Harness, type TestUser } from './cli-harness.ts';

let h: Harness;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  h = await startHarness('cli-approvals');
  alice = await h.user('Alice', { totp: true });
  bob = await h.user('Bob');
  // User Administrator needs MFA, a reason and Bob's approval; Security Reader and Global Reader a reason and Bob's approval.
  await h.setActivationPolicy(ROLE.userAdministrator, { enabledRules: ['MultiFactorAuthentication', 'Justification'], approverIds: [bob.id] });
  await h.setActivationPolicy(ROLE.securityReader, { enabledRules: ['Justification'], approverIds: [bob.id] });
  await h.setActivationPolicy(ROLE.globalReader, { enabledRules: ['Justification'], approverIds: [bob.id] });
  for (const role of [ROLE.userAdministrator, ROLE.securityReader, ROLE.globalReader]) await h.makeEligible(alice, role);
});

afterAll(async () => {
  await h?.close();
});

async function activeRolesOf(user: TestUser): Promise<string[]> {
  const page = await h.api<{ value: { roleDefinitionId: string }[] }>(
    h.adminToken,
    'GET',
    `${DIR}/roleAssignmentScheduleInstances?$filter=${encodeURIComponent(`principalId eq '${user.id}'`)}`,
  );
  return page.value.map((i) => i.roleDefinitionId).sort();
}

/** Starts Alice's `activate … --wait` and resolves with the request id once it is waiting for approval. */
async function activateAndWait(args: readonly string[], input?: string) {
  const requester = h.running(alice, ['activate', ...args, '--wait'], input === undefined ? {} : { input });
  const id = (await requester.stderrMatching(/waiting for approval of request (\S+)\n/))[1]!;
  return { requester, id };
}

describe('approvals through the CLI: --wait, inbox, approve, deny, request show, cancel', { timeout: 60_000 }, () => {
  it('activates with an MFA step-up and --wait while the approver, concurrently, approves with openpim approve', async () => {
    const { requester, id } = await activateAndWait(
      ['User Administrator', '--reason', 'incident 4711', '--ticket', 'JIRA:OPS-4711', '--duration', 'PT2H'],
      `${h.nextCode(alice)}\n`,
    );
    expect(requester.stderr()).toMatch(/MFA challenge met/);

    // Bob's inbox: as a table, and as JSON with requester, role, scope, reason, ticket and window.
    const table = await h.cli(bob, ['inbox']);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(table.stdout).toMatch(/^ID +CREATED +REQUESTER +ACTION +ROLE +WINDOW +TICKET +REASON\n/);
    expect(table.stdout).toContain('Alice (alice@contoso.test)');
    const inbox = JSON.parse((await h.cli(bob, ['inbox', '--output', 'json'])).stdout) as Record<string, unknown>[];
    expect(inbox).toEqual([
      expect.objectContaining({
        id,
        action: 'selfActivate',
        status: 'PendingApproval',
        roleName: 'User Administrator',
        directoryScopeId: '/',
        justification: 'incident 4711',
        ticket: { system: 'JIRA', number: 'OPS-4711' },
        expiration: expect.objectContaining({ type: 'afterDuration', duration: 'PT2H' }),
        requester: { id: alice.id, displayName: 'Alice', userPrincipalName: 'alice@contoso.test' },
      }),
    ]);
    // Alice cannot approve her own request.
    const self = await h.cli(alice, ['approve', id]);
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/not waiting for your decision/);

    const approved = await h.cli(bob, ['approve', id, '--reason', 'looks right']);
    expect(approved.stderr).toBe('');
    expect(approved).toMatchObject({ code: 0, stdout: `Approved request ${id} (User Administrator for Alice (alice@contoso.test)).\n` });

    const result = await requester.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(`User Administrator: PendingApproval (request ${id})`);
    expect(result.stdout).toMatch(new RegExp(`^User Administrator: approved by Bob at \\S+: "looks right"$`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^User Administrator: Provisioned until \\S+ \\(request ${id}\\)$`, 'm'));
    expect(await activeRolesOf(alice)).toEqual([ROLE.userAdministrator]);
    expect(JSON.parse((await h.cli(bob, ['inbox', '-o', 'json'])).stdout)).toEqual([]);
  });

  it('prints the reason of a denial to the requester who waits, and exits 6; deny without a reason is a usage error', async () => {
    const { requester, id } = await activateAndWait(['Security Reader', '--reason', 'audit prep']);
    const noReason = await h.cli(bob, ['deny', id]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/--reason/);

    const denied = await h.cli(bob, ['deny', id, '--reason', 'not during the freeze', '--output', 'json']);
    expect(denied.code, denied.stderr).toBe(0);
    expect(JSON.parse(denied.stdout)).toEqual([{ requestId: id, approvalId: expect.any(String), step: '1', result: 'Deny', error: null }]);

    const result = await requester.done;
    expect(result.code).toBe(6);
    expect(result.stdout).toMatch(/^Security Reader: denied by Bob at \S+: "not during the freeze"$/m);
    expect(result.stdout).toMatch(new RegExp(`^Security Reader: Denied \\(request ${id}\\)`, 'm'));
    expect(result.stderr).toMatch(new RegExp(`^openpim: Security Reader: request ${id} ended Denied$`, 'm'));
    expect(result.stderr).not.toMatch(STACK);
  });

  it('gives the same outcome as JSON with --output json, decisions included', async () => {
    const requester = h.running(alice, ['activate', 'Security Reader', '--reason', 'second try', '--wait', '--output', 'json']);
    const pending = async () => JSON.parse((await h.cli(bob, ['inbox', '--json'])).stdout) as { id: string }[];
    let inbox = await pending();
    while (inbox.length === 0) inbox = await pending();
    expect((await h.cli(bob, ['deny', inbox[0]!.id, '--reason', 'still frozen'])).code).toBe(0);
    const result = await requester.done;
    expect(result.code).toBe(6);
    expect(JSON.parse(result.stdout)).toEqual([
      expect.objectContaining({
        role: 'Security Reader',
        roleDefinitionId: ROLE.securityReader,
        directoryScopeId: '/',
        requestId: inbox[0]!.id,
        action: 'selfActivate',
        status: 'Denied',
        error: null,
        decisions: [expect.objectContaining({ stage: '1', result: 'Deny', justification: 'still frozen', reviewer: { id: bob.id, displayName: 'Bob' } })],
      }),
    ]);
  });

  it('shows a request: status, window, decisions and its audit timeline', async () => {
    const denied = JSON.parse((await h.cli(alice, ['requests', '--status', 'Denied', '-o', 'json'])).stdout) as {
      id: string;
      status: string;
      justification: string;
    }[];
    expect(denied.map((r) => r.status)).toEqual(['Denied', 'Denied']);
    const latest = denied.find((r) => r.justification === 'second try');
    const text = await h.cli(alice, ['request', 'show', latest!.id]);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(new RegExp(`^Request: +${latest!.id}\\n`));
    expect(text.stdout).toMatch(/^Status: +Denied$/m);
    expect(text.stdout).toMatch(/^Principal: +Alice \(alice@contoso\.test\)$/m);
    expect(text.stdout).toMatch(/^ {4}denied by Bob at \S+: "still frozen"$/m);
    expect(text.stdout).toMatch(/^Timeline:\n {2}\S+ {2}.+/m);

    const shown = JSON.parse((await h.cli(alice, ['request', 'show', latest!.id, '--output', 'json'])).stdout);
    expect(shown.request).toMatchObject({
      id: latest!.id,
      status: 'Denied',
      roleName: 'Security Reader',
      justification: 'second try',
      principal: { displayName: 'Alice' },
    });
    expect(shown.decisions).toEqual([expect.objectContaining({ result: 'Deny', justification: 'still frozen' })]);
    expect(shown.timeline.length).toBeGreaterThanOrEqual(2);
    expect(shown.timeline[0]).toMatchObject({
      activity: expect.any(String),
      activityDateTime: expect.any(String),
      targets: expect.arrayContaining([expect.objectContaining({ id: latest!.id })]),
    });

    expect((await h.cli(alice, ['request', 'show', 'no-such-request'])).code).toBe(5);
  });

  it('gives up waiting after --timeout with exit code 8, and cancel withdraws the request', async () => {
    const waited = await h.cli(alice, ['activate', 'Global Reader', '--reason', 'quarterly review', '--wait', '--timeout', 'PT1S']);
    expect(waited.code).toBe(8);
    const id = /request (\S+)\)/.exec(waited.stdout)![1]!;
    expect(waited.stderr).toMatch(new RegExp(`still PendingApproval when the wait timed out \\(openpim request show ${id}\\)`));
    expect(JSON.parse((await h.cli(bob, ['inbox', '-o', 'json'])).stdout).map((r: { id: string }) => r.id)).toEqual([id]);

    const canceled = await h.cli(alice, ['cancel', id]);
    expect(canceled).toMatchObject({ code: 0, stderr: '', stdout: `Global Reader: Canceled (request ${id})\n` });
    expect(JSON.parse((await h.cli(bob, ['inbox', '-o', 'json'])).stdout)).toEqual([]);
    const again = await h.cli(alice, ['cancel', id, '--output', 'json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toEqual([
      { requestId: id, role: null, status: null, error: { code: 'RequestCannotBeCanceled', message: expect.any(String) } },
    ]);
    expect((await h.cli(alice, ['cancel', 'no-such-request'])).code).toBe(5);
    // Nothing waits for Bob now.
    const late = await h.cli(bob, ['approve', id]);
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/no longer waiting for a decision/);
  });

  it('lists requests as JSON across collections, newest first', async () => {
    const mine = JSON.parse((await h.cli(alice, ['requests', '--output', 'json'])).stdout) as {
      action: string;
      status: string;
      roleName: string;
      kind: string;
      createdDateTime: string;
    }[];
    expect(mine.map((r) => r.createdDateTime)).toEqual(
      mine
        .map((r) => r.createdDateTime)
        .sort()
        .reverse(),
    );
    expect(
      mine
        .filter((r) => r.action === 'selfActivate')
        .map((r) => `${r.roleName} ${r.status}`)
        .sort(),
    ).toEqual(['Global Reader Canceled', 'Security Reader Denied', 'Security Reader Denied', 'User Administrator Provisioned']);
    expect(mine.filter((r) => r.kind === 'eligibility').map((r) => r.action)).toEqual(['adminAssign', 'adminAssign', 'adminAssign']);
  });
});
