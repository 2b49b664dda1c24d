/**
 * selfExtend and selfRenew go through approval (docs/guide.md, "Approvals"): by default to the
 * tenant's administrators, or to the policy's stages when isApprovalRequiredForExtension says so.
 * The table gives what the holder has, the policy, who decides when, and what the grant looks like
 * afterwards — including the world changing while the request waits.
 */
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/domain/errors.ts';
import type { Principal, RequestStatus, ScheduleKind } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { parseDuration } from '../../src/domain/time.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import {
  activitiesSince,
  adminAssign,
  approver,
  auditMark,
  decide,
  failureOf,
  inboxOf,
  schedulesOf,
  scheduleOf,
  setApproval,
  stored,
  type Span,
  closeVerifiedAfterEach,
} from '../support/scenario.ts';

type Who = 'admin' | 'carol' | 'alice';

interface Case {
  readonly name: string;
  /** What alice holds (made by the admin), how much time passes (the timeline runs), and what she asks. */
  readonly holds: { readonly kind: ScheduleKind; readonly span: Span };
  readonly wait: string;
  readonly asks: { readonly action: 'selfExtend' | 'selfRenew'; readonly span: string };
  /** The policy's approval rule: carol as the one approver for extensions, and/or time counted from the request. */
  readonly policy?: { readonly carolApprovesExtensions?: true; readonly grantStartsAt?: 'request'; readonly timeoutDays?: number };
  readonly steps: readonly (
    | { readonly wait: string }
    | { readonly inbox: Partial<Record<Who, boolean>> }
    | { readonly by: Who; readonly decides: 'Approve' | 'Deny'; readonly status: RequestStatus }
    | { readonly by: Who; readonly decides: 'Approve' | 'Deny'; readonly error: ErrorCode }
  )[];
  readonly expect: {
    readonly status: RequestStatus;
    readonly activities: readonly string[];
    /** Alice's open grant of that kind afterwards, relative to the request: same one as before or a new one. */
    readonly grant: { readonly same: boolean; readonly startsAfter: string; readonly lasts: string } | null;
  };
}

const EXTEND_REQUESTED = 'Extend member role assignment requested';
const RENEW_REQUESTED = 'Renew eligible member role assignment requested';
const APPROVED = 'Add member to role request approved';
const DENIED = 'Add member to role request denied';
const EXTENDED = 'Extend member role assignment in PIM completed';
const RENEWED = 'Renew eligible member role assignment in PIM completed';
const FAILED = 'Add member to role request failed after approval';
const EXPIRED = 'Remove member from role in PIM (assignment expired)';

const CASES: readonly Case[] = [
  {
    name: 'selfExtend, no approver named: an administrator approves and the end moves out',
    holds: { kind: 'assignment', span: 'P20D' },
    wait: 'P10D',
    asks: { action: 'selfExtend', span: 'P60D' },
    steps: [
      { inbox: { admin: true, carol: false, alice: false } },
      { by: 'alice', decides: 'Approve', error: 'SelfApprovalNotAllowed' },
      { wait: 'PT3H' },
      { by: 'admin', decides: 'Approve', status: 'Provisioned' },
      { inbox: { admin: false } },
    ],
    // The assignment keeps its start (P10D before the request) and now lasts P60D from it.
    expect: { status: 'Provisioned', activities: [EXTEND_REQUESTED, APPROVED, EXTENDED], grant: { same: true, startsAfter: '-P10D', lasts: 'P60D' } },
  },
  {
    name: 'selfExtend denied: the assignment stays as it was',
    holds: { kind: 'assignment', span: 'P20D' },
    wait: 'P10D',
    asks: { action: 'selfExtend', span: 'P60D' },
    steps: [{ by: 'admin', decides: 'Deny', status: 'Denied' }],
    expect: { status: 'Denied', activities: [EXTEND_REQUESTED, DENIED], grant: { same: true, startsAfter: '-P10D', lasts: 'P20D' } },
  },
  {
    name: "selfExtend with isApprovalRequiredForExtension: the policy's approver decides, not the administrators",
    holds: { kind: 'assignment', span: 'P20D' },
    wait: 'P10D',
    asks: { action: 'selfExtend', span: 'P60D' },
    policy: { carolApprovesExtensions: true },
    steps: [
      { inbox: { admin: false, carol: true } },
      { by: 'admin', decides: 'Approve', error: 'Authorization_RequestDenied' },
      { by: 'carol', decides: 'Approve', status: 'Provisioned' },
    ],
    expect: { status: 'Provisioned', activities: [EXTEND_REQUESTED, APPROVED, EXTENDED], grant: { same: true, startsAfter: '-P10D', lasts: 'P60D' } },
  },
  {
    name: 'selfExtend approved after the assignment expired while it waited: Failed, with the reason audited',
    holds: { kind: 'assignment', span: 'P20D' },
    wait: 'P19D',
    asks: { action: 'selfExtend', span: 'P60D' },
    policy: { carolApprovesExtensions: true, timeoutDays: 3 },
    steps: [{ wait: 'P2D' }, { by: 'carol', decides: 'Approve', status: 'Failed' }, { inbox: { carol: false } }],
    expect: { status: 'Failed', activities: [EXTEND_REQUESTED, EXPIRED, APPROVED, FAILED], grant: null },
  },
  {
    name: 'selfRenew of an expired eligibility: approved two hours later, the new one counts from the approval',
    holds: { kind: 'eligibility', span: 'P10D' },
    wait: 'P11D',
    asks: { action: 'selfRenew', span: 'P30D' },
    steps: [
      { inbox: { admin: true, alice: false } },
      { wait: 'PT2H' },
      { by: 'alice', decides: 'Approve', error: 'SelfApprovalNotAllowed' },
      { by: 'admin', decides: 'Approve', status: 'Provisioned' },
    ],
    expect: { status: 'Provisioned', activities: [RENEW_REQUESTED, APPROVED, RENEWED], grant: { same: false, startsAfter: 'PT2H', lasts: 'P30D' } },
  },
  {
    name: 'selfRenew with time counted from the request: the new eligibility starts when it was asked',
    holds: { kind: 'eligibility', span: 'P10D' },
    wait: 'P11D',
    asks: { action: 'selfRenew', span: 'P30D' },
    policy: { grantStartsAt: 'request' },
    steps: [{ wait: 'PT2H' }, { by: 'admin', decides: 'Approve', status: 'Provisioned' }],
    expect: { status: 'Provisioned', activities: [RENEW_REQUESTED, APPROVED, RENEWED], grant: { same: false, startsAfter: 'PT0S', lasts: 'P30D' } },
  },
  {
    name: 'selfRenew times out when nobody decides within the day',
    holds: { kind: 'eligibility', span: 'P10D' },
    wait: 'P11D',
    asks: { action: 'selfRenew', span: 'P30D' },
    steps: [{ wait: 'P1D' }, { inbox: { admin: false } }, { by: 'admin', decides: 'Approve', error: 'ApprovalStepNotActive' }],
    expect: { status: 'TimedOut', activities: [RENEW_REQUESTED, 'PIM activation request expired'], grant: null },
  },
];

