/**
 * Every request action (docs/guide.md, "Requests") for eligibilities and active assignments, as a
 * table: what exists, how much time passes (the timeline keeping up), the request → its status and
 * exactly the audit events it records; and for future starts, what the timeline does when the start
 * comes.
 */
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/domain/errors.ts';
import type { RequestAction, RequestStatus, ScheduleKind } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import {
  activitiesSince,
  adminAssign,
  auditMark,
  failureOf,
  instancesOf,
  scheduleOf,
  selfActivate,
  stored,
  type Span,
  closeVerifiedAfterEach,
} from '../support/scenario.ts';

const ROLE_ID = ROLE.userAdministrator;

/** What exists before the request, made in order: admins' grants and the user's own activations. */
type Given = { readonly eligible: Span; readonly startIn?: string } | { readonly assigned: Span } | { readonly activated: Span };

interface ActionCase {
  readonly name: string;
  readonly given: readonly Given[];
  /** Time that passes before the request; the timeline runs at its end. */
  readonly wait?: string;
  readonly request: {
    readonly by: 'admin' | 'self';
    readonly kind: ScheduleKind;
    readonly action: RequestAction;
    readonly span?: Span;
    readonly startIn?: string;
  };
  readonly expect: { readonly status: RequestStatus; readonly approval?: true; readonly activities: readonly string[] } | { readonly error: ErrorCode };
  /** Afterwards: the clock moves on, the timeline runs → the request's status and the new events. */
  readonly later?: { readonly wait: string; readonly status: RequestStatus; readonly activities: readonly string[]; readonly inEffect: boolean };
}

