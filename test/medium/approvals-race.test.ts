/**
 * Ten approvers deciding the same request at the same moment (first decision per stage wins unless
 * a quorum is set: docs/guide.md, "Approvals"): exactly one outcome — one request status, one
 * outcome audit event, at most one activation — and every loser gets a clear 409 code with nothing
 * of theirs left behind. On PostgreSQL the decisions run on several pool connections at once and
 * the test checks, through pg_stat_activity, that their transactions really overlapped.
 */
import { describe, expect, it } from 'vitest';
import { reviewApprovalStep } from '../../src/app/requests/review-approval-step.ts';
import type { Caller } from '../../src/app/caller.ts';
import { cancelRequest } from '../../src/app/requests/cancel-request.ts';
import { ACTIVITY } from '../../src/domain/audit/activities.ts';
import { DomainError, type ErrorCode } from '../../src/domain/errors.ts';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { maxOpenTransactions } from '../support/race.ts';
import { adminAssign, approver, inboxOf, selfActivate, setApproval, stored, closeVerifiedAfterEach } from '../support/scenario.ts';

const N = 10;
const ROLE_ID = ROLE.userAdministrator;

interface RaceCase {
  readonly name: string;
  readonly quorum: number;
  /** What approver i decides. */
  readonly decision: (i: number) => 'Approve' | 'Deny';
  /** The same approver sends every decision (a double click, ten times over). */
  readonly sameApprover?: true;
}

const CASES: readonly RaceCase[] = [
  { name: 'a mix of Approve and Deny, quorum 1', quorum: 1, decision: (i) => (i % 2 === 0 ? 'Approve' : 'Deny') },
  { name: 'all Approve, quorum 1', quorum: 1, decision: () => 'Approve' },
  { name: 'all Approve, quorum 3', quorum: 3, decision: () => 'Approve' },
  { name: 'a mix of Approve and Deny, quorum 3', quorum: 3, decision: (i) => (i % 3 === 2 ? 'Deny' : 'Approve') },
  { name: 'one approver deciding ten times at once, quorum 2', quorum: 2, decision: () => 'Approve', sameApprover: true },
];

