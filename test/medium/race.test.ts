/**
 * Races: many simultaneous requests for the same key. The database guards the invariants
 * (docs/architecture.md, "A request, end to end", step 5) — exactly one wins, every other gets the
 * clear conflict code, and nothing of a loser is left behind (no schedule, no request, no audit
 * event). On PostgreSQL the requests run on several pool connections at once: an observer on its
 * own connection watches pg_stat_activity and the test checks that several of them were inside a
 * transaction together.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/app/audit/verify-audit.ts';
import { updatePolicyRule } from '../../src/app/policies/update-policy-rule.ts';
import { ACTIVITY, requestActivity } from '../../src/domain/audit/activities.ts';
import { SYSTEM_ACTOR } from '../../src/domain/audit/event.ts';
import { DomainError, type ErrorCode } from '../../src/domain/errors.ts';
import type { Caller } from '../../src/app/caller.ts';
import type { Principal, ScheduleRequest } from '../../src/domain/model.ts';
import type { PolicyRule } from '../../src/domain/policy/rules.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { maxOpenTransactions } from '../support/race.ts';

const N = 25;
const ONE_HOUR = { startDateTime: null, expiration: { type: 'afterDuration' as const, duration: 'PT1H' } };

/** Exactly one fulfilled; every other rejected with a DomainError of `code`. */
function expectOneWinner(results: PromiseSettledResult<ScheduleRequest>[], code: ErrorCode): ScheduleRequest {
  const won = results.filter((r) => r.status === 'fulfilled');
  const lost = results.filter((r) => r.status === 'rejected');
  // A raw driver error (or a different code) would show here with its message.
  const unexpected = lost.map((r) => r.reason as unknown).filter((e) => !(e instanceof DomainError) || e.code !== code);
  expect(unexpected.map((e) => (e instanceof DomainError ? `${e.code}: ${e.message}` : String(e)))).toEqual([]);
  expect(won).toHaveLength(1);
  expect(lost).toHaveLength(results.length - 1);
  return won[0]!.value;
}

