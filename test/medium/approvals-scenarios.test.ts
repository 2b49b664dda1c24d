/**
 * Approval semantics as scenario tables on a fake clock (docs/guide.md, "Approvals"): who is asked,
 * in which order, what each decision does to the request, what the timeline does when nobody
 * answers, and when the granted time starts. Alice asks for User Administrator for an hour; carol,
 * dave and erin are approvers, frank a backup approver. Each step either moves the clock (the
 * timeline runs), looks at inboxes, or has someone decide or cancel — and says what happens.
 */
import { describe, expect, it } from 'vitest';
import { cancelRequest } from '../../src/app/requests/cancel-request.ts';
import type { StageStatus, ReviewResult } from '../../src/domain/approvals/approval.ts';
import type { ErrorCode } from '../../src/domain/errors.ts';
import type { Principal, RequestStatus } from '../../src/domain/model.ts';
import type { SubjectSet } from '../../src/domain/policy/rules.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { parseDuration } from '../../src/domain/time.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import {
  activitiesSince,
  adminAssign,
  approvalOf,
  approver,
  auditMark,
  decide,
  failureOf,
  inboxOf,
  schedulesOf,
  selfActivate,
  setApproval,
  stored,
  type StageSpec,
  closeVerifiedAfterEach,
} from '../support/scenario.ts';

const ROLE_ID = ROLE.userAdministrator;
const APPROVERS = ['carol', 'dave', 'erin', 'frank'] as const;
type Approver = (typeof APPROVERS)[number];
type Who = Approver | 'alice';
type Cast = Record<Who, Principal>;

type Step =
  /** The clock moves on and the timeline runs. */
  | { readonly wait: string }
  /** Whose approver inbox holds the request now. */
  | { readonly inbox: Partial<Record<Who, boolean>> }
  /** Someone decides a step (default '1'): the request's status after, or the error. */
  | { readonly by: Who; readonly decides: 'Approve' | 'Deny'; readonly step?: string; readonly status: RequestStatus }
  | { readonly by: Who; readonly decides: 'Approve' | 'Deny'; readonly step?: string; readonly error: ErrorCode }
  /** The requester cancels. */
  | { readonly cancel: true }
  /** The request's status now. */
  | { readonly status: RequestStatus };

interface Scenario {
  readonly name: string;
  readonly stages: (who: Cast) => readonly StageSpec[];
  readonly grantStartsAt?: 'approval' | 'request';
  readonly steps: readonly Step[];
  readonly expect: {
    readonly status: RequestStatus;
    /** Every audit event from the request on, in order. */
    readonly activities: readonly string[];
    /** Each stage's status and result at the end. */
    readonly stages: readonly (readonly [StageStatus, ReviewResult])[];
    /** The activation granted: when it starts (after the request) and how long it lasts; null for none. */
    readonly grant: { readonly startsAfter: string; readonly lasts: string } | null;
  };
}

const REQUESTED = 'Add member to role requested (PIM activation)';
const APPROVED = 'Add member to role request approved';
const STAGE_APPROVED = 'Add member to role request approved (stage)';
const RECORDED = 'Approve request for role in PIM (decision recorded)';
const DENIED = 'Add member to role request denied';
const ACTIVATED = 'Add member to role completed (PIM activation)';
const TIMED_OUT = 'PIM activation request expired';
const ESCALATED = 'PIM activation request escalated';
const CANCELED = 'Cancel request for role in PIM completed';
const FAILED = 'Add member to role request failed after approval';

