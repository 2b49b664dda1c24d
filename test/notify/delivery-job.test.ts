/**
 * The delivery job on SQLite and PostgreSQL with a fake mailer and a fake clock: who gets what
 * for an approval, deduplication (a replayed feed records nothing twice, two runners send each
 * message once), retries with back-off while the mail server fails, giving up, and approval
 * requests overtaken by a decision.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FEED_CONSUMER } from '../../src/app/notifications/record.ts';
import { DeliveryRefused, PermanentDeliveryError } from '../../src/app/ports/notifier.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { adminAssign, approver, decide, selfActivate, setApproval, stored } from '../support/scenario.ts';
import { FakeMailer, linksIn, notifyHarness } from './support/notify-harness.ts';

const ROLE_ID = ROLE.userAdministrator;

describe.each(TEST_DATABASES)('notification delivery on $name', (db) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  async function approvalSetup() {
    h = await openHarness(db);
    const [alice, bob, carol] = [
      await h.user('alice@contoso.test', 'Alice'),
      await h.user('bob@contoso.test', 'Bob'),
      await h.user('carol@contoso.test', 'Carol'),
    ];
    await adminAssign(h, 'eligibility', alice, ROLE_ID);
    await setApproval(h, ROLE_ID, [{ approvers: [approver.user(bob), approver.user(carol)] }]);
    return { alice, bob, carol };
  }

  it('asks each approver with one-click links, tells the requester the outcome and the admins of the activation', async () => {
    const { alice, bob, carol } = await approvalSetup();
    const n = notifyHarness(h);
    await n.run();
    expect(n.mailer.sent.map((m) => [m.to, m.subject])).toEqual([
      ['alice@contoso.test', 'OpenPIM: You are now eligible for User Administrator'],
      ['admin@contoso.test', 'OpenPIM: Alice is now eligible for User Administrator'],
    ]);
    n.mailer.sent.length = 0;

    const request = await selfActivate(h, alice, ROLE_ID, 'PT2H');
    await n.run();
    expect(n.mailer.sent.map((m) => m.to).sort()).toEqual(['bob@contoso.test', 'carol@contoso.test']);
    const mail = n.mailer.to('bob@contoso.test')[0]!;
    expect(mail.subject).toBe('OpenPIM: Approval needed: Alice requests to activate User Administrator');
    expect(mail.text).toContain('Justification: Needed for work');
    const links = linksIn(mail.text);
    expect(links['Open the request']).toBe(`https://pim.contoso.test/approvals/${request.approvalId}`);
    const approve = await n.deps.links.verify(new URL(links.Approve!).searchParams.get('token')!);
    expect(approve).toMatchObject({
      tenantId: h.tenantId,
      approvalId: request.approvalId,
      stepId: '1',
      approverId: bob.id,
      decision: 'Approve',
      expiresAt: h.clock.now() + 3_600_000,
    });
    expect((await n.deps.links.verify(new URL(links.Deny!).searchParams.get('token')!)).decision).toBe('Deny');
    expect(linksIn(n.mailer.to('carol@contoso.test')[0]!.text).Approve).not.toBe(links.Approve);
    expect(mail.html).toContain('>Approve</a>');
    void carol;

    n.mailer.sent.length = 0;
    await decide(h, bob, request, 'Approve');
    await n.run();
    expect(n.mailer.sent.map((m) => [m.to, m.subject])).toEqual([
      ['admin@contoso.test', 'OpenPIM: Alice activated User Administrator'],
      ['alice@contoso.test', 'OpenPIM: Your request to activate User Administrator was approved'],
    ]);
    expect(n.mailer.to('alice@contoso.test')[0]!.text).toContain('Approver: Bob');

    // Nothing is sent twice: not by running again, not when the feed is read again from the start.
    await n.run();
    await h.store.run((tx) => tx.feedReader.advance(FEED_CONSUMER, 0));
    expect((await n.run()).recorded).toBe(0);
    expect(n.mailer.sent).toHaveLength(2);
    expect((await n.deliveries()).every((d) => d.status === 'sent' && d.attempts === 1)).toBe(true);
  });

  it('while the mail server fails, retries with back-off (30 s doubling) and sends once when it is back', async () => {
    h = await openHarness(db);
    const n = notifyHarness(h);
    n.mailer.failWith = new Error('connect ECONNREFUSED 127.0.0.1:25');
    const alice = await h.user('alice@contoso.test', 'Alice');
    const granted = await adminAssign(h, 'eligibility', alice, ROLE_ID);
    expect(granted.status).toBe('Provisioned');
    const t0 = h.clock.now();

    await n.run();
    // One attempt for the channel per run: the second mail waits for the same retry time untried.
    expect(n.mailer.attempts).toBe(1);
    let pending = await n.deliveries('pending');
    expect(pending.map((d) => [d.recipient, d.attempts, d.nextAttemptAt])).toEqual([
      ['alice@contoso.test', 1, t0 + 30_000],
      ['admin@contoso.test', 0, t0 + 30_000],
    ]);
    expect(pending[0]!.lastError).toContain('ECONNREFUSED');

    h.clock.advance('PT10S');
    await n.run();
    expect(n.mailer.attempts).toBe(1);

    h.clock.advance('PT20S');
    await n.run();
    expect(n.mailer.attempts).toBe(2);
    pending = await n.deliveries('pending');
    expect(pending.map((d) => [d.attempts, d.nextAttemptAt - h.clock.now()])).toEqual([
      [2, 60_000],
      [0, 60_000],
    ]);
    expect((await n.run()).next).toBe(h.clock.now() + 60_000);

    n.mailer.failWith = null;
    h.clock.advance('PT60S');
    const run = await n.run();
    expect(run).toMatchObject({ sent: 2, retried: 0, next: null });
    expect(n.mailer.sent.map((m) => m.to)).toEqual(['alice@contoso.test', 'admin@contoso.test']);
    h.clock.advance('PT1H');
    await n.run();
    expect(n.mailer.sent).toHaveLength(2);
    expect((await stored(h, granted)).status).toBe('Provisioned');
  });

  it('gives up after three days, at once on a permanent refusal, and one refused address does not hold up the others', async () => {
    h = await openHarness(db);
    const n = notifyHarness(h);
    const alice = await h.user('alice@contoso.test', 'Alice');
    n.mailer.failWith = new Error('timeout');
    await adminAssign(h, 'eligibility', alice, ROLE_ID);
    await n.run();
    h.clock.advance('P3D');
    n.mailer.failWith = new Error('still down');
    await n.run();
    expect((await n.deliveries('failed')).map((d) => [d.recipient, d.lastError])).toEqual([
      ['alice@contoso.test', 'still down'],
      ['admin@contoso.test', 'not tried: still down'],
    ]);
    expect(await n.deliveries('pending')).toEqual([]);

    const refusing = new FakeMailer();
    const m = notifyHarness(h, { mailer: refusing });
    refusing.send = async (message) => {
      refusing.attempts++;
      if (message.to === 'bob@contoso.test') throw new PermanentDeliveryError('550 no such user');
      if (message.to === 'admin@contoso.test') throw new DeliveryRefused('452 mailbox full');
      refusing.sent.push(message);
    };
    const bob = await h.user('bob@contoso.test', 'Bob');
    const carol = await h.user('carol@contoso.test', 'Carol');
    await adminAssign(h, 'eligibility', bob, ROLE_ID);
    await adminAssign(h, 'eligibility', carol, ROLE_ID);
    await m.run();
    expect(refusing.sent.map((x) => x.to)).toEqual(['carol@contoso.test']);
    expect((await m.deliveries('failed')).filter((d) => d.recipient === 'bob@contoso.test').map((d) => d.lastError)).toEqual(['550 no such user']);
    expect((await m.deliveries('pending')).map((d) => [d.recipient, d.attempts])).toEqual([
      ['admin@contoso.test', 1],
      ['admin@contoso.test', 1],
    ]);
  });

  it('does not send an approval request that was decided before its turn came', async () => {
    const { alice, bob } = await approvalSetup();
    const n = notifyHarness(h);
    await n.run();
    n.mailer.failWith = new Error('down');
    const request = await selfActivate(h, alice, ROLE_ID);
    await n.run();
    await decide(h, bob, request, 'Deny', { justification: 'not today' });
    n.mailer.failWith = null;
    n.mailer.sent.length = 0;
    h.clock.advance('PT1M');
    const run = await n.run();
    expect(run.skipped).toBe(2);
    expect(n.mailer.sent.map((m) => [m.to, m.subject])).toEqual([['alice@contoso.test', 'OpenPIM: Your request to activate User Administrator was denied']]);
    expect(n.mailer.sent[0]!.text).toContain('Approver justification: not today');
    expect((await n.deliveries('skipped')).map((d) => d.recipient).sort()).toEqual(['bob@contoso.test', 'carol@contoso.test']);
  });

  it('two runners at once send every message exactly once', async () => {
    const { alice } = await approvalSetup();
    const [one, two] = [notifyHarness(h), notifyHarness(h)];
    for (let i = 0; i < 3; i++) {
      const user = await h.user(`user${i}@contoso.test`);
      await adminAssign(h, 'eligibility', user, ROLE_ID);
    }
    await selfActivate(h, alice, ROLE_ID);
    await Promise.all([one.run(), two.run(), one.run(), two.run()]);
    const sent = [...one.mailer.sent, ...two.mailer.sent].map((m) => `${m.to} ${m.subject}`).sort();
    expect(sent.length).toBe(new Set(sent).size);
    expect(sent.length).toBe((await one.deliveries('sent')).length);
    expect(await one.deliveries('pending')).toEqual([]);
  });
});