describe.each(TEST_DATABASES)('races on $name', (db) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function openSchedules(principalId: string, kind: 'eligibility' | 'assignment') {
    return h.store.db.selectFrom('schedules').selectAll().where('principal_id', '=', principalId).where('kind', '=', kind).where('closed', '=', 0).execute();
  }
  /** Audit events of an activity; by default only those of users (not the bootstrap's or the timeline's). */
  async function auditCount(activity: string, options: { includeSystem?: boolean } = {}) {
    let query = h.store.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('activity', '=', activity);
    if (!options.includeSystem) query = query.where('actor_id', '!=', SYSTEM_ACTOR.id);
    return Number((await query.executeTakeFirstOrThrow()).n);
  }
  async function requestsOf(principalId: string, action: string) {
    return h.store.db.selectFrom('schedule_requests').selectAll().where('principal_id', '=', principalId).where('action', '=', action).execute();
  }
  async function expectChainIntact() {
    const result = await verifyAudit(h.store.read.audit);
    expect(result.break).toBeNull();
    expect(result.ok).toBe(true);
  }
  /** Fires `n` copies of `request` together; on PostgreSQL checks that their transactions overlapped. */
  async function race<T>(n: number, request: (i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
    const { result, max } = await maxOpenTransactions(h, () => Promise.allSettled(Array.from({ length: n }, (_, i) => request(i))));
    if (db.name === 'postgres') expect(max).toBeGreaterThan(1);
    return result;
  }

  /** Alice, eligible for User Administrator, and a caller for her. */
  async function eligibleAlice() {
    const alice = await h.user('alice@contoso.test');
    await h.submit(h.admin, { kind: 'eligibility', action: 'adminAssign', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator });
    return { alice, me: await h.caller(alice) };
  }
  const activate = (me: Caller, alice: Principal) =>
    h.submit(me, { action: 'selfActivate', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator, scheduleInfo: ONE_HOUR });

  it(`${N} simultaneous selfActivate of one role: one Provisioned, the rest RoleAssignmentExists`, async () => {
    h = await openHarness(db);
    const { alice, me } = await eligibleAlice();

    const results = await race(N, () => activate(me, alice));

    const winner = expectOneWinner(results, 'RoleAssignmentExists');
    expect(winner.status).toBe('Provisioned');
    const open = await openSchedules(alice.id, 'assignment');
    expect(open.map((s) => s.created_using)).toEqual([winner.id]);
    expect(await requestsOf(alice.id, 'selfActivate')).toHaveLength(1);
    expect(await auditCount(ACTIVITY.activationCompleted)).toBe(1);
    expect((await h.caller(alice)).roles.map((r) => r.id)).toEqual([ROLE.userAdministrator]);
    await expectChainIntact();
  });

  it(`${N} simultaneous selfActivate needing approval: one PendingApproval, the rest PendingRoleAssignmentRequest`, async () => {
    h = await openHarness(db);
    const policy = await h.store.read.policies.forRoleAt(h.tenantId, ROLE.userAdministrator, '/');
    await updatePolicyRule(h.deps, h.admin, policy!.id, 'Approval_EndUser_Assignment', (rule: PolicyRule) =>
      rule.kind === 'approval' ? { ...rule, setting: { ...rule.setting, isApprovalRequired: true } } : rule,
    );
    const { alice, me } = await eligibleAlice();

    const results = await race(N, () => activate(me, alice));

    const winner = expectOneWinner(results, 'PendingRoleAssignmentRequest');
    expect(winner.status).toBe('PendingApproval');
    expect(await openSchedules(alice.id, 'assignment')).toHaveLength(0);
    const stored = await requestsOf(alice.id, 'selfActivate');
    expect(stored.map((r) => [r.id, r.status, r.is_pending])).toEqual([[winner.id, 'PendingApproval', 1]]);
    expect(await auditCount(ACTIVITY.activationRequested)).toBe(1);
    const timeouts = await h.store.db.selectFrom('timeline').selectAll().where('kind', '=', 'requestTimeout').execute();
    expect(timeouts.map((t) => t.ref_id)).toEqual([winner.id]);
    await expectChainIntact();
  });

  it.each(['eligibility', 'assignment'] as const)(
    `${N} simultaneous adminAssign of the same %s: one Provisioned, the rest RoleAssignmentExists`,
    async (kind) => {
      h = await openHarness(db);
      const bob = await h.user('bob@contoso.test');

      const results = await race(N, () =>
        h.submit(h.admin, { kind, action: 'adminAssign', principalId: bob.id, roleDefinitionId: ROLE.helpdeskAdministrator }),
      );

      const winner = expectOneWinner(results, 'RoleAssignmentExists');
      expect(winner.status).toBe('Provisioned');
      const open = await openSchedules(bob.id, kind);
      expect(open.map((s) => s.created_using)).toEqual([winner.id]);
      expect(await requestsOf(bob.id, 'adminAssign')).toHaveLength(1);
      expect(await auditCount(requestActivity(kind, 'adminAssign', true))).toBe(1);
      await expectChainIntact();
    },
  );

  it(`${N} simultaneous selfDeactivate of one activation: one Revoked, the rest RoleAssignmentDoesNotExist`, async () => {
    h = await openHarness(db);
    const { alice, me } = await eligibleAlice();
    await activate(me, alice);
    h.clock.advance('PT10M');

    const results = await race(N, () => h.submit(me, { action: 'selfDeactivate', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator }));

    const winner = expectOneWinner(results, 'RoleAssignmentDoesNotExist');
    expect(winner.status).toBe('Revoked');
    expect(await openSchedules(alice.id, 'assignment')).toHaveLength(0);
    expect(await requestsOf(alice.id, 'selfDeactivate')).toHaveLength(1);
    expect(await auditCount(requestActivity('assignment', 'selfDeactivate', false))).toBe(1);
    await expectChainIntact();
  });

  it('removing the last two permanent Global Administrators at once: one succeeds, the other is refused', async () => {
    h = await openHarness(db);
    const bob = await h.user('bob@contoso.test');
    await h.submit(h.admin, { action: 'adminAssign', principalId: bob.id, roleDefinitionId: ROLE.globalAdministrator });
    h.clock.advance('PT10M');
    const admin = await h.caller(h.admin.principal);
    const holders = [admin.principal.id, bob.id];

    const results = await race(2, (i) => h.submit(admin, { action: 'adminRemove', principalId: holders[i]!, roleDefinitionId: ROLE.globalAdministrator }));

    expectOneWinner(results, 'LastPrivilegedRoleHolder');
    const standing = await h.store.db
      .selectFrom('schedules')
      .select('principal_id')
      .where('role_definition_id', '=', ROLE.globalAdministrator)
      .where('kind', '=', 'assignment')
      .where('closed', '=', 0)
      .where('end_at', 'is', null)
      .execute();
    expect(standing).toHaveLength(1);
    await expectChainIntact();
  });

  it('the timeline and requests meeting the same overdue activation record its expiry once', async () => {
    h = await openHarness(db);
    const { alice, me } = await eligibleAlice();
    await activate(me, alice);
    h.clock.advance('PT1H');

    const results = await race<number | ScheduleRequest>(6, (i) => (i === 0 ? h.tick() : activate(me, alice)));

    expect(results[0]!.status).toBe('fulfilled');
    const requests = results.slice(1) as PromiseSettledResult<ScheduleRequest>[];
    expect(expectOneWinner(requests, 'RoleAssignmentExists').status).toBe('Provisioned');
    expect(await auditCount(ACTIVITY.activationExpired, { includeSystem: true })).toBe(1);
    expect(await openSchedules(alice.id, 'assignment')).toHaveLength(1);
    await expectChainIntact();
  });

  it('simultaneous activations of different users all succeed and the audit chain stays a line', async () => {
    h = await openHarness(db);
    const users: { user: Principal; caller: Caller }[] = [];
    for (let i = 0; i < 12; i++) {
      const user = await h.user(`user${i}@contoso.test`);
      await h.submit(h.admin, { kind: 'eligibility', action: 'adminAssign', principalId: user.id, roleDefinitionId: ROLE.userAdministrator });
      users.push({ user, caller: await h.caller(user) });
    }
    const before = await h.store.read.audit.head();

    const results = await race(users.length, (i) => activate(users[i]!.caller, users[i]!.user));

    expect(results.filter((r) => r.status === 'rejected').map((r) => String(r.reason))).toEqual([]);
    const after = await h.store.read.audit.head();
    expect(after.seq).toBe(before.seq + users.length);
    const events = await h.store.read.audit.range(before.seq, 100);
    expect(events.map((e) => e.seq)).toEqual(users.map((_, i) => before.seq + 1 + i));
    expect(new Set(events.map((e) => e.correlationId)).size).toBe(users.length);
    await expectChainIntact();
  });
});
