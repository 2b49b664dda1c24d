/**
 * Time, to the millisecond (docs/architecture.md, "Time"): a grant is in effect up to its end and
 * not at it — access checks and listings compare with the clock themselves, before the timeline has
 * run. The timeline then records each ending exactly once, however often it runs or whoever meets
 * the expiry first; pending requests time out the same way.
 */
import { describe, expect, it } from 'vitest';
import type { Principal, ScheduleKind, ScheduleRequest } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { DAY, HOUR } from '../../src/domain/time.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import {
  activitiesSince,
  adminAssign,
  auditMark,
  failureOf,
  instancesOf,
  requireApproval,
  rolesHeld,
  scheduleOf,
  schedulesOf,
  selfActivate,
  stored,
  closeVerifiedAfterEach,
} from '../support/scenario.ts';

const ROLE_ID = ROLE.userAdministrator;

interface ExpiryCase {
  readonly grant: 'activation' | 'active assignment' | 'eligibility';
  readonly kind: ScheduleKind;
  /** The one event the timeline records at the end. */
  readonly activity: string;
}

const EXPIRIES: readonly ExpiryCase[] = [
  { grant: 'activation', kind: 'assignment', activity: 'Remove member from role (PIM activation expired)' },
  { grant: 'active assignment', kind: 'assignment', activity: 'Remove member from role in PIM (assignment expired)' },
  { grant: 'eligibility', kind: 'eligibility', activity: 'Remove eligible member from role in PIM (expired)' },
];

/** Makes the grant, lasting one hour from now. */
async function grant(h: Harness, alice: Principal, c: ExpiryCase): Promise<ScheduleRequest> {
  if (c.grant === 'active assignment') return adminAssign(h, 'assignment', alice, ROLE_ID, 'PT1H');
  if (c.grant === 'eligibility') return adminAssign(h, 'eligibility', alice, ROLE_ID, 'PT1H');
  await adminAssign(h, 'eligibility', alice, ROLE_ID);
  return selfActivate(h, alice, ROLE_ID, 'PT1H');
}

