/**
 * Break-glass accounts (docs/guide.md, "Break-glass accounts"), on a fake clock on SQLite and
 * PostgreSQL: the first use of a token or session is audited (one event, one change-feed row, in
 * one transaction) and alerts every Global and Privileged Role Administrator — directly or through
 * a group, whatever the roles' policies say — and each subscribed chat webhook; the same use again
 * records nothing, on this node or another; a new use records again; anyone else costs nothing.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { addGroupMember } from '../../src/app/directory/change-group-members.ts';
import { createGroup } from '../../src/app/directory/create-group.ts';
import { breakGlassMemo, recordBreakGlassUse, type BreakGlassUseInput } from '../../src/app/identity/record-break-glass-use.ts';
import type { UnitOfWork } from '../../src/app/ports/repositories.ts';
import { ACTIVITY } from '../../src/domain/audit/activities.ts';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { adminAssign, auditMark, closeVerifiedAfterEach, setRule } from '../support/scenario.ts';
import { notifyHarness, type NotifyHarness } from '../notify/support/notify-harness.ts';

const USE: BreakGlassUseInput = {
  useKey: 'token-1',
  how: 'bearer token',
  method: 'POST',
  path: '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests?token=secret',
  sourceIp: '198.51.100.7',
};
const ALERT = 'OpenPIM: Alert: break-glass account admin@contoso.test was used';

describe.each(TEST_DATABASES)('break-glass accounts on $name', (db) => {
  let h: Harness;
  let n: NotifyHarness;
  let alice: Principal;
  closeVerifiedAfterEach(() => h);

  /** What the use wrote to the audit log and the change feed since `mark`. */
  const since = async (mark: { audit: number; feed: number }) => ({
    audit: (await h.store.read.audit.range(mark.audit, 100)).filter((e) => e.tenantId === h.tenantId),
    feed: await h.store.read.feedReader.after(mark.feed, 100),
  });
  const mark = async () => ({ audit: await auditMark(h), feed: await h.store.read.feedReader.head() });
  const alerts = async () =>
    (await n.deliveries())
      .filter((d) => d.template === 'breakGlassUsed')
      .map((d) => `${d.channel}:${d.recipient}`)
      .sort();

  beforeEach(async () => {
    h = await openHarness(db);
    n = notifyHarness(h, {
      webhooks: [
        { name: 'soc', url: 'http://127.0.0.1:9/soc', format: 'teams' },
        { name: 'approvals', url: 'http://127.0.0.1:9/approvals', format: 'slack', events: ['approvalNeeded'] },
      ],
    });
    alice = await h.user('alice@contoso.test', 'Alice');
    const priya = await h.user('priya@contoso.test', 'Priya');
    const gary = await h.user('gary@contoso.test', 'Gary');
    const eli = await h.user('eli@contoso.test', 'Eli');
    // Priya holds Privileged Role Administrator herself, Gary Global Administrator through a group;
    // Eli is only eligible for it, so he is not an administrator right now.
    await adminAssign(h, 'assignment', priya, ROLE.privilegedRoleAdministrator);
    const tier0 = await createGroup(h.deps, h.admin, { displayName: 'Tier 0', description: null, mailNickname: null, isAssignableToRole: true });
    await addGroupMember(h.deps, h.admin, tier0.id, gary.id);
    await adminAssign(h, 'assignment', tier0, ROLE.globalAdministrator);
    await adminAssign(h, 'eligibility', eli, ROLE.globalAdministrator);
    // No role's policy can turn the alert off.
    for (const role of [ROLE.globalAdministrator, ROLE.privilegedRoleAdministrator]) {
      for (const rule of ['Notification_Admin_Admin_Assignment', 'Notification_Admin_Admin_Eligibility', 'Notification_Admin_EndUser_Assignment'] as const) {
        await setRule(h, role, rule, { notificationLevel: 'None', isDefaultRecipientsEnabled: false });
      }
    }
    await n.run();
  });

  it('audits the first use once and alerts every administrator and subscribed webhook', async () => {
    const deps = { ...h.deps, memo: breakGlassMemo() };
    const before = await mark();
    expect(await recordBreakGlassUse(deps, h.admin, USE)).toBe(true);

    const { audit, feed } = await since(before);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      activity: ACTIVITY.breakGlassUsed,
      initiatedBy: { id: h.admin.principal.id, userPrincipalName: 'admin@contoso.test' },
      targets: [{ id: h.admin.principal.id, type: 'User' }],
      correlationId: h.admin.correlationId,
      details: { How: 'bearer token', Method: 'POST', Path: '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests', SourceIp: '198.51.100.7' },
    });
    expect(JSON.stringify(audit[0])).not.toContain('secret');
    expect(JSON.stringify(audit[0])).not.toContain('token-1');
    expect(feed.map((r) => [r.topic, r.entityId])).toEqual([['breakGlass.used', h.admin.principal.id]]);
    // Numbered together: the audit event and the feed row came from one transaction.
    const row = feed[0]!;
    if (row.topic !== 'breakGlass.used') throw new Error(`expected breakGlass.used, got ${row.topic}`);
    expect(row.payload.auditEventId).toBe(audit[0]!.id);

    await n.run();
    expect(await alerts()).toEqual(['chat:soc', 'email:admin@contoso.test', 'email:gary@contoso.test', 'email:priya@contoso.test']);
    expect((await n.deliveries()).filter((d) => d.template === 'breakGlassUsed').every((d) => d.dedupeKey.startsWith(`breakGlass:${row.payload.useId}:`))).toBe(
      true,
    );
    const [mail] = n.mailer.to('gary@contoso.test').filter((m) => m.subject === ALERT);
    expect(mail!.text).toContain('from 198.51.100.7');
    expect(mail!.text).toContain('When: 2026-01-05 09:00 UTC');
    expect(mail!.text).toContain('If you did not expect this, act now');
    expect(n.chat.posted.filter((p) => p.message.urgent).map((p) => [p.target.url, p.message.subject])).toEqual([['http://127.0.0.1:9/soc', ALERT]]);
    expect(n.mailer.to('eli@contoso.test').filter((m) => m.subject === ALERT)).toEqual([]);
    expect(n.mailer.to('alice@contoso.test')).toEqual([]);
  });

  it('records the same use once, on this node and on another; a new use again', async () => {
    const deps = { ...h.deps, memo: breakGlassMemo() };
    expect(await recordBreakGlassUse(deps, h.admin, USE)).toBe(true);
    await n.run();
    const before = await mark();
    const sentBefore = n.mailer.sent.length;

    h.clock.advance('PT5M');
    expect(await recordBreakGlassUse(deps, h.admin, { ...USE, method: 'GET', path: '/v1.0/me' })).toBe(false);
    // Another node: its own memo, the same database.
    const other = { ...h.deps, memo: breakGlassMemo() };
    expect(await recordBreakGlassUse(other, h.admin, USE)).toBe(false);
    await n.run();
    expect(await since(before)).toEqual({ audit: [], feed: [] });
    expect(n.mailer.sent.length).toBe(sentBefore);

    expect(await recordBreakGlassUse(other, h.admin, { ...USE, useKey: 'session-2', how: 'session', sourceIp: null })).toBe(true);
    const { audit, feed } = await since(before);
    expect(audit.map((e) => [e.activity, e.details.How, e.details.SourceIp])).toEqual([[ACTIVITY.breakGlassUsed, 'session', undefined]]);
    expect(feed).toHaveLength(1);
    await n.run();
    expect(
      n.mailer
        .to('priya@contoso.test')
        .filter((m) => m.subject === ALERT)
        .map((m) => m.text.includes('from an unknown address')),
    ).toEqual([false, true]);
  });

  it('counts a use once when two nodes see it at the same time (the database decides)', async () => {
    const before = await mark();
    const nodes = [1, 2, 3].map(() => ({ ...h.deps, memo: breakGlassMemo() }));
    const recorded = await Promise.all(nodes.map((deps) => recordBreakGlassUse(deps, h.admin, { ...USE, useKey: 'token-race' })));
    expect(recorded.filter(Boolean)).toHaveLength(1);
    const { audit, feed } = await since(before);
    expect([audit.length, feed.length]).toEqual([1, 1]);
  });

  it('costs anyone else nothing: no audit, no feed, not even a read', async () => {
    const before = await mark();
    const noIo = new Proxy(
      {},
      {
        get: () => {
          throw new Error('no I/O expected');
        },
      },
    ) as UnitOfWork;
    const deps = { uow: noIo, clock: h.clock, memo: breakGlassMemo() };
    expect(await recordBreakGlassUse(deps, await h.caller(alice), USE)).toBe(false);
    const priya = await h.store.read.principals.getByUpn(h.tenantId, 'priya@contoso.test');
    expect(await recordBreakGlassUse(deps, await h.caller(priya!), USE)).toBe(false);
    expect(deps.memo.size).toBe(0);
    expect(await since(before)).toEqual({ audit: [], feed: [] });
  });
});

describe('the in-process memo', () => {
  it('keeps the most recently used keys, shares a recording under way, and forgets a failed one', async () => {
    const memo = breakGlassMemo(2);
    let calls = 0;
    const record = async () => {
      calls++;
      return true;
    };
    const [a, b] = await Promise.all([memo.once('a', record), memo.once('a', record)]);
    expect([a, b, calls]).toEqual([true, false, 1]);
    await memo.once('b', record);
    await memo.once('a', record); // a is now the most recent
    await memo.once('c', record); // evicts b
    expect([memo.size, calls]).toEqual([2, 3]);
    expect(await memo.once('a', record)).toBe(false);
    expect(await memo.once('b', record)).toBe(true);
    expect(calls).toBe(4);

    await expect(
      memo.once('d', async () => {
        throw new Error('database down');
      }),
    ).rejects.toThrow('database down');
    expect(await memo.once('d', record)).toBe(true);
  });
});