const CASES: readonly ActionCase[] = [
  // adminAssign: a new grant, now or later.
  {
    name: 'adminAssign a permanent eligibility',
    given: [],
    request: { by: 'admin', kind: 'eligibility', action: 'adminAssign', span: 'permanent' },
    expect: { status: 'Provisioned', activities: ['Add eligible member to role in PIM completed (permanent)'] },
  },
  {
    name: 'adminAssign a time-bound eligibility',
    given: [],
    request: { by: 'admin', kind: 'eligibility', action: 'adminAssign', span: 'P90D' },
    expect: { status: 'Provisioned', activities: ['Add eligible member to role in PIM completed (timebound)'] },
  },
  {
    name: 'adminAssign a permanent active assignment',
    given: [],
    request: { by: 'admin', kind: 'assignment', action: 'adminAssign', span: 'permanent' },
    expect: { status: 'Provisioned', activities: ['Add member to role in PIM completed (permanent)'] },
  },
  {
    name: 'adminAssign a time-bound active assignment',
    given: [],
    request: { by: 'admin', kind: 'assignment', action: 'adminAssign', span: 'P30D' },
    expect: { status: 'Provisioned', activities: ['Add member to role in PIM completed (timebound)'] },
  },
  {
    name: 'adminAssign an eligibility starting tomorrow: Granted, Provisioned at the start',
    given: [],
    request: { by: 'admin', kind: 'eligibility', action: 'adminAssign', span: 'P30D', startIn: 'P1D' },
    expect: { status: 'Granted', activities: ['Add eligible member to role in PIM completed (timebound)'] },
    later: { wait: 'P1D', status: 'Provisioned', activities: ['Add eligible member to role in PIM completed (scheduled start)'], inEffect: true },
  },
  {
    name: 'adminAssign an active assignment starting tomorrow: Granted, Provisioned at the start',
    given: [],
    request: { by: 'admin', kind: 'assignment', action: 'adminAssign', span: 'PT8H', startIn: 'P1D' },
    expect: { status: 'Granted', activities: ['Add member to role in PIM completed (timebound)'] },
    later: { wait: 'P1D', status: 'Provisioned', activities: ['Add member to role in PIM completed (scheduled start)'], inEffect: true },
  },

  // adminUpdate: a grant's new end (a running grant keeps its start).
  {
    name: 'adminUpdate shortens an active assignment',
    given: [{ assigned: 'P30D' }],
    wait: 'PT1H',
    request: { by: 'admin', kind: 'assignment', action: 'adminUpdate', span: { endIn: 'P10D' } },
    expect: { status: 'Provisioned', activities: ['Update member in role in PIM completed (timebound)'] },
  },
  {
    name: 'adminUpdate makes an active assignment permanent',
    given: [{ assigned: 'P30D' }],
    request: { by: 'admin', kind: 'assignment', action: 'adminUpdate', span: 'permanent' },
    expect: { status: 'Provisioned', activities: ['Update member in role in PIM completed (permanent)'] },
  },
  {
    name: 'adminUpdate time-bounds a permanent eligibility',
    given: [{ eligible: 'permanent' }],
    request: { by: 'admin', kind: 'eligibility', action: 'adminUpdate', span: { endIn: 'P60D' } },
    expect: { status: 'Provisioned', activities: ['Update eligible member in role in PIM completed (timebound)'] },
  },

  // adminRemove: ends a grant now (Revoked is the status Graph gives removals).
  {
    name: 'adminRemove an eligibility',
    given: [{ eligible: 'permanent' }],
    request: { by: 'admin', kind: 'eligibility', action: 'adminRemove' },
    expect: { status: 'Revoked', activities: ['Remove eligible member from role in PIM completed (permanent)'] },
  },
  {
    name: 'adminRemove an active assignment (after its first 5 minutes)',
    given: [{ assigned: 'P30D' }],
    wait: 'PT5M',
    request: { by: 'admin', kind: 'assignment', action: 'adminRemove' },
    expect: { status: 'Revoked', activities: ['Remove member from role in PIM completed (timebound)'] },
  },

  // adminExtend: a later end; afterDuration counts from the grant's start.
  {
    name: 'adminExtend an active assignment',
    given: [{ assigned: 'P30D' }],
    wait: 'P20D',
    request: { by: 'admin', kind: 'assignment', action: 'adminExtend', span: 'P60D' },
    expect: { status: 'Provisioned', activities: ['Extend member role assignment in PIM completed'] },
  },
  {
    name: 'adminExtend an eligibility',
    given: [{ eligible: 'P30D' }],
    wait: 'P20D',
    request: { by: 'admin', kind: 'eligibility', action: 'adminExtend', span: 'P60D' },
    expect: { status: 'Provisioned', activities: ['Extend eligible member role assignment in PIM completed'] },
  },
  {
    name: 'adminExtend a permanent assignment: nothing to extend',
    given: [{ assigned: 'permanent' }],
    request: { by: 'admin', kind: 'assignment', action: 'adminExtend', span: 'P60D' },
    expect: { error: 'Request_BadRequest' },
  },

  // adminRenew: a new grant after one expired.
  {
    name: 'adminRenew an expired active assignment',
    given: [{ assigned: 'P30D' }],
    wait: 'P31D',
    request: { by: 'admin', kind: 'assignment', action: 'adminRenew', span: 'P30D' },
    expect: { status: 'Provisioned', activities: ['Renew member role assignment in PIM completed'] },
  },
  {
    name: 'adminRenew an expired eligibility',
    given: [{ eligible: 'P30D' }],
    wait: 'P90D',
    request: { by: 'admin', kind: 'eligibility', action: 'adminRenew', span: 'P30D' },
    expect: { status: 'Provisioned', activities: ['Renew eligible member role assignment in PIM completed'] },
  },
  {
    name: 'adminRenew a running assignment: extend it instead',
    given: [{ assigned: 'P30D' }],
    request: { by: 'admin', kind: 'assignment', action: 'adminRenew', span: 'P30D' },
    expect: { error: 'RoleAssignmentExists' },
  },

  // selfActivate / selfDeactivate.
  {
    name: 'selfActivate an eligibility',
    given: [{ eligible: 'permanent' }],
    request: { by: 'self', kind: 'assignment', action: 'selfActivate', span: 'PT2H' },
    expect: { status: 'Provisioned', activities: ['Add member to role completed (PIM activation)'] },
  },
  {
    name: 'selfActivate in an hour: Granted, Provisioned at the start',
    given: [{ eligible: 'permanent' }],
    request: { by: 'self', kind: 'assignment', action: 'selfActivate', span: 'PT2H', startIn: 'PT1H' },
    expect: { status: 'Granted', activities: ['Add member to role completed (PIM activation)'] },
    later: { wait: 'PT1H', status: 'Provisioned', activities: ['Add member to role completed (PIM activation starts)'], inEffect: true },
  },
  {
    name: 'selfActivate with no eligibility',
    given: [],
    request: { by: 'self', kind: 'assignment', action: 'selfActivate', span: 'PT2H' },
    expect: { error: 'RoleAssignmentDoesNotExist' },
  },
  {
    name: 'selfDeactivate an activation (after its first 5 minutes)',
    given: [{ eligible: 'permanent' }, { activated: 'PT2H' }],
    wait: 'PT5M',
    request: { by: 'self', kind: 'assignment', action: 'selfDeactivate' },
    expect: { status: 'Revoked', activities: ['Remove member from role completed (PIM deactivate)'] },
  },
  {
    name: 'selfDeactivate an admin-given assignment: only activations can be',
    given: [{ assigned: 'P30D' }],
    wait: 'PT5M',
    request: { by: 'self', kind: 'assignment', action: 'selfDeactivate' },
    expect: { error: 'RoleAssignmentDoesNotExist' },
  },
  {
    name: "selfDeactivate (give up) one's own eligibility",
    given: [{ eligible: 'permanent' }],
    request: { by: 'self', kind: 'eligibility', action: 'selfDeactivate' },
    expect: { status: 'Revoked', activities: ['Remove eligible member from role completed (PIM deactivate)'] },
  },

  // selfExtend: only in the last 14 days; an admin must approve.
  {
    name: 'selfExtend an assignment with exactly 14 days left',
    given: [{ assigned: 'P30D' }],
    wait: 'P16D',
    request: { by: 'self', kind: 'assignment', action: 'selfExtend', span: 'P60D' },
    expect: { status: 'PendingApproval', approval: true, activities: ['Extend member role assignment requested'] },
  },
  {
    name: 'selfExtend an assignment with 14 days and 1 s left',
    given: [{ assigned: 'P30D' }],
    wait: 'P15DT23H59M59S',
    request: { by: 'self', kind: 'assignment', action: 'selfExtend', span: 'P60D' },
    expect: { error: 'ExtendWindowNotOpen' },
  },
  {
    name: 'selfExtend an eligibility with 10 days left',
    given: [{ eligible: 'P30D' }],
    wait: 'P20D',
    request: { by: 'self', kind: 'eligibility', action: 'selfExtend', span: 'P60D' },
    expect: { status: 'PendingApproval', approval: true, activities: ['Extend eligible member role assignment requested'] },
  },
  {
    name: 'selfExtend a permanent assignment',
    given: [{ assigned: 'permanent' }],
    request: { by: 'self', kind: 'assignment', action: 'selfExtend', span: 'P60D' },
    expect: { error: 'ExtendWindowNotOpen' },
  },

  // selfRenew: up to 30 days after the end; an admin must approve.
  {
    name: 'selfRenew an assignment exactly 30 days after it expired',
    given: [{ assigned: 'P30D' }],
    wait: 'P60D',
    request: { by: 'self', kind: 'assignment', action: 'selfRenew', span: 'P30D' },
    expect: { status: 'PendingApproval', approval: true, activities: ['Renew member role assignment requested'] },
  },
  {
    name: 'selfRenew an assignment 30 days and 1 s after it expired',
    given: [{ assigned: 'P30D' }],
    wait: 'P60DT1S',
    request: { by: 'self', kind: 'assignment', action: 'selfRenew', span: 'P30D' },
    expect: { error: 'RenewWindowClosed' },
  },
  {
    name: 'selfRenew an eligibility a day after it expired',
    given: [{ eligible: 'P30D' }],
    wait: 'P31D',
    request: { by: 'self', kind: 'eligibility', action: 'selfRenew', span: 'P30D' },
    expect: { status: 'PendingApproval', approval: true, activities: ['Renew eligible member role assignment requested'] },
  },
  {
    name: 'selfRenew a running assignment: extend it instead',
    given: [{ assigned: 'P30D' }],
    request: { by: 'self', kind: 'assignment', action: 'selfRenew', span: 'P30D' },
    expect: { error: 'RoleAssignmentExists' },
  },
];

