/**
 * The storage contract use cases rely on (src/app/ports/repositories.ts), the same on SQLite and
 * PostgreSQL (docs/architecture.md, `src/store`; decision 0002): constraint violations become the
 * conflict codes the ports name, transactions are all or nothing, instants and JSON round-trip
 * exactly, and the timeline behaves as the runner expects. Round-trips and listing are in
 * storage-contract-listing.test.ts.
 */
import { transition } from '../../src/domain/requests/lifecycle.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Repositories } from '../../src/app/ports/repositories.ts';
import { auditRecord } from '../../src/app/audit/record.ts';
import { SYSTEM_ACTOR } from '../../src/domain/audit/event.ts';
import { DomainError, type ErrorCode } from '../../src/domain/errors.ts';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import type { CommitInfo } from '../../src/store/store.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { aPrincipal, aRequest, aSchedule, T0 } from '../support/storage-fixtures.ts';

async function expectCode(promise: Promise<unknown>, code: ErrorCode) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
}

describe.each(TEST_DATABASES)('storage contract on $name', (db) => {
  let h: Harness;
  let alice: Principal;
  const run = <T>(work: (tx: Repositories) => Promise<T>) => h.store.run(work);

  beforeEach(async () => {
    h = await openHarness(db);
    alice = await h.user('Alice@Contoso.test');
  });
  afterEach(async () => h?.close());

  describe('unique constraints become conflict codes', () => {
    it('principals: a userPrincipalName differing only in case, or a reused id → ObjectConflict', async () => {
      await expectCode(
        run((tx) => tx.principals.insert(aPrincipal(h.tenantId, { userPrincipalName: 'ALICE@contoso.TEST' }))),
        'ObjectConflict',
      );
      await expectCode(
        run((tx) => tx.principals.insert(aPrincipal(h.tenantId, { id: alice.id, userPrincipalName: 'other@contoso.test' }))),
        'ObjectConflict',
      );
      expect((await h.store.read.principals.getByUpn(h.tenantId, 'aLiCe@contoso.test'))?.id).toBe(alice.id);
      // Groups have no UPN: any number of them.
      await run(async (tx) => {
        await tx.principals.insert(aPrincipal(h.tenantId, { type: 'group', userPrincipalName: null }));
        await tx.principals.insert(aPrincipal(h.tenantId, { type: 'group', userPrincipalName: null }));
      });
    });

    it('group_members: adding a member twice → ObjectConflict; removing reports whether there was one', async () => {
      const group = aPrincipal(h.tenantId, { type: 'group', userPrincipalName: null });
      await run((tx) => tx.principals.insert(group));
      await run((tx) => tx.principals.addMember(h.tenantId, group.id, alice.id, T0));
      await expectCode(
        run((tx) => tx.principals.addMember(h.tenantId, group.id, alice.id, T0 + 1)),
        'ObjectConflict',
      );
      expect(await h.store.read.principals.groupsOf(h.tenantId, alice.id, null)).toEqual([group.id]);
      expect(await run((tx) => tx.principals.removeMember(h.tenantId, group.id, alice.id))).toBe(true);
      expect(await run((tx) => tx.principals.removeMember(h.tenantId, group.id, alice.id))).toBe(false);
    });

    it('schedules: a second open schedule for a key → RoleAssignmentExists; closing one frees the key', async () => {
      const first = aSchedule(h.tenantId, alice.id);
      await run((tx) => tx.schedules.insert(first));
      await expectCode(
        run((tx) => tx.schedules.insert(aSchedule(h.tenantId, alice.id))),
        'RoleAssignmentExists',
      );
      // Another kind, role or scope is another key.
      await run((tx) => tx.schedules.insert(aSchedule(h.tenantId, alice.id, { kind: 'eligibility', assignmentType: null })));
      await run((tx) => tx.schedules.insert(aSchedule(h.tenantId, alice.id, { roleDefinitionId: ROLE.helpdeskAdministrator })));

      await run((tx) => tx.schedules.update({ ...first, closed: true, closeReason: 'expired', closedAt: T0 + 10 }));
      const second = aSchedule(h.tenantId, alice.id);
      await run((tx) => tx.schedules.insert(second));
      await run((tx) => tx.schedules.update({ ...second, closed: true, closeReason: 'removed', closedAt: T0 + 20 }));
      await run((tx) => tx.schedules.insert(aSchedule(h.tenantId, alice.id)));

      const key = { tenantId: h.tenantId, kind: 'assignment' as const, principalId: alice.id, roleDefinitionId: ROLE.userAdministrator, directoryScopeId: '/' };
      expect((await h.store.read.schedules.findOpen(key))?.closed).toBe(false);
      expect(await h.store.read.schedules.findLastClosed(key)).toMatchObject({ id: second.id, closeReason: 'removed', closedAt: T0 + 20 });
    });

    it('requests: a second pending request for a key → PendingRoleAssignmentRequest; finished ones do not count', async () => {
      const pending = aRequest(h.tenantId, alice.id, { status: 'PendingApproval' });
      await run((tx) => tx.requests.insert(pending));
      await expectCode(
        run((tx) => tx.requests.insert(aRequest(h.tenantId, alice.id, { status: 'PendingApproval' }))),
        'PendingRoleAssignmentRequest',
      );
      await run(async (tx) => {
        await tx.requests.insert(aRequest(h.tenantId, alice.id, { status: 'Provisioned' }));
        await tx.requests.insert(aRequest(h.tenantId, alice.id, { status: 'Denied' }));
      });
      const key = { tenantId: h.tenantId, kind: 'assignment' as const, principalId: alice.id, roleDefinitionId: ROLE.userAdministrator, directoryScopeId: '/' };
      expect((await h.store.read.requests.pendingFor(key)).map((q) => q.id)).toEqual([pending.id]);

      await run((tx) => tx.requests.applyTransition(transition(pending, 'Canceled', T0 + 5)));
      expect(await h.store.read.requests.pendingFor(key)).toEqual([]);
      await run((tx) => tx.requests.insert(aRequest(h.tenantId, alice.id, { status: 'PendingApproval' })));
    });

    it('requests.applyTransition with a status that changed meanwhile → ConcurrencyConflict, nothing written', async () => {
      const pending = aRequest(h.tenantId, alice.id, { status: 'PendingApproval', completedAt: null });
      await run((tx) => tx.requests.insert(pending));
      const denied = await run((tx) => tx.requests.applyTransition(transition(pending, 'Denied', T0 + 7)));
      expect(denied).toMatchObject({ status: 'Denied', completedAt: T0 + 7 });
      // Decided from the stale read (still PendingApproval), the cancel is legal in the machine but loses the race.
      await expectCode(
        run((tx) => tx.requests.applyTransition(transition(pending, 'Canceled', T0 + 8))),
        'ConcurrencyConflict',
      );
      expect(await h.store.read.requests.get(h.tenantId, 'assignment', pending.id)).toMatchObject({ status: 'Denied', completedAt: T0 + 7 });
      expect(await h.store.read.requests.get(h.tenantId, 'eligibility', pending.id)).toBeNull();
    });

    it('stores what the transition decided: completedAt stays empty while pending, the target schedule is kept', async () => {
      const pending = aRequest(h.tenantId, alice.id, { status: 'PendingApproval', completedAt: null, targetScheduleId: null });
      await run((tx) => tx.requests.insert(pending));
      const granted = await run((tx) => tx.requests.applyTransition(transition(pending, 'Granted', T0 + 9, 'schedule-1')));
      expect(await h.store.read.requests.get(h.tenantId, 'assignment', pending.id)).toEqual(granted);
      expect(granted).toMatchObject({ status: 'Granted', completedAt: T0 + 9, targetScheduleId: 'schedule-1' });
      const started = await run((tx) => tx.requests.applyTransition(transition(granted, 'Provisioned', T0 + 20)));
      expect(await h.store.read.requests.get(h.tenantId, 'assignment', pending.id)).toEqual(started);
      expect(started).toMatchObject({ status: 'Provisioned', completedAt: T0 + 20, targetScheduleId: 'schedule-1' });
      expect(await h.store.read.requests.pendingFor(pending)).toEqual([]);
    });
  });

  describe('transactions', () => {
    const chainHead = () => h.store.db.selectFrom('chain_head').selectAll().executeTakeFirstOrThrow();
    const countOf = async (table: 'audit_events' | 'change_feed' | 'timeline') =>
      Number(
        (
          await h.store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    async function writeEverything(tx: Repositories, bob: Principal) {
      await tx.principals.insert(bob);
      await tx.schedules.insert(aSchedule(h.tenantId, bob.id, { endAt: T0 + 3_600_000 }));
      await tx.requests.insert(aRequest(h.tenantId, bob.id, { status: 'PendingApproval' }));
      await tx.timeline.schedule(h.tenantId, 'requestTimeout', bob.id, T0 + 60_000);
      await tx.audit.append(auditRecord(h.tenantId, SYSTEM_ACTOR, 'correlation', T0, { activity: 'Test', operationType: 'Other', targets: [] }));
      await tx.feed.append(h.tenantId, 'group.memberAdded', bob.id, { memberId: bob.id });
    }

    it('an error thrown after writes leaves nothing behind: rows, audit events, feed and chain head', async () => {
      const before = { head: await chainHead(), audit: await countOf('audit_events'), feed: await countOf('change_feed'), timeline: await countOf('timeline') };
      const commits: CommitInfo[] = [];
      h.store.onCommit((info) => commits.push(info));
      const bob = aPrincipal(h.tenantId);
      await expect(
        run(async (tx) => {
          await writeEverything(tx, bob);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');

      expect(await h.store.read.principals.get(h.tenantId, bob.id)).toBeNull();
      expect(await h.store.db.selectFrom('schedules').selectAll().where('principal_id', '=', bob.id).execute()).toEqual([]);
      expect(await h.store.db.selectFrom('schedule_requests').selectAll().where('principal_id', '=', bob.id).execute()).toEqual([]);
      expect({
        head: await chainHead(),
        audit: await countOf('audit_events'),
        feed: await countOf('change_feed'),
        timeline: await countOf('timeline'),
      }).toEqual(before);
      expect(commits).toEqual([]);

      // The same work committed is all there, and listeners hear of its earliest due time.
      await run((tx) => writeEverything(tx, bob));
      expect(await h.store.read.principals.get(h.tenantId, bob.id)).not.toBeNull();
      expect(await chainHead()).toMatchObject({ audit_seq: before.head.audit_seq + 1, feed_seq: before.head.feed_seq + 1 });
      expect(await countOf('timeline')).toBe(before.timeline + 1);
      expect(commits).toEqual([{ earliestDue: T0 + 60_000 }]);
    });

    it('a conflict inside a transaction is reported as its code and undoes the earlier writes', async () => {
      const head = await chainHead();
      const bob = aPrincipal(h.tenantId);
      await expectCode(
        run(async (tx) => {
          await tx.principals.insert(bob);
          await tx.audit.append(auditRecord(h.tenantId, SYSTEM_ACTOR, 'correlation', T0, { activity: 'Test', operationType: 'Other', targets: [] }));
          await tx.principals.insert(aPrincipal(h.tenantId, { userPrincipalName: alice.userPrincipalName }));
        }),
        'ObjectConflict',
      );
      expect(await h.store.read.principals.get(h.tenantId, bob.id)).toBeNull();
      expect(await chainHead()).toEqual(head);
    });

    it('retries serialization failures and deadlocks a bounded number of times, then reports ConcurrencyConflict', async () => {
      let attempts = 0;
      const flaky = await run(async (tx) => {
        await tx.feed.append(h.tenantId, 'group.memberAdded', 'x', { memberId: 'y' });
        if (++attempts < 3) throw Object.assign(new Error('could not serialize access'), { code: attempts === 1 ? '40001' : '40P01' });
        return 'done';
      });
      expect({ flaky, attempts }).toEqual({ flaky: 'done', attempts: 3 });

      attempts = 0;
      await expectCode(
        run(async () => {
          attempts++;
          throw Object.assign(new Error('could not serialize access'), { code: '40001' });
        }),
        'ConcurrencyConflict',
      );
      expect(attempts).toBe(4);
    });
  });

  describe('timeline', () => {
    const due = (at: number) => h.store.read.timeline.due(at, 100);

    it('schedules, moves (upserts), lists what is due in order, and reports the next due time', async () => {
      expect(await h.store.read.timeline.next()).toBeNull();
      await run(async (tx) => {
        await tx.timeline.schedule(h.tenantId, 'scheduleEnd', 'b', T0 + 200);
        await tx.timeline.schedule(h.tenantId, 'scheduleEnd', 'a', T0 + 100);
        await tx.timeline.schedule(h.tenantId, 'scheduleStart', 'a', T0 + 100);
      });
      expect(await h.store.read.timeline.next()).toBe(T0 + 100);
      expect(await due(T0 + 99)).toEqual([]);
      const atHundred = await due(T0 + 100);
      expect(atHundred.map((i) => [i.kind, i.refId, i.dueAt, i.tenantId])).toEqual([
        ['scheduleEnd', 'a', T0 + 100, h.tenantId],
        ['scheduleStart', 'a', T0 + 100, h.tenantId],
      ]);
      expect(atHundred[0]!.id).toBeLessThan(atHundred[1]!.id);
      expect((await h.store.read.timeline.due(T0 + 1000, 2)).map((i) => i.refId)).toEqual(['a', 'a']);

      // Scheduling the same (kind, ref) again moves the one item.
      await run((tx) => tx.timeline.schedule(h.tenantId, 'scheduleEnd', 'a', T0 + 300));
      const all = await due(T0 + 1000);
      expect(all.map((i) => [i.kind, i.refId, i.dueAt])).toEqual([
        ['scheduleStart', 'a', T0 + 100],
        ['scheduleEnd', 'b', T0 + 200],
        ['scheduleEnd', 'a', T0 + 300],
      ]);
      expect(all[2]!.id).toBe(atHundred[0]!.id);

      await run((tx) => tx.timeline.unschedule('scheduleStart', 'a'));
      expect(await h.store.read.timeline.next()).toBe(T0 + 200);
    });

    it('complete marks an item done unless it was moved meanwhile; a done item can be scheduled again', async () => {
      await run((tx) => tx.timeline.schedule(h.tenantId, 'scheduleEnd', 'a', T0 + 100));
      const [item] = await due(T0 + 100);
      await run((tx) => tx.timeline.schedule(h.tenantId, 'scheduleEnd', 'a', T0 + 500));
      await run((tx) => tx.timeline.complete(item!, T0 + 100));
      expect((await due(T0 + 500)).map((i) => i.dueAt)).toEqual([T0 + 500]);

      const [moved] = await due(T0 + 500);
      await run((tx) => tx.timeline.complete(moved!, T0 + 500));
      expect(await due(T0 + 10_000)).toEqual([]);
      expect(await h.store.read.timeline.next()).toBeNull();
      expect(await h.store.db.selectFrom('timeline').select(['pending', 'done_at']).where('ref_id', '=', 'a').execute()).toEqual([
        { pending: 0, done_at: T0 + 500 },
      ]);

      await run((tx) => tx.timeline.schedule(h.tenantId, 'scheduleEnd', 'a', T0 + 900));
      expect(await h.store.db.selectFrom('timeline').select(['pending', 'done_at', 'attempts']).where('ref_id', '=', 'a').execute()).toEqual([
        { pending: 1, done_at: null, attempts: 0 },
      ]);
    });

    it('fail counts the attempt, keeps the error (bounded) and moves the item to the retry time', async () => {
      await run((tx) => tx.timeline.schedule(h.tenantId, 'requestTimeout', 'q', T0 + 100));
      const [item] = await due(T0 + 100);
      await run((tx) => tx.timeline.fail(item!.id, 'x'.repeat(5000), T0 + 60_100));
      await run((tx) => tx.timeline.fail(item!.id, 'second failure', T0 + 120_100));
      expect(await due(T0 + 120_099)).toEqual([]);
      expect(await h.store.read.timeline.next()).toBe(T0 + 120_100);
      const row = await h.store.db.selectFrom('timeline').selectAll().where('id', '=', item!.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ attempts: 2, last_error: 'second failure', due_at: T0 + 120_100, pending: 1 });
      await run((tx) => tx.timeline.fail(item!.id, 'y'.repeat(5000), T0 + 180_100));
      const again = await h.store.db.selectFrom('timeline').select('last_error').where('id', '=', item!.id).executeTakeFirstOrThrow();
      expect(again.last_error).toHaveLength(2000);
    });
  });
});