describe.each(TEST_DATABASES)('expiry and the timeline on $name', (db) => {
  let h: Harness;
  let alice: Principal;
  closeVerifiedAfterEach(() => h);
  const open = async () => {
    h = await openHarness(db);
    alice = await h.user('alice@contoso.test');
  };

  it.each(EXPIRIES)('an $grant ends at its exact end instant, and the timeline records it once', async (c) => {
    await open();
    const request = await grant(h, alice, c);
    const end = h.clock.now() + HOUR;
    const scheduleId = request.targetScheduleId!;
    const grantsRole = c.kind === 'assignment';

    h.clock.set(end - 1);
    expect(await rolesHeld(h, alice)).toEqual(grantsRole ? [ROLE_ID] : []);
    expect((await instancesOf(h, c.kind, alice)).map((s) => s.id)).toEqual([scheduleId]);

    h.clock.set(end);
    expect(await rolesHeld(h, alice)).toEqual([]);
    expect(await instancesOf(h, c.kind, alice)).toEqual([]);
    expect(await schedulesOf(h, c.kind, alice)).toEqual([]);
    if (c.kind === 'eligibility') expect((await failureOf(selfActivate(h, alice, ROLE_ID))).code).toBe('RoleAssignmentDoesNotExist');
    // All of that came from comparing times: the timeline has not touched the schedule yet.
    expect(await h.store.read.schedules.get(h.tenantId, scheduleId)).toMatchObject({ closed: false });

    const mark = await auditMark(h);
    expect(await h.tick()).toBe(1);
    expect(await activitiesSince(h, mark)).toEqual([c.activity]);
    expect(await h.store.read.schedules.get(h.tenantId, scheduleId)).toMatchObject({ closed: true, closeReason: 'expired', closedAt: end });
    expect(await h.tick()).toBe(0);
    h.clock.advance('P1D');
    expect(await h.tick()).toBe(0);
    expect(await activitiesSince(h, mark)).toEqual([c.activity]);
  });

  it('whoever meets an expiry first records it: a re-activation at the end instant expires the old one inline, and the timeline adds nothing', async () => {
    await open();
    await adminAssign(h, 'eligibility', alice, ROLE_ID);
    const first = await selfActivate(h, alice, ROLE_ID, 'PT1H');
    h.clock.advance('PT1H');
    const mark = await auditMark(h);
    const second = await selfActivate(h, alice, ROLE_ID, 'PT1H');
    expect(second.status).toBe('Provisioned');
    expect(await activitiesSince(h, mark)).toEqual(['Remove member from role (PIM activation expired)', 'Add member to role completed (PIM activation)']);
    expect(await h.store.read.schedules.get(h.tenantId, first.targetScheduleId!)).toMatchObject({ closed: true, closeReason: 'expired' });
    expect(await h.tick()).toBe(0);
    expect(await activitiesSince(h, mark)).toHaveLength(2);
  });

  it('an expiring eligibility takes its activation with it, each recorded once', async () => {
    await open();
    await adminAssign(h, 'eligibility', alice, ROLE_ID, 'PT2H');
    const activation = await selfActivate(h, alice, ROLE_ID, 'PT8H');
    h.clock.advance('PT2H');
    expect(await rolesHeld(h, alice)).toEqual([]);
    const mark = await auditMark(h);
    await h.tick();
    expect(await activitiesSince(h, mark)).toEqual(['Remove eligible member from role in PIM (expired)', 'Remove member from role (PIM eligibility ended)']);
    expect(await h.store.read.schedules.get(h.tenantId, activation.targetScheduleId!)).toMatchObject({ closed: true, closeReason: 'sourceEnded' });
    expect(await h.tick()).toBe(0);
  });

  it('an expiring eligibility cancels the pending request to activate it', async () => {
    await open();
    await adminAssign(h, 'eligibility', alice, ROLE_ID, 'PT2H');
    await requireApproval(h, ROLE_ID);
    const pending = await selfActivate(h, alice, ROLE_ID, 'PT1H');
    h.clock.advance('PT2H');
    const mark = await auditMark(h);
    await h.tick();
    expect(await activitiesSince(h, mark)).toEqual(['Remove eligible member from role in PIM (expired)', 'Cancel request for role in PIM (eligibility ended)']);
    expect((await stored(h, pending)).status).toBe('Canceled');
    h.clock.advance('P1D');
    expect(await h.tick()).toBe(0);
  });

  it('a timeline item delivered twice (a crash after commit, two nodes) changes nothing the second time', async () => {
    await open();
    await adminAssign(h, 'eligibility', alice, ROLE_ID);
    const activation = await selfActivate(h, alice, ROLE_ID, 'PT1H');
    const future = await adminAssign(h, 'assignment', alice, ROLE.helpdeskAdministrator, 'PT1H', 'PT30M');
    h.clock.advance('PT1H');
    const mark = await auditMark(h);
    expect(await h.tick()).toBe(2);
    const once = await activitiesSince(h, mark);
    expect(once).toEqual(['Add member to role in PIM completed (scheduled start)', 'Remove member from role (PIM activation expired)']);

    await h.store.run(async (tx) => {
      await tx.timeline.schedule(h.tenantId, 'scheduleEnd', activation.targetScheduleId!, h.clock.now());
      await tx.timeline.schedule(h.tenantId, 'scheduleStart', future.targetScheduleId!, h.clock.now());
    });
    expect(await h.tick()).toBe(2);
    expect(await activitiesSince(h, mark)).toEqual(once);
  });

  const PENDING: readonly { name: string; make: (h: Harness, alice: Principal) => Promise<ScheduleRequest> }[] = [
    {
      name: 'an activation awaiting approval',
      make: async (h, alice) => {
        await adminAssign(h, 'eligibility', alice, ROLE_ID);
        await requireApproval(h, ROLE_ID);
        return selfActivate(h, alice, ROLE_ID, 'PT1H');
      },
    },
    {
      name: 'a selfExtend awaiting an admin',
      make: async (h, alice) => {
        await adminAssign(h, 'assignment', alice, ROLE_ID, 'P10D');
        return h.submit(await h.caller(alice), { action: 'selfExtend', principalId: alice.id, roleDefinitionId: ROLE_ID, scheduleInfo: scheduleOf(h, 'P30D') });
      },
    },
    {
      name: 'a selfRenew awaiting an admin',
      make: async (h, alice) => {
        await adminAssign(h, 'eligibility', alice, ROLE_ID, 'P10D');
        h.clock.advance('P11D');
        await h.tick();
        return h.submit(await h.caller(alice), {
          kind: 'eligibility',
          action: 'selfRenew',
          principalId: alice.id,
          roleDefinitionId: ROLE_ID,
          scheduleInfo: scheduleOf(h, 'P30D'),
        });
      },
    },
  ];

  it.each(PENDING)('$name times out after a day, once', async ({ make }) => {
    await open();
    const pending = await make(h, alice);
    expect(pending.status).toBe('PendingApproval');
    const asked = h.clock.now();
    h.clock.set(asked + DAY - 1);
    await h.tick();
    expect((await stored(h, pending)).status).toBe('PendingApproval');
    h.clock.set(asked + DAY);
    const mark = await auditMark(h);
    await h.tick();
    expect(await stored(h, pending)).toMatchObject({ status: 'TimedOut', completedAt: asked + DAY });
    expect(await activitiesSince(h, mark)).toEqual(['PIM activation request expired']);
    await h.tick();
    expect(await activitiesSince(h, mark)).toHaveLength(1);
  });
});
