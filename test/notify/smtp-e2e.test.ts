/**
 * End to end with a real SMTP server started by the test and the real server (startServer, HTTP
 * over loopback, embedded database): approvers receive the approval email and its links work;
 * the requester hears the outcome. With the mail server stopped an activation and a decision
 * still commit and answer at once, and the mail goes out when the server is back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCaller, type Caller } from '../../src/app/caller.ts';
import { createUser } from '../../src/app/directory/create-user.ts';
import { updatePolicyRule } from '../../src/app/policies/update-policy-rule.ts';
import { submitRequest } from '../../src/app/requests/submit-request.ts';
import type { Principal } from '../../src/domain/model.ts';
import type { PolicyRule } from '../../src/domain/policy/rules.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { HOUR } from '../../src/domain/time.ts';
import { loadConfig } from '../../src/server/config.ts';
import { startServer, type Running } from '../../src/server/start.ts';
import { randomIds } from '../../src/adapters/system-clock.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { linksIn } from './support/notify-harness.ts';
import { startSmtp, type ReceivedMail, type TestSmtp } from './support/smtp.ts';

const ROLE_ID = ROLE.userAdministrator;
const REQUESTS = '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests';

describe('notifications end to end with a real SMTP server', () => {
  const clock = new FakeClock();
  let smtp: TestSmtp;
  let running: Running;
  let dir: string;
  let admin: Caller;
  const people: Record<'alice' | 'dave' | 'bob' | 'carol', Principal> = {} as never;

  const deps = () => ({ uow: running.store, clock, ids: randomIds });
  const bearer = (p: Principal) =>
    running.tokens.issue({ tenantId: running.tenant.id, principalId: p.id, amr: ['pwd', 'mfa'], authTime: clock.now(), acrs: [] }, HOUR);
  async function http(who: Principal, method: string, url: string, body?: unknown) {
    const started = Date.now();
    const res = await fetch(url.startsWith('http') ? url : `${running.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${await bearer(who)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, ms: Date.now() - started };
  }
  const activate = (who: Principal) =>
    http(who, 'POST', REQUESTS, {
      action: 'selfActivate',
      principalId: who.id,
      roleDefinitionId: ROLE_ID,
      directoryScopeId: '/',
      justification: 'Unlock a mailbox',
      ticketInfo: { ticketNumber: 'INC-7', ticketSystem: 'Jira' },
      scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
    });
  /** What the portal's /approve page does with a link: the same token, to the API. */
  const actOf = (link: string) => `/openpim/approvals/act?token=${encodeURIComponent(new URL(link).searchParams.get('token')!)}`;
  const mailTo = (who: Principal, subject: string) => (m: ReceivedMail) => m.to.includes(who.mail!) && m.subject.includes(subject);
  const pendingDeliveries = () => running.store.read.deliveries.list({ status: 'pending' }, 100);
  async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
    for (let i = 0; i < 300; i++) {
      const value = await probe();
      if (value) return value;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  beforeAll(async () => {
    smtp = await startSmtp();
    dir = await mkdtemp(join(tmpdir(), 'openpim-notify-e2e-'));
    const config = loadConfig(
      {
        dataDir: dir,
        port: 0,
        logLevel: 'silent',
        bootstrapAdmin: 'admin@contoso.test',
        smtp: { host: '127.0.0.1', port: smtp.port, from: 'OpenPIM <pim@contoso.test>' },
      },
      {},
    );
    running = await startServer(config, clock);
    const now = clock.now();
    admin = await resolveCaller(
      running.store.read,
      { tenantId: running.tenant.id, principalId: running.admin.id, amr: ['pwd', 'mfa'], authTime: now, acrs: [], correlationId: 'e2e' },
      now,
      HOUR,
    );
    for (const name of ['alice', 'dave', 'bob', 'carol'] as const) {
      people[name] = await createUser(deps(), admin, {
        userPrincipalName: `${name}@contoso.test`,
        displayName: name[0]!.toUpperCase() + name.slice(1),
        mail: `${name}@mail.contoso.test`,
        accountEnabled: true,
      });
    }
    for (const who of [people.alice, people.dave]) {
      await submitRequest(deps(), admin, {
        kind: 'eligibility',
        action: 'adminAssign',
        principalId: who.id,
        roleDefinitionId: ROLE_ID,
        directoryScopeId: '/',
        justification: 'Helpdesk',
        ticketInfo: { ticketNumber: null, ticketSystem: null },
        scheduleInfo: { startDateTime: null, expiration: { type: 'noExpiration' } },
        isValidationOnly: false,
        targetScheduleId: null,
      });
    }
    const policy = (await running.store.read.policies.forRoleAt(running.tenant.id, ROLE_ID, '/'))!;
    await updatePolicyRule(deps(), admin, policy.id, 'Approval_EndUser_Assignment', (rule) => {
      if (rule.kind !== 'approval') throw new Error('not an approval rule');
      const stage = {
        ...rule.setting.approvalStages[0]!,
        isApproverJustificationRequired: false,
        primaryApprovers: [people.bob, people.carol].map((p) => ({ '@odata.type': '#microsoft.graph.singleUser' as const, userId: p.id })),
      };
      return { ...rule, setting: { ...rule.setting, isApprovalRequired: true, approvalStages: [stage] } } as PolicyRule;
    });
    await smtp.waitFor(mailTo(people.dave, 'now eligible'), 'to Dave about his eligibility');
  });

  afterAll(async () => {
    await running?.close();
    await smtp?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('emails the approvers with working one-click links, and the requester the outcome', async () => {
    const created = await activate(people.alice);
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('PendingApproval');

    const toBob = await smtp.waitFor(mailTo(people.bob, 'Approval needed: Alice'), 'to Bob asking for approval');
    await smtp.waitFor(mailTo(people.carol, 'Approval needed: Alice'), 'to Carol asking for approval');
    expect(toBob.subject).toBe('OpenPIM: Approval needed: Alice requests to activate User Administrator');
    expect(toBob.text).toContain('Justification: Unlock a mailbox');
    expect(toBob.text).toContain('Ticket: Jira INC-7');
    const links = linksIn(toBob.text);
    expect(links.Approve).toMatch(new RegExp(`^${running.url}/approve\\?token=`));
    expect(toBob.html).toContain(`href="${links.Approve}"`);
    expect(links['Open the request']).toBe(`${running.url}/approvals/${created.body.approvalId}`);

    // Carol's link is hers: Bob cannot use it; without a sign-in nobody can.
    const carolsLink = linksIn((await smtp.waitFor(mailTo(people.carol, 'Approval needed: Alice'), 'to Carol')).text).Approve!;
    expect((await http(people.bob, 'POST', actOf(carolsLink))).status).toBe(403);
    expect((await fetch(`${running.url}${actOf(links.Approve!)}`, { method: 'POST' })).status).toBe(401);

    const shown = await http(people.bob, 'GET', actOf(links.Approve!));
    expect(shown.body).toMatchObject({ decision: 'Approve', pending: true, request: { id: created.body.id } });
    const decided = await http(people.bob, 'POST', actOf(links.Approve!));
    expect(decided).toMatchObject({ status: 200, body: { status: 'Provisioned', decision: 'Approve' } });
    expect((await http(people.bob, 'POST', actOf(links.Approve!))).body).toMatchObject({ error: { code: 'ApprovalLinkUsed' } });

    const outcome = await smtp.waitFor(mailTo(people.alice, 'was approved'), 'to Alice with the outcome');
    expect(outcome.subject).toBe('OpenPIM: Your request to activate User Administrator was approved');
    expect(outcome.text).toContain('Approver: Bob');
    await smtp.waitFor((m) => m.to.includes('admin@contoso.test') && m.subject.includes('Alice activated'), 'to the admin about the activation');
  });

  it('a stopped mail server delays the mail but never blocks or rolls back a request or a decision', async () => {
    await smtp.stop();
    const created = await activate(people.dave);
    expect(created.status).toBe(201);
    expect(created.ms).toBeLessThan(2000);
    // The runner tried, failed, and keeps the approval requests for later.
    const waiting = await until('failed attempts', async () => {
      const pending = (await pendingDeliveries()).filter((d) => d.template === 'approvalNeeded' && d.attempts > 0 && d.lastError !== null);
      return pending.length > 0 && pending;
    });
    expect(waiting[0]!.lastError).toMatch(/ECONNREFUSED|connect/i);

    await smtp.start();
    clock.advance('PT31S');
    running.notifier.wake();
    const toBob = await smtp.waitFor(mailTo(people.bob, 'Approval needed: Dave'), 'to Bob once the server is back');
    const deny = linksIn(toBob.text).Deny!;

    // Down again: Bob's decision through the link commits and answers at once.
    await smtp.stop();
    const decided = await http(people.bob, 'POST', actOf(deny));
    expect(decided).toMatchObject({ status: 200, body: { status: 'Denied', decision: 'Deny' } });
    expect(decided.ms).toBeLessThan(2000);
    expect((await running.store.read.requests.get(running.tenant.id, 'assignment', String(created.body.id)))!.status).toBe('Denied');
    await until('a failed attempt to tell Dave', async () => (await pendingDeliveries()).some((d) => d.recipient === people.dave.mail && d.lastError !== null));

    await smtp.start();
    clock.advance('PT2M');
    running.notifier.wake();
    const outcome = await smtp.waitFor(mailTo(people.dave, 'was denied'), 'to Dave once the server is back');
    expect(outcome.text).toContain('Approver: Bob');

    await until('every delivery settled', async () => (await pendingDeliveries()).length === 0);
    const seen = smtp.received.map((m) => `${m.to.join(',')} ${m.subject}`);
    expect(seen.length).toBe(new Set(seen).size);
  });
});