const only =
  (...who: Approver[]) =>
  (c: Cast): SubjectSet[] =>
    who.map((w) => approver.user(c[w]));

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'single approver: only the named approver is asked; their approval grants the hour from the approval',
    stages: (c) => [{ approvers: only('carol')(c) }],
    steps: [
      { inbox: { carol: true, dave: false, alice: false } },
      // Dave has nothing to do with this request: he may not even see it.
      { by: 'dave', decides: 'Approve', error: 'Request_ResourceNotFound' },
      { wait: 'PT10M' },
      { by: 'carol', decides: 'Approve', status: 'Provisioned' },
      { inbox: { carol: false } },
      { by: 'carol', decides: 'Deny', error: 'ApprovalStepNotActive' },
    ],
    expect: {
      status: 'Provisioned',
      activities: [REQUESTED, APPROVED, ACTIVATED],
      stages: [['Completed', 'Approve']],
      grant: { startsAfter: 'PT10M', lasts: 'PT1H' },
    },
  },
  {
    name: '2 of 3: the first approval is recorded, the second grants, the third comes too late',
    stages: (c) => [{ approvers: only('carol', 'dave', 'erin')(c), quorum: 2 }],
    steps: [
      { inbox: { carol: true, dave: true, erin: true } },
      { by: 'carol', decides: 'Approve', status: 'PendingApproval' },
      // Carol has had her say; the others are still asked.
      { inbox: { carol: false, dave: true, erin: true } },
      { by: 'carol', decides: 'Approve', error: 'ApproverAlreadyDecided' },
      { wait: 'PT5M' },
      { by: 'dave', decides: 'Approve', status: 'Provisioned' },
      { inbox: { erin: false } },
      { by: 'erin', decides: 'Approve', error: 'ApprovalStepNotActive' },
    ],
    expect: {
      status: 'Provisioned',
      activities: [REQUESTED, RECORDED, APPROVED, ACTIVATED],
      stages: [['Completed', 'Approve']],
      grant: { startsAfter: 'PT5M', lasts: 'PT1H' },
    },
  },
  {
    name: '2 of 3: a deny after one approval ends the request (deny beats approve)',
    stages: (c) => [{ approvers: only('carol', 'dave', 'erin')(c), quorum: 2 }],
    steps: [
      { by: 'carol', decides: 'Approve', status: 'PendingApproval' },
      { by: 'dave', decides: 'Deny', status: 'Denied' },
      { inbox: { erin: false } },
      { by: 'erin', decides: 'Approve', error: 'ApprovalStepNotActive' },
    ],
    expect: { status: 'Denied', activities: [REQUESTED, RECORDED, DENIED], stages: [['Completed', 'Deny']], grant: null },
  },
  {
    name: 'two stages: stage 2 is asked only once stage 1 approved, and nobody decides out of turn',
    stages: (c) => [{ approvers: only('carol')(c) }, { approvers: only('dave')(c) }],
    steps: [
      { inbox: { carol: true, dave: false } },
      // Dave is not asked yet: the request is not his to see.
      { by: 'dave', decides: 'Approve', step: '2', error: 'Request_ResourceNotFound' },
      { by: 'carol', decides: 'Approve', step: '2', error: 'ApprovalStepNotActive' },
      { by: 'carol', decides: 'Approve', step: '1', status: 'PendingApproval' },
      { inbox: { carol: false, dave: true } },
      { by: 'carol', decides: 'Approve', step: '1', error: 'ApprovalStepNotActive' },
      { by: 'carol', decides: 'Approve', step: '2', error: 'Authorization_RequestDenied' },
      { by: 'dave', decides: 'Approve', step: '1', error: 'ApprovalStepNotActive' },
      { wait: 'PT30M' },
      { by: 'dave', decides: 'Approve', step: '2', status: 'Provisioned' },
      { inbox: { carol: false, dave: false } },
    ],
    expect: {
      status: 'Provisioned',
      activities: [REQUESTED, STAGE_APPROVED, APPROVED, ACTIVATED],
      stages: [
        ['Completed', 'Approve'],
        ['Completed', 'Approve'],
      ],
      grant: { startsAfter: 'PT30M', lasts: 'PT1H' },
    },
  },
  {
    name: 'two stages: each stage has its own time-out, counted from when it started',
    stages: (c) => [
      { approvers: only('carol')(c), timeoutDays: 1 },
      { approvers: only('dave')(c), timeoutDays: 2 },
    ],
    steps: [
      { wait: 'PT20H' },
      { by: 'carol', decides: 'Approve', status: 'PendingApproval' },
      // Stage 1's day is over, stage 2 has a day left.
      { wait: 'P1D' },
      { status: 'PendingApproval' },
      { wait: 'PT23H59M' },
      { status: 'PendingApproval' },
      { wait: 'PT1M' },
      { status: 'TimedOut' },
      { inbox: { dave: false } },
      { by: 'dave', decides: 'Approve', step: '2', error: 'ApprovalStepNotActive' },
    ],
    expect: {
      status: 'TimedOut',
      activities: [REQUESTED, STAGE_APPROVED, TIMED_OUT],
      stages: [
        ['Completed', 'Approve'],
        ['Expired', 'NotReviewed'],
      ],
      grant: null,
    },
  },
  {
    name: 'deny in stage 1 of 2: the request ends and stage 2 is never asked',
    stages: (c) => [{ approvers: only('carol')(c) }, { approvers: only('dave')(c) }],
    steps: [
      { by: 'carol', decides: 'Deny', status: 'Denied' },
      { inbox: { carol: false, dave: false } },
      { by: 'dave', decides: 'Approve', step: '2', error: 'Request_ResourceNotFound' },
      { by: 'carol', decides: 'Approve', step: '2', error: 'ApprovalStepNotActive' },
      { wait: 'P2D' },
      { status: 'Denied' },
    ],
    expect: {
      status: 'Denied',
      activities: [REQUESTED, DENIED],
      stages: [
        ['Completed', 'Deny'],
        ['Canceled', 'NotReviewed'],
      ],
      grant: null,
    },
  },
  {
    name: 'escalation after 30 minutes: the backup approver joins (the primary stays) and may decide',
    stages: (c) => [{ approvers: only('carol')(c), escalateAfterMinutes: 30, escalation: only('frank')(c) }],
    steps: [
      { inbox: { carol: true, frank: false } },
      { by: 'frank', decides: 'Approve', error: 'Request_ResourceNotFound' },
      { wait: 'PT29M' },
      { inbox: { carol: true, frank: false } },
      { wait: 'PT1M' },
      { inbox: { carol: true, frank: true } },
      { by: 'frank', decides: 'Approve', status: 'Provisioned' },
      { inbox: { carol: false, frank: false } },
      { by: 'carol', decides: 'Approve', error: 'ApprovalStepNotActive' },
    ],
    expect: {
      status: 'Provisioned',
      activities: [REQUESTED, ESCALATED, APPROVED, ACTIVATED],
      stages: [['Completed', 'Approve']],
      grant: { startsAfter: 'PT30M', lasts: 'PT1H' },
    },
  },
  {
    name: 'escalation: the primary approver may still decide after it',
    stages: (c) => [{ approvers: only('carol')(c), escalateAfterMinutes: 30, escalation: only('frank')(c) }],
    steps: [
      { wait: 'PT45M' },
      { by: 'carol', decides: 'Deny', status: 'Denied' },
      { inbox: { frank: false } },
      { by: 'frank', decides: 'Approve', error: 'ApprovalStepNotActive' },
    ],
    expect: { status: 'Denied', activities: [REQUESTED, ESCALATED, DENIED], stages: [['Completed', 'Deny']], grant: null },
  },
  {
    name: 'time-out: nobody decides within the stage, the request times out once and can no longer be decided',
    stages: (c) => [{ approvers: only('carol')(c), timeoutDays: 1 }],
    steps: [
      { wait: 'PT23H59M' },
      { status: 'PendingApproval' },
      { wait: 'PT1M' },
      { status: 'TimedOut' },
      { inbox: { carol: false } },
      { by: 'carol', decides: 'Approve', error: 'ApprovalStepNotActive' },
      { wait: 'P1D' },
    ],
    expect: { status: 'TimedOut', activities: [REQUESTED, TIMED_OUT], stages: [['Expired', 'NotReviewed']], grant: null },
  },
  {
    name: 'cancel while pending: out of every inbox, no decision afterwards, no time-out later',
    stages: (c) => [{ approvers: only('carol')(c) }, { approvers: only('dave')(c) }],
    steps: [
      { inbox: { carol: true } },
      { cancel: true },
      { inbox: { carol: false, dave: false } },
      { by: 'carol', decides: 'Approve', error: 'ApprovalStepNotActive' },
      { wait: 'P2D' },
    ],
    expect: {
      status: 'Canceled',
      activities: [REQUESTED, CANCELED],
      stages: [
        ['Canceled', 'NotReviewed'],
        ['Canceled', 'NotReviewed'],
      ],
      grant: null,
    },
  },
  {
    name: 'time counted from the approval (the default): a late approval still gives the full hour',
    stages: (c) => [{ approvers: only('carol')(c) }],
    steps: [{ wait: 'PT50M' }, { by: 'carol', decides: 'Approve', status: 'Provisioned' }],
    expect: {
      status: 'Provisioned',
      activities: [REQUESTED, APPROVED, ACTIVATED],
      stages: [['Completed', 'Approve']],
      grant: { startsAfter: 'PT50M', lasts: 'PT1H' },
    },
  },
  {
    name: 'time counted from the request: a late approval gives what is left of the hour',
    stages: (c) => [{ approvers: only('carol')(c) }],
    grantStartsAt: 'request',
    steps: [{ wait: 'PT50M' }, { by: 'carol', decides: 'Approve', status: 'Provisioned' }],
    expect: {
      status: 'Provisioned',
      activities: [REQUESTED, APPROVED, ACTIVATED],
      stages: [['Completed', 'Approve']],
      grant: { startsAfter: 'PT0S', lasts: 'PT1H' },
    },
  },
  {
    name: 'time counted from the request: an approval after the hour has passed fails the request, with the reason audited',
    stages: (c) => [{ approvers: only('carol')(c) }],
    grantStartsAt: 'request',
    steps: [
      { wait: 'PT1H' },
      { by: 'carol', decides: 'Approve', status: 'Failed' },
      { inbox: { carol: false } },
      { by: 'carol', decides: 'Deny', error: 'ApprovalStepNotActive' },
    ],
    expect: { status: 'Failed', activities: [REQUESTED, APPROVED, FAILED], stages: [['Completed', 'Approve']], grant: null },
  },
];