const offset = (d: string) => (d.startsWith('-') ? -parseDuration(d.slice(1)) : parseDuration(d));

describe.each(TEST_DATABASES)('extend and renew through approval on $name', (db) => {
  let h: Harness;
  closeVerifiedAfterEach(() => h);

  it.each(CASES)('$name', async (c) => {
    h = await openHarness(db);
    const roleId = ROLE.userAdministrator;
    const alice = await h.user('alice@contoso.test');
    const carol = await h.user('carol@contoso.test');
    const cast: Record<Who, Principal> = { admin: h.admin.principal, alice, carol };
    if (c.policy) {
      await setApproval(h, roleId, [{ approvers: c.policy.carolApprovesExtensions ? [approver.user(carol)] : [], timeoutDays: c.policy.timeoutDays }], {
        forActivation: false,
        forExtension: c.policy.carolApprovesExtensions ?? false,
        ...(c.policy.grantStartsAt ? { grantStartsAt: c.policy.grantStartsAt } : {}),
      });
    }
    const held = await adminAssign(h, c.holds.kind, alice, roleId, c.holds.span);
    h.clock.advance(c.wait);
    await h.tick();
    const mark = await auditMark(h);
    const askedAt = h.clock.now();

    const request = await h.submit(await h.caller(alice), {
      kind: c.holds.kind,
      action: c.asks.action,
      principalId: alice.id,
      roleDefinitionId: roleId,
      scheduleInfo: scheduleOf(h, c.asks.span),
    });
    expect(request).toMatchObject({ status: 'PendingApproval', approvalId: request.id });

    for (const [i, step] of c.steps.entries()) {
      const at = `step ${i + 1} ${JSON.stringify(step)}`;
      if ('wait' in step) {
        h.clock.advance(step.wait);
        await h.tick();
      } else if ('inbox' in step) {
        for (const [who, expected] of Object.entries(step.inbox)) {
          expect((await inboxOf(h, cast[who as Who], c.holds.kind)).includes(request.id), `${at}: ${who}`).toBe(expected);
        }
      } else {
        const deciding = decide(h, cast[step.by], request, step.decides);
        if ('error' in step) expect((await failureOf(deciding)).code, at).toBe(step.error);
        else expect((await deciding).status, at).toBe(step.status);
      }
    }

    expect((await stored(h, request)).status).toBe(c.expect.status);
    expect(await activitiesSince(h, mark)).toEqual(c.expect.activities);
    const open = await schedulesOf(h, c.holds.kind, alice);
    if (c.expect.grant === null) {
      expect(open).toEqual([]);
      return;
    }
    expect(open).toHaveLength(1);
    const grant = open[0]!;
    if (c.expect.grant.same) expect(grant.id).toBe(held.targetScheduleId);
    else expect(grant).toMatchObject({ createdUsing: request.id });
    expect(grant.startAt).toBe(askedAt + offset(c.expect.grant.startsAfter));
    expect(grant.endAt).toBe(grant.startAt + parseDuration(c.expect.grant.lasts));
  });
});
