/**
 * Notifications over a grant's life and the week, on SQLite and PostgreSQL: reminders 14 days and
 * 1 day before the end (moved when the end moves), extended, expired; activation of a privileged
 * role to the admins; a policy rule turning a recipient type off; the weekly digest, once per week;
 * and the cursor and recorded deliveries surviving a restart.
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordNotifications } from '../../src/app/notifications/record.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { DAY } from '../../src/domain/time.ts';
import { DURABLE_TEST_DATABASES, TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { adminAssign, scheduleOf, selfActivate, setRule } from '../support/scenario.ts';
import { notifyHarness } from './support/notify-harness.ts';

const subjects = (n: ReturnType<typeof notifyHarness>, to: string) => n.mailer.to(to).map((m) => m.subject.replace('OpenPIM: ', ''));

describe.each(TEST_DATABASES)('notifications over time on $name', (db) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('reminds 14 days and 1 day before the end, follows an extension, and tells of the expiry', async () => {
    h = await openHarness(db);
    const n = notifyHarness(h);
    const alice = await h.user('alice@contoso.test', 'Alice');
    await adminAssign(h, 'eligibility', alice, ROLE.groupsAdministrator, { endIn: 'P30D' });
    const reminders = await h.store.db.selectFrom('timeline').select(['ref_id', 'due_at']).where('kind', '=', 'expiryReminder').orderBy('due_at').execute();
    expect(reminders.map((r) => Number(r.due_at) - h.clock.now())).toEqual([16 * DAY, 29 * DAY]);

    h.clock.advance('P16D');
    await h.tick();
    await n.run();
    expect(subjects(n, 'alice@contoso.test')).toEqual([
      'You are now eligible for Groups Administrator',
      'Your eligible assignment of Groups Administrator expires in 14 days',
    ]);

    // The end moves 30 days later: the 1-day reminder moves with it, and Alice hears of the extension.
    await h.submit(h.admin, {
      kind: 'eligibility',
      action: 'adminExtend',
      principalId: alice.id,
      roleDefinitionId: ROLE.groupsAdministrator,
      scheduleInfo: { startDateTime: null, expiration: { type: 'afterDuration', duration: 'P60D' } },
    });
    h.clock.advance('P14D');
    await h.tick();
    await n.run();
    expect(subjects(n, 'alice@contoso.test').slice(2)).toEqual(['Your eligible assignment of Groups Administrator was extended']);

    // Day 46 and day 59 of the new 60: reminded again, of the new end.
    h.clock.advance('P16D');
    await h.tick();
    h.clock.advance('P13D');
    await h.tick();
    await n.run();
    expect(subjects(n, 'alice@contoso.test').slice(3)).toEqual([
      'Your eligible assignment of Groups Administrator expires in 14 days',
      'Your eligible assignment of Groups Administrator expires in 1 day',
    ]);
    expect(n.mailer.to('alice@contoso.test')[4]!.text).toContain('ends on 2026-03-06 09:00 UTC');
    h.clock.advance('P1D');
    await h.tick();
    await n.run();
    expect(subjects(n, 'alice@contoso.test').slice(5)).toEqual(['Your eligible assignment of Groups Administrator has expired']);
    // Admins heard of the new grant only.
    expect(subjects(n, 'admin@contoso.test')).toEqual(['Alice is now eligible for Groups Administrator']);
  });

  it('tells the admins of an activation, unless the policy turns them off; a rule for the assignee alone', async () => {
    h = await openHarness(db);
    const n = notifyHarness(h);
    const alice = await h.user('alice@contoso.test', 'Alice');
    await setRule(h, ROLE.userAdministrator, 'Notification_Requestor_Admin_Eligibility', { notificationLevel: 'None' });
    await adminAssign(h, 'eligibility', alice, ROLE.userAdministrator);
    await selfActivate(h, alice, ROLE.userAdministrator);
    await n.run();
    expect(subjects(n, 'alice@contoso.test')).toEqual([]);
    expect(subjects(n, 'admin@contoso.test')).toEqual(['Alice is now eligible for User Administrator', 'Alice activated User Administrator']);

    await setRule(h, ROLE.groupsAdministrator, 'Notification_Admin_EndUser_Assignment', {
      notificationLevel: 'Critical',
      notificationRecipients: ['soc@contoso.test'],
    });
    await adminAssign(h, 'eligibility', alice, ROLE.groupsAdministrator);
    await selfActivate(h, alice, ROLE.groupsAdministrator);
    await n.run();
    // Groups Administrator is not privileged: its activation is not critical.
    expect(n.mailer.sent.filter((m) => m.subject.includes('activated Groups'))).toEqual([]);
  });

  it('sends the weekly digest to privileged administrators once per week', async () => {
    h = await openHarness(db); // Monday 2026-01-05 09:00 UTC
    const n = notifyHarness(h, { digest: true, webhooks: [{ name: 'soc', url: 'http://127.0.0.1:9/hook', format: 'slack', events: ['digest'] }] });
    await n.run();
    const alice = await h.user('alice@contoso.test', 'Alice');
    await adminAssign(h, 'eligibility', alice, ROLE.userAdministrator);
    await selfActivate(h, alice, ROLE.userAdministrator);
    await adminAssign(h, 'assignment', alice, ROLE.groupsAdministrator, 'permanent');
    // A grant no request made (as a connector would find one): counted as outside PIM.
    await h.store.run((tx) =>
      tx.schedules.insert({
        tenantId: h.tenantId,
        id: 'found-in-target',
        kind: 'assignment',
        principalId: alice.id,
        roleDefinitionId: ROLE.securityReader,
        directoryScopeId: '/',
        assignmentType: 'Assigned',
        memberType: 'Direct',
        startAt: h.clock.now(),
        endAt: null,
        closed: false,
        closeReason: null,
        closedAt: null,
        createdUsing: 'ldap-import',
        sourceScheduleId: null,
        createdAt: h.clock.now(),
        modifiedAt: h.clock.now(),
      }),
    );
    await n.run();
    expect(n.mailer.sent.filter((m) => m.subject.includes('digest'))).toEqual([]);

    h.clock.set('2026-01-12T00:05:00Z');
    await n.run();
    await n.run();
    const digests = n.mailer.sent.filter((m) => m.subject.includes('digest'));
    expect(digests.map((m) => [m.to, m.subject])).toEqual([['admin@contoso.test', 'OpenPIM: PIM weekly digest 2026-W02']]);
    expect(digests[0]!.text).toContain('Activations: 1');
    expect(digests[0]!.text).toContain('Top activated roles: User Administrator (1)');
    // The bootstrap administrator's, Alice's Groups Administrator and the one found outside PIM.
    expect(digests[0]!.text).toContain('New permanent active assignments: 3');
    expect(digests[0]!.text).toContain('New permanent eligible assignments: 1');
    expect(digests[0]!.text).toContain('Active assignments made outside PIM: 1');
    expect((await n.deliveries()).filter((d) => d.template === 'digest').map((d) => `${d.channel}:${d.recipient}`)).toEqual([
      'email:admin@contoso.test',
      'chat:soc',
    ]);

    h.clock.set('2026-01-19T08:00:00Z');
    await n.run();
    expect(n.mailer.sent.filter((m) => m.subject.includes('digest')).map((m) => m.subject)).toEqual([
      'OpenPIM: PIM weekly digest 2026-W02',
      'OpenPIM: PIM weekly digest 2026-W03',
    ]);
    expect(n.mailer.sent.at(-1)!.text).toContain('Activations: 0');
  });
});

describe.each(DURABLE_TEST_DATABASES)('after a restart on $name', (db) => {
  it('goes on from its cursor: recorded deliveries are sent, nothing is planned or sent twice', async () => {
    let h = await openHarness(db);
    try {
      const n = notifyHarness(h);
      const alice = await h.user('alice@contoso.test', 'Alice');
      await adminAssign(h, 'eligibility', alice, ROLE.userAdministrator);
      await n.run();
      expect(n.mailer.sent).toHaveLength(2);
      const bob = await h.user('bob@contoso.test', 'Bob');
      await adminAssign(h, 'eligibility', bob, ROLE.userAdministrator);
      // Recorded, then the process stops before sending.
      expect(await recordNotifications({ uow: h.store, clock: h.clock }, { email: true, webhooks: [] })).toBe(2);

      h = await h.reopen();
      const after = notifyHarness(h);
      const run = await after.run();
      expect(run).toMatchObject({ recorded: 0, sent: 2 });
      expect(after.mailer.sent.map((m) => m.to)).toEqual(['bob@contoso.test', 'admin@contoso.test']);
      await h.submit(h.admin, {
        kind: 'assignment',
        action: 'adminAssign',
        principalId: alice.id,
        roleDefinitionId: ROLE.groupsAdministrator,
        scheduleInfo: scheduleOf(h, 'PT8H'),
      });
      await after.run();
      expect(after.mailer.sent.map((m) => m.to)).toEqual(['bob@contoso.test', 'admin@contoso.test', 'alice@contoso.test', 'admin@contoso.test']);
      expect((await after.deliveries('sent')).length).toBe(6);
    } finally {
      await h.close();
      if (h.target.kind === 'sqlite') await rm(dirname(h.target.path), { recursive: true, force: true });
    }
  });
});