describe.each(TEST_DATABASES)('approval scenarios on $name', (db) => {
  let h: Harness;
  closeVerifiedAfterEach(() => h);

  it.each(SCENARIOS)('$name', async (s) => {
    h = await openHarness(db);
    const cast = { alice: await h.user('alice@contoso.test') } as Cast;
    for (const name of APPROVERS) cast[name] = await h.user(`${name}@contoso.test`);
    await adminAssign(h, 'eligibility', cast.alice, ROLE_ID);
    await setApproval(h, ROLE_ID, s.stages(cast), s.grantStartsAt ? { grantStartsAt: s.grantStartsAt } : {});
    const mark = await auditMark(h);
    const askedAt = h.clock.now();

    const request = await selfActivate(h, cast.alice, ROLE_ID, 'PT1H');
    expect(request).toMatchObject({ status: 'PendingApproval', approvalId: request.id, targetScheduleId: null });

    for (const [i, step] of s.steps.entries()) {
      const at = `step ${i + 1} ${JSON.stringify(step)}`;
      if ('wait' in step) {
        h.clock.advance(step.wait);
        await h.tick();
      } else if ('inbox' in step) {
        for (const [who, expected] of Object.entries(step.inbox)) {
          expect((await inboxOf(h, cast[who as Who])).includes(request.id), `${at}: ${who}`).toBe(expected);
        }
      } else if ('cancel' in step) {
        expect((await cancelRequest(h.deps, await h.caller(cast.alice), 'assignment', request.id)).status, at).toBe('Canceled');
      } else if ('by' in step) {
        const deciding = decide(h, cast[step.by], request, step.decides, { step: step.step ?? '1' });
        if ('error' in step) expect((await failureOf(deciding)).code, at).toBe(step.error);
        else expect((await deciding).status, at).toBe(step.status);
      } else {
        expect((await stored(h, request)).status, at).toBe(step.status);
      }
    }

    expect((await stored(h, request)).status).toBe(s.expect.status);
    expect(await activitiesSince(h, mark)).toEqual(s.expect.activities);
    expect((await approvalOf(h, request)).stages.map((st) => [st.status, st.result])).toEqual(s.expect.stages);
    const granted = await schedulesOf(h, 'assignment', cast.alice);
    if (s.expect.grant === null) {
      expect(granted).toEqual([]);
      expect((await stored(h, request)).targetScheduleId).toBeNull();
    } else {
      expect(granted).toHaveLength(1);
      expect(granted[0]).toMatchObject({ assignmentType: 'Activated', createdUsing: request.id });
      expect(granted[0]!.startAt).toBe(askedAt + parseDuration(s.expect.grant.startsAfter));
      expect(granted[0]!.endAt).toBe(granted[0]!.startAt + parseDuration(s.expect.grant.lasts));
      expect((await stored(h, request)).targetScheduleId).toBe(granted[0]!.id);
    }
    // Whatever the outcome, nobody is left asked, and nothing is left to fire.
    for (const name of APPROVERS) expect(await inboxOf(h, cast[name])).toEqual([]);
    const pending = await h.store.db
      .selectFrom('timeline')
      .select(['kind', 'ref_id'])
      .where('pending', '=', 1)
      .where('kind', 'in', ['requestTimeout', 'approvalEscalation'])
      .execute();
    expect(pending).toEqual([]);
  });
});