describe.each(TEST_DATABASES)('request actions on $name', (db) => {
  let h: Harness;
  closeVerifiedAfterEach(() => h);

  it.each(CASES)('$name', async (c) => {
    h = await openHarness(db);
    const alice = await h.user('alice@contoso.test');
    for (const g of c.given) {
      if ('eligible' in g) await adminAssign(h, 'eligibility', alice, ROLE_ID, g.eligible, g.startIn);
      else if ('assigned' in g) await adminAssign(h, 'assignment', alice, ROLE_ID, g.assigned);
      else await selfActivate(h, alice, ROLE_ID, g.activated);
    }
    if (c.wait) {
      h.clock.advance(c.wait);
      await h.tick();
    }
    const mark = await auditMark(h);
    const { by, kind, action, span = 'unspecified', startIn } = c.request;
    const caller = by === 'admin' ? h.admin : await h.caller(alice);
    const submitting = h.submit(caller, { kind, action, principalId: alice.id, roleDefinitionId: ROLE_ID, scheduleInfo: scheduleOf(h, span, startIn) });

    if ('error' in c.expect) {
      expect((await failureOf(submitting)).code).toBe(c.expect.error);
      expect(await activitiesSince(h, mark)).toEqual([]);
      return;
    }
    const request = await submitting;
    expect(request.status).toBe(c.expect.status);
    expect(await stored(h, request)).toEqual(request);
    expect(request.approvalId !== null).toBe(c.expect.approval ?? false);
    expect(await activitiesSince(h, mark)).toEqual(c.expect.activities);

    if (c.later) {
      expect(await instancesOf(h, kind, alice)).toEqual([]);
      const laterMark = await auditMark(h);
      h.clock.advance(c.later.wait);
      await h.tick();
      expect((await stored(h, request)).status).toBe(c.later.status);
      expect(await activitiesSince(h, laterMark)).toEqual(c.later.activities);
      expect((await instancesOf(h, kind, alice)).map((s) => s.id)).toEqual(c.later.inEffect ? [request.targetScheduleId] : []);
    }
  });
});