describe.each(TEST_DATABASES)('approvers racing on $name', (db) => {
  let h: Harness;
  closeVerifiedAfterEach(() => h);

  const countActivity = async (activity: string) =>
    Number(
      (
        await h.store.db
          .selectFrom('audit_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('activity', '=', activity)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it.each(CASES)('$name: exactly one outcome, the losers get 409', async (c) => {
    h = await openHarness(db);
    const alice = await h.user('alice@contoso.test');
    const approvers: Principal[] = [];
    for (let i = 0; i < N; i++) approvers.push(await h.user(`approver${i}@contoso.test`));
    await adminAssign(h, 'eligibility', alice, ROLE_ID);
    await setApproval(h, ROLE_ID, [{ approvers: approvers.map((a) => approver.user(a)), quorum: c.quorum, justification: true }]);
    const request = await selfActivate(h, alice, ROLE_ID, 'PT1H');
    expect(request.status).toBe('PendingApproval');
    const callers: Caller[] = [];
    for (let i = 0; i < N; i++) callers.push(await h.caller(approvers[c.sameApprover ? 0 : i]!));
    h.clock.advance('PT1M');

    const { result, max } = await maxOpenTransactions(h, () =>
      Promise.allSettled(
        callers.map((caller, i) =>
          reviewApprovalStep(h.deps, caller, request.approvalId!, '1', { reviewResult: c.decision(i), justification: `decision ${i}` }),
        ),
      ),
    );
    if (db.name === 'postgres') expect(max).toBeGreaterThan(1);

    // Every loser has a 409 code, never a driver error or a 500.
    const losers = result.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    const codes = losers.map((e) => (e instanceof DomainError ? e.code : `not a DomainError: ${String(e)}`));
    const allowed: ErrorCode[] = c.sameApprover ? ['ApproverAlreadyDecided'] : ['ApprovalStepNotActive'];
    expect(codes.filter((code) => !allowed.includes(code as ErrorCode))).toEqual([]);
    const winners = result.flatMap((r, i) => (r.status === 'fulfilled' ? [{ i, request: r.value }] : []));

    // The decisions taken, in the order the store took them, are exactly the winners.
    const decisions = await h.store.read.approvals.decisions(h.tenantId, request.approvalId!);
    expect(decisions).toHaveLength(winners.length);
    const final = await stored(h, request);
    const approved = final.status === 'Provisioned';
    expect(['Provisioned', 'Denied', 'PendingApproval']).toContain(final.status);
    if (c.sameApprover) {
      expect(winners.map((w) => w.request.status)).toEqual(['PendingApproval']);
      expect(final.status).toBe('PendingApproval');
    } else {
      // Exactly one decision ended the request, and it was the last one taken.
      expect(winners.filter((w) => w.request.status !== 'PendingApproval')).toHaveLength(1);
      const deciding = winners.find((w) => w.request.status !== 'PendingApproval')!;
      expect(deciding.request.status).toBe(final.status);
      expect(final.status).toBe(c.decision(deciding.i) === 'Approve' ? 'Provisioned' : 'Denied');
      // Under a quorum, a deny ends it at once; otherwise the quorum's last approval does.
      if (approved) expect(decisions.filter((d) => d.result === 'Approve')).toHaveLength(c.quorum);
      expect(decisions.filter((d) => d.result === 'Deny')).toHaveLength(approved ? 0 : 1);
      expect(decisions.length).toBeLessThanOrEqual(c.quorum);
    }

    // Exactly one outcome event, and the activation exactly once when approved.
    const outcomes = (await countActivity(ACTIVITY.requestApproved)) + (await countActivity(ACTIVITY.requestDenied));
    expect(outcomes).toBe(c.sameApprover ? 0 : 1);
    expect(await countActivity(ACTIVITY.approvalRecorded)).toBe(winners.filter((w) => w.request.status === 'PendingApproval').length);
    expect(await countActivity(ACTIVITY.activationCompleted)).toBe(approved ? 1 : 0);
    const activations = await h.store.db
      .selectFrom('schedules')
      .select(['id', 'created_using'])
      .where('principal_id', '=', alice.id)
      .where('kind', '=', 'assignment')
      .execute();
    expect(activations.map((s) => s.created_using)).toEqual(approved ? [request.id] : []);
    expect(final.targetScheduleId).toBe(approved ? activations[0]!.id : null);
    if (final.status !== 'PendingApproval') {
      for (const a of approvers) expect(await inboxOf(h, a)).toEqual([]);
    }
  });

  it.each([
    { moment: 'a moment before the deadline', offset: -1, outcomes: ['Provisioned', 'Denied', 'Canceled'] },
    { moment: 'at the deadline (decisions refused by the clock)', offset: 0, outcomes: ['TimedOut', 'Canceled'] },
  ])("decisions, the requester's cancel and the timeline $moment: exactly one ends the request", async ({ offset, outcomes }) => {
    h = await openHarness(db);
    const alice = await h.user('alice@contoso.test');
    const approvers: Principal[] = [];
    for (let i = 0; i < 4; i++) approvers.push(await h.user(`approver${i}@contoso.test`));
    await adminAssign(h, 'eligibility', alice, ROLE_ID);
    await setApproval(h, ROLE_ID, [{ approvers: approvers.map((a) => approver.user(a)), timeoutDays: 1 }]);
    const request = await selfActivate(h, alice, ROLE_ID, 'PT1H');
    const callers = await Promise.all(approvers.map((a) => h.caller(a)));
    const me = await h.caller(alice);
    h.clock.advance('P1D');
    h.clock.advance(offset);

    const racers: (() => Promise<unknown>)[] = [
      ...callers.map(
        (caller, i) => () => reviewApprovalStep(h.deps, caller, request.approvalId!, '1', { reviewResult: i % 2 ? 'Deny' : 'Approve', justification: 'race' }),
      ),
      () => cancelRequest(h.deps, me, 'assignment', request.id),
      () => h.tick(),
    ];
    const { result, max } = await maxOpenTransactions(h, () => Promise.allSettled(racers.map((r) => r())));
    if (db.name === 'postgres') expect(max).toBeGreaterThan(1);

    const codes = result.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof DomainError ? r.reason.code : String(r.reason)] : []));
    expect(codes.filter((code) => code !== 'ApprovalStepNotActive' && code !== 'RequestCannotBeCanceled')).toEqual([]);
    const final = await stored(h, request);
    expect(outcomes).toContain(final.status);
    let ends = 0;
    for (const a of [ACTIVITY.requestApproved, ACTIVITY.requestDenied, ACTIVITY.requestCanceled, ACTIVITY.requestTimedOut]) ends += await countActivity(a);
    expect(ends).toBe(1);
    expect(await countActivity(ACTIVITY.activationCompleted)).toBe(final.status === 'Provisioned' ? 1 : 0);
  });
});
