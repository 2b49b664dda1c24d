/**
 * The named rules of a decision, each refused with its own code and leaving nothing behind (no
 * decision row, no audit event, no change to the request): approver rights are re-checked at
 * decision time, one decision per approver per stage, no decision once the outcome is known, and
 * an approver justification when the stage asks for one.
 */
import { describe, expect, it } from 'vitest';
import { cancelRequest } from '../../src/app/requests/cancel-request.ts';
import { removeGroupMember } from '../../src/app/directory/change-group-members.ts';
import type { Principal, RequestStatus, ScheduleRequest } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import {
  adminAssign,
  approver,
  auditMark,
  decide,
  failureOf,
  groupWith,
  rowCounts,
  selfActivate,
  setApproval,
  setManagerOf,
  stored,
  type StageSpec,
  closeVerifiedAfterEach,
} from '../support/scenario.ts';

const ROLE_ID = ROLE.userAdministrator;

describe.each(TEST_DATABASES)('decision rules on $name', (db) => {
  let h: Harness;
  let alice: Principal;
  let carol: Principal;
  let dave: Principal;
  let erin: Principal;
  closeVerifiedAfterEach(() => h);

  async function open(stages: (p: { carol: Principal; dave: Principal; erin: Principal }) => Promise<readonly StageSpec[]> | readonly StageSpec[]) {
    h = await openHarness(db);
    alice = await h.user('alice@contoso.test');
    carol = await h.user('carol@contoso.test');
    dave = await h.user('dave@contoso.test');
    erin = await h.user('erin@contoso.test');
    await adminAssign(h, 'eligibility', alice, ROLE_ID);
    await setApproval(h, ROLE_ID, await stages({ carol, dave, erin }));
    const request = await selfActivate(h, alice, ROLE_ID, 'PT1H');
    expect(request.status).toBe('PendingApproval');
    return request;
  }

  /** The decision is refused with `code`, and nothing at all was written. */
  async function expectRefused(deciding: () => Promise<ScheduleRequest>, code: string, request: ScheduleRequest) {
    const before = { counts: await rowCounts(h), status: (await stored(h, request)).status, decisions: await decisionCount(request) };
    expect((await failureOf(deciding())).code).toBe(code);
    expect({ counts: await rowCounts(h), status: (await stored(h, request)).status, decisions: await decisionCount(request) }).toEqual(before);
  }
  const decisionCount = async (request: ScheduleRequest) => (await h.store.read.approvals.decisions(h.tenantId, request.approvalId!)).length;

  describe('approver rights are re-checked when the approver decides, not taken from when the stage started', () => {
    it('removed from the approver group after the stage started: refused; the members left may decide', async () => {
      let group!: Principal;
      const request = await open(async (p) => {
        group = await groupWith(h, 'Approvers', [p.carol, p.dave]);
        return [{ approvers: [approver.group(group)] }];
      });
      await removeGroupMember(h.deps, h.admin, group.id, carol.id);
      await expectRefused(() => decide(h, carol, request, 'Approve'), 'Authorization_RequestDenied', request);
      await expectRefused(() => decide(h, carol, request, 'Deny'), 'Authorization_RequestDenied', request);
      expect((await decide(h, dave, request, 'Approve')).status).toBe('Provisioned');
    });

    it('a disabled member of the approver group is not among the approvers (no inbox, no mail)', async () => {
      const request = await open(async (p) => {
        const group = await groupWith(h, 'Approvers', [p.carol, p.dave]);
        await h.store.db.updateTable('principals').set({ account_enabled: 0 }).where('id', '=', p.carol.id).execute();
        return [{ approvers: [approver.group(group)] }];
      });
      const resolved = await h.store.read.approvals.approvers(h.tenantId, request.approvalId!);
      expect(resolved.map((a) => a.approverId)).toEqual([dave.id]);
    });

    it('removed from a nested group after the stage started: refused', async () => {
      let inner!: Principal;
      const request = await open(async (p) => {
        inner = await groupWith(h, 'Inner', [p.carol]);
        return [{ approvers: [approver.group(await groupWith(h, 'Outer', [inner, p.dave]))] }];
      });
      await removeGroupMember(h.deps, h.admin, inner.id, carol.id);
      await expectRefused(() => decide(h, carol, request, 'Approve'), 'Authorization_RequestDenied', request);
      expect((await decide(h, dave, request, 'Deny')).status).toBe('Denied');
    });

    it("no longer the requester's manager: refused", async () => {
      const request = await open(async (p) => {
        await setManagerOf(h, alice, p.carol);
        return [{ approvers: [approver.manager(1), approver.user(p.dave)] }];
      });
      await setManagerOf(h, alice, null);
      await expectRefused(() => decide(h, carol, request, 'Approve'), 'Authorization_RequestDenied', request);
      expect((await decide(h, dave, request, 'Approve')).status).toBe('Provisioned');
    });

    it('a fallback Global Administrator whose activation has ended: refused', async () => {
      const request = await open(async (p) => {
        await adminAssign(h, 'assignment', p.erin, ROLE.globalAdministrator, 'PT2H');
        return [{}];
      });
      h.clock.advance('PT2H');
      await expectRefused(() => decide(h, erin, request, 'Approve'), 'Authorization_RequestDenied', request);
      expect((await decide(h, h.admin.principal, request, 'Approve')).status).toBe('Provisioned');
    });
  });

  describe('one decision per approver per stage', () => {
    it.each([
      ['Approve', 'Approve'],
      ['Approve', 'Deny'],
    ] as const)('after %s, a second decision (%s) by the same approver: ApproverAlreadyDecided', async (first, second) => {
      const request = await open((p) => [{ approvers: [approver.user(p.carol), approver.user(p.dave), approver.user(p.erin)], quorum: 2 }]);
      expect((await decide(h, carol, request, first)).status).toBe('PendingApproval');
      await expectRefused(() => decide(h, carol, request, second), 'ApproverAlreadyDecided', request);
      expect((await decide(h, dave, request, 'Approve')).status).toBe('Provisioned');
    });

    it('approving stage 1 does not count for stage 2, where the same approver is asked again', async () => {
      const request = await open((p) => [
        { approvers: [approver.user(p.carol), approver.user(p.dave)] },
        { approvers: [approver.user(p.carol), approver.user(p.dave)], quorum: 2 },
      ]);
      expect((await decide(h, carol, request, 'Approve', { step: '1' })).status).toBe('PendingApproval');
      expect((await decide(h, carol, request, 'Approve', { step: '2' })).status).toBe('PendingApproval');
      await expectRefused(() => decide(h, carol, request, 'Approve', { step: '2' }), 'ApproverAlreadyDecided', request);
      expect((await decide(h, dave, request, 'Approve', { step: '2' })).status).toBe('Provisioned');
    });
  });

  const OUTCOMES: readonly { name: string; status: RequestStatus; reach: (request: ScheduleRequest) => Promise<unknown> }[] = [
    { name: 'approved', status: 'Provisioned', reach: (r) => decide(h, carol, r, 'Approve') },
    { name: 'denied', status: 'Denied', reach: (r) => decide(h, carol, r, 'Deny') },
    {
      name: 'timed out',
      status: 'TimedOut',
      reach: async () => {
        h.clock.advance('P1D');
        await h.tick();
      },
    },
    { name: 'canceled', status: 'Canceled', reach: async (r) => cancelRequest(h.deps, await h.caller(alice), 'assignment', r.id) },
  ];

  describe.each(OUTCOMES)('once the request is $name, no decision is taken: ApprovalStepNotActive', ({ status, reach }) => {
    it.each(['carol', 'dave'] as const)('%s decides after the outcome', async (who) => {
      const request = await open((p) => [{ approvers: [approver.user(p.carol), approver.user(p.dave)] }]);
      await reach(request);
      expect((await stored(h, request)).status).toBe(status);
      const them = who === 'carol' ? carol : dave;
      for (const result of ['Approve', 'Deny'] as const) await expectRefused(() => decide(h, them, request, result), 'ApprovalStepNotActive', request);
    });
  });

  it("the time-out is the clock's, not the timeline's: a decision at the deadline is refused before the timeline has run", async () => {
    const request = await open((p) => [{ approvers: [approver.user(p.carol)], timeoutDays: 1 }]);
    h.clock.advance('P1D');
    await expectRefused(() => decide(h, carol, request, 'Approve'), 'ApprovalStepNotActive', request);
    await h.tick();
    expect((await stored(h, request)).status).toBe('TimedOut');
  });

  it('a decision a moment before the deadline is taken', async () => {
    const request = await open((p) => [{ approvers: [approver.user(p.carol)], timeoutDays: 1 }]);
    h.clock.advance('P1D');
    h.clock.advance(-1);
    expect((await decide(h, carol, request, 'Approve')).status).toBe('Provisioned');
  });

  describe('approver justification', () => {
    it.each([null, '', '   \n'])('required by the stage: %j is refused with Request_BadRequest, for approve and deny', async (justification) => {
      const request = await open((p) => [{ approvers: [approver.user(p.carol)], justification: true }]);
      for (const result of ['Approve', 'Deny'] as const) {
        await expectRefused(() => decide(h, carol, request, result, { justification }), 'Request_BadRequest', request);
      }
      const mark = await auditMark(h);
      expect((await decide(h, carol, request, 'Approve', { justification: 'Change CHG-12 is approved' })).status).toBe('Provisioned');
      const [event] = await h.store.read.audit.range(mark, 1);
      expect(event).toMatchObject({ activity: 'Add member to role request approved' });
      expect(JSON.stringify(event)).toContain('Change CHG-12 is approved');
    });

    it('not required by the stage: a decision without one is taken', async () => {
      const request = await open((p) => [{ approvers: [approver.user(p.carol)], justification: false }]);
      expect((await decide(h, carol, request, 'Approve', { justification: null })).status).toBe('Provisioned');
    });
  });
});
