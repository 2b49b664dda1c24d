/**
 * A requester never approves their own request (docs/guide.md, "Approvals"), whichever way the
 * policy would have made them an approver: named directly, through a group (nested too), as their
 * own manager up the chain, as an escalation approver, or through the Global Administrator /
 * Privileged Role Administrator fallback when they hold one of those roles themselves. In every
 * case the requester is never resolved as an approver, never sees the request in their inbox, and
 * their decision is refused with SelfApprovalNotAllowed — while whoever else the policy names can
 * still decide.
 */
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import {
  adminAssign,
  approver,
  decide,
  failureOf,
  groupWith,
  inboxOf,
  selfActivate,
  setApproval,
  setManagerOf,
  stored,
  type StageSpec,
  closeVerifiedAfterEach,
} from '../support/scenario.ts';

const ROLE_ID = ROLE.userAdministrator;

interface People {
  readonly alice: Principal;
  readonly carol: Principal;
  readonly dave: Principal;
  readonly admin: Principal;
}

interface SelfCase {
  readonly name: string;
  /** Who asks (default alice). */
  readonly requester?: keyof People;
  /** Builds what the case needs; returns the stages and who may decide instead (null: nobody can). */
  readonly setup: (h: Harness, p: People) => Promise<{ readonly stages: readonly StageSpec[]; readonly instead: keyof People | null }>;
  /** Time that passes (the timeline runs) before the checks, e.g. for an escalation. */
  readonly wait?: string;
}

const CASES: readonly SelfCase[] = [
  {
    name: 'named directly as an approver, beside carol',
    setup: async (_h, p) => ({ stages: [{ approvers: [approver.user(p.alice), approver.user(p.carol)] }], instead: 'carol' }),
  },
  {
    name: 'named directly as the only approver: the fallback administrators decide instead',
    setup: async (_h, p) => ({ stages: [{ approvers: [approver.user(p.alice)] }], instead: 'admin' }),
  },
  {
    name: 'through a group she is a member of',
    setup: async (h, p) => ({ stages: [{ approvers: [approver.group(await groupWith(h, 'Approvers', [p.alice, p.carol]))] }], instead: 'carol' }),
  },
  {
    name: 'through a group nested two levels down',
    setup: async (h, p) => {
      const inner = await groupWith(h, 'Inner', [p.alice]);
      const middle = await groupWith(h, 'Middle', [inner, p.dave]);
      return { stages: [{ approvers: [approver.group(await groupWith(h, 'Outer', [middle]))] }], instead: 'dave' };
    },
  },
  {
    name: 'as her own second-level manager (alice → carol → alice): nobody is resolved, the administrators decide',
    setup: async (h, p) => {
      await setManagerOf(h, p.alice, p.carol);
      await setManagerOf(h, p.carol, p.alice);
      return { stages: [{ approvers: [approver.manager(2)] }], instead: 'admin' };
    },
  },
  {
    name: 'listed by name beside her manager',
    setup: async (h, p) => {
      await setManagerOf(h, p.alice, p.carol);
      return { stages: [{ approvers: [approver.manager(1), approver.user(p.alice)] }], instead: 'carol' };
    },
  },
  {
    name: 'as the escalation approver, after the escalation',
    wait: 'PT15M',
    setup: async (_h, p) => ({
      stages: [{ approvers: [approver.user(p.carol)], escalateAfterMinutes: 10, escalation: [approver.user(p.alice)] }],
      instead: 'carol',
    }),
  },
  {
    name: 'in stage 2 of 2, through a group, once stage 1 approved',
    setup: async (h, p) => ({
      stages: [{ approvers: [approver.user(p.carol)] }, { approvers: [approver.group(await groupWith(h, 'Stage 2', [p.alice, p.dave]))] }],
      instead: 'dave',
    }),
  },
  {
    name: 'through the fallback, as a Global Administrator herself',
    setup: async (h, p) => {
      await adminAssign(h, 'assignment', p.alice, ROLE.globalAdministrator);
      return { stages: [{}], instead: 'admin' };
    },
  },
  {
    name: 'through the fallback, as a Privileged Role Administrator through a role-assignable group',
    setup: async (h, p) => {
      const admins = await groupWith(h, 'Privileged admins', [p.alice, p.dave], { assignable: true });
      await adminAssign(h, 'assignment', admins, ROLE.privilegedRoleAdministrator);
      return { stages: [{}], instead: 'dave' };
    },
  },
  {
    name: 'through the fallback, as the only Global Administrator: nobody can approve, the request times out',
    requester: 'admin',
    setup: async () => ({ stages: [{}], instead: null }),
  },
];

describe.each(TEST_DATABASES)('no self-approval on $name', (db) => {
  let h: Harness;
  closeVerifiedAfterEach(() => h);

  it.each(CASES)('$name', async (c) => {
    h = await openHarness(db);
    const p: People = {
      alice: await h.user('alice@contoso.test'),
      carol: await h.user('carol@contoso.test'),
      dave: await h.user('dave@contoso.test'),
      admin: h.admin.principal,
    };
    const me = p[c.requester ?? 'alice'];
    const { stages, instead } = await c.setup(h, p);
    await adminAssign(h, 'eligibility', me, ROLE_ID);
    await setApproval(h, ROLE_ID, stages);
    const request = await selfActivate(h, me, ROLE_ID, 'PT1H');
    expect(request.status).toBe('PendingApproval');
    if (c.wait) {
      h.clock.advance(c.wait);
      await h.tick();
    }
    // Move through the earlier stages, so the last one is the one under test.
    for (let stage = 1; stage < stages.length; stage++) {
      expect((await decide(h, p.carol, request, 'Approve', { step: String(stage) })).status).toBe('PendingApproval');
    }
    const step = String(stages.length);

    const resolved = await h.store.read.approvals.approvers(h.tenantId, request.approvalId!);
    expect(resolved.map((a) => a.approverId)).not.toContain(me.id);
    expect(await inboxOf(h, me)).toEqual([]);
    for (const result of ['Approve', 'Deny'] as const) {
      expect((await failureOf(decide(h, me, request, result, { step }))).code).toBe('SelfApprovalNotAllowed');
    }
    expect(await h.store.read.approvals.decisions(h.tenantId, request.approvalId!)).toHaveLength(stages.length - 1);

    if (instead === null) {
      expect(resolved).toEqual([]);
      h.clock.advance('P1D');
      await h.tick();
      expect((await stored(h, request)).status).toBe('TimedOut');
      return;
    }
    expect(await inboxOf(h, p[instead])).toEqual([request.id]);
    expect((await decide(h, p[instead], request, 'Approve', { step })).status).toBe('Provisioned');
  });
});
