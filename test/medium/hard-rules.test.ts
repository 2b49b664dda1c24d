/**
 * Rules that hold whatever the policy says (docs/guide.md, "Rules that always hold"): the
 * five-minute floor, one activation at a time, activations bound to their eligibility (capped at
 * its end, ended and canceled with it), and dry runs that change nothing.
 */
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/domain/errors.ts';
import type { Principal, RequestAction, ScheduleKind, ScheduleRequest } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { HOUR, parseDuration } from '../../src/domain/time.ts';
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
  rowCounts,
  scheduleOf,
  schedulesOf,
  selfActivate,
  stored,
  type Span,
  closeVerifiedAfterEach,
} from '../support/scenario.ts';

const ROLE_ID = ROLE.userAdministrator;

describe.each(TEST_DATABASES)('hard rules on $name', (db) => {
  let h: Harness;
  let alice: Principal;
  closeVerifiedAfterEach(() => h);
  const open = async () => {
    h = await openHarness(db);
    alice = await h.user('alice@contoso.test');
  };

  // Nothing lasts less than 5 minutes, whatever the policy's maximum.
  const SHORT: readonly { kind: ScheduleKind; action: RequestAction; span: Span; expect: 'Provisioned' | ErrorCode }[] = [
    { kind: 'assignment', action: 'selfActivate', span: 'PT4M59S', expect: 'RoleAssignmentRequestPolicyValidationFailed' },
    { kind: 'assignment', action: 'selfActivate', span: 'PT5M', expect: 'Provisioned' },
    { kind: 'eligibility', action: 'adminAssign', span: 'PT4M', expect: 'RoleAssignmentRequestPolicyValidationFailed' },
    { kind: 'assignment', action: 'adminAssign', span: 'PT4M', expect: 'RoleAssignmentRequestPolicyValidationFailed' },
    { kind: 'assignment', action: 'adminAssign', span: 'PT5M', expect: 'Provisioned' },
  ];
  it.each(SHORT)('$action of a $kind lasting $span → $expect', async (c) => {
    await open();
    if (c.action === 'selfActivate') await adminAssign(h, 'eligibility', alice, ROLE_ID);
    const caller = c.action === 'selfActivate' ? await h.caller(alice) : h.admin;
    const submitting = h.submit(caller, {
      kind: c.kind,
      action: c.action,
      principalId: alice.id,
      roleDefinitionId: ROLE_ID,
      scheduleInfo: scheduleOf(h, c.span),
    });
    if (c.expect === 'Provisioned') return expect((await submitting).status).toBe('Provisioned');
    const failure = await failureOf(submitting);
    expect(failure).toMatchObject({ code: c.expect, details: { failedRules: ['ExpirationRule'] } });
    expect(failure.message).toContain('at least PT5M');
  });

  // An active grant can't be ended in its first 5 minutes; eligibilities and grants not yet started can.
  const ENDING: readonly {
    grant: 'activation' | 'admin assignment' | 'eligibility' | 'assignment starting tomorrow';
    by: 'selfDeactivate' | 'adminRemove';
    after: string;
    expect: 'Revoked' | ErrorCode;
  }[] = [
    { grant: 'activation', by: 'selfDeactivate', after: 'PT0S', expect: 'ActiveDurationTooShort' },
    { grant: 'activation', by: 'selfDeactivate', after: 'PT4M59S', expect: 'ActiveDurationTooShort' },
    { grant: 'activation', by: 'selfDeactivate', after: 'PT5M', expect: 'Revoked' },
    { grant: 'activation', by: 'adminRemove', after: 'PT4M59S', expect: 'ActiveDurationTooShort' },
    { grant: 'activation', by: 'adminRemove', after: 'PT5M', expect: 'Revoked' },
    { grant: 'admin assignment', by: 'adminRemove', after: 'PT4M59S', expect: 'ActiveDurationTooShort' },
    { grant: 'admin assignment', by: 'adminRemove', after: 'PT5M', expect: 'Revoked' },
    { grant: 'eligibility', by: 'adminRemove', after: 'PT0S', expect: 'Revoked' },
    { grant: 'assignment starting tomorrow', by: 'adminRemove', after: 'PT0S', expect: 'Revoked' },
  ];
  it.each(ENDING)('$by of an $grant after $after → $expect', async (c) => {
    await open();
    const kind: ScheduleKind = c.grant === 'eligibility' ? 'eligibility' : 'assignment';
    if (c.grant === 'activation' || c.grant === 'eligibility') await adminAssign(h, 'eligibility', alice, ROLE_ID);
    if (c.grant === 'activation') await selfActivate(h, alice, ROLE_ID, 'PT2H');
    if (c.grant === 'admin assignment') await adminAssign(h, 'assignment', alice, ROLE_ID, 'P30D');
    if (c.grant === 'assignment starting tomorrow') await adminAssign(h, 'assignment', alice, ROLE_ID, 'P30D', 'P1D');
    h.clock.advance(c.after);
    const caller = c.by === 'selfDeactivate' ? await h.caller(alice) : h.admin;
    const ending = h.submit(caller, { kind, action: c.by, principalId: alice.id, roleDefinitionId: ROLE_ID });
    if (c.expect === 'Revoked') {
      expect((await ending).status).toBe('Revoked');
      expect(await schedulesOf(h, kind, alice)).toEqual([]);
      return;
    }
    const failure = await failureOf(ending);
    expect(failure.code).toBe(c.expect);
    expect(failure.details.retryAfterSeconds).toBe(Math.ceil((5 * 60_000 - parseDuration(c.after)) / 1000));
    expect(await instancesOf(h, kind, alice)).toHaveLength(1);
  });

  // One activation (indeed one open grant) per principal, role, scope and kind.
  const ONE_AT_A_TIME: readonly {
    name: string;
    first: (h: Harness, p: Principal) => Promise<unknown>;
    second: (h: Harness, p: Principal) => Promise<unknown>;
    expect: 'ok' | ErrorCode;
  }[] = [
    {
      name: 'a second activation while one is in effect',
      first: (h, p) => selfActivate(h, p, ROLE_ID),
      second: (h, p) => selfActivate(h, p, ROLE_ID),
      expect: 'RoleAssignmentExists',
    },
    {
      name: 'a second activation while one is granted for later',
      first: (h, p) => selfActivate(h, p, ROLE_ID, 'PT1H', 'PT2H'),
      second: (h, p) => selfActivate(h, p, ROLE_ID),
      expect: 'RoleAssignmentExists',
    },
    {
      name: 'an admin assignment while an activation is in effect',
      first: (h, p) => selfActivate(h, p, ROLE_ID),
      second: (h, p) => adminAssign(h, 'assignment', p, ROLE_ID, 'P1D'),
      expect: 'RoleAssignmentExists',
    },
    {
      name: 'a second eligibility',
      first: () => Promise.resolve(),
      second: (h, p) => adminAssign(h, 'eligibility', p, ROLE_ID),
      expect: 'RoleAssignmentExists',
    },
    {
      name: 'an activation after deactivating the first',
      first: async (h, p) => {
        await selfActivate(h, p, ROLE_ID);
        h.clock.advance('PT5M');
        await h.submit(await h.caller(p), { action: 'selfDeactivate', principalId: p.id, roleDefinitionId: ROLE_ID });
      },
      second: (h, p) => selfActivate(h, p, ROLE_ID),
      expect: 'ok',
    },
  ];
  it.each(ONE_AT_A_TIME)('$name → $expect', async (c) => {
    await open();
    await adminAssign(h, 'eligibility', alice, ROLE_ID);
    await c.first(h, alice);
    if (c.expect === 'ok') return expect(await c.second(h, alice)).toMatchObject({ status: 'Provisioned' });
    expect((await failureOf(c.second(h, alice))).code).toBe(c.expect);
  });

  it('removing an eligibility ends its activation at once, audited as such', async () => {
    await open();
    await adminAssign(h, 'eligibility', alice, ROLE_ID);
    const activation = await selfActivate(h, alice, ROLE_ID, 'PT2H');
    const mark = await auditMark(h);
    await h.submit(h.admin, { kind: 'eligibility', action: 'adminRemove', principalId: alice.id, roleDefinitionId: ROLE_ID });
    expect(await activitiesSince(h, mark)).toEqual([
      'Remove eligible member from role in PIM completed (permanent)',
      'Remove member from role (PIM eligibility ended)',
    ]);
    expect(await instancesOf(h, 'assignment', alice)).toEqual([]);
    expect(await rolesHeld(h, alice)).toEqual([]);
    expect(await h.store.read.schedules.get(h.tenantId, activation.targetScheduleId!)).toMatchObject({ closed: true, closeReason: 'sourceEnded' });
    // Its end is no longer on the timeline.
    h.clock.advance('PT2H');
    expect(await h.tick()).toBe(0);
  });

  it('removing an eligibility cancels a pending activation request', async () => {
    await open();
    await adminAssign(h, 'eligibility', alice, ROLE_ID);
    await requireApproval(h, ROLE_ID);
    const pending = await selfActivate(h, alice, ROLE_ID, 'PT2H');
    const mark = await auditMark(h);
    await h.submit(h.admin, { kind: 'eligibility', action: 'adminRemove', principalId: alice.id, roleDefinitionId: ROLE_ID });
    expect(await activitiesSince(h, mark)).toEqual([
      'Remove eligible member from role in PIM completed (permanent)',
      'Cancel request for role in PIM (eligibility ended)',
    ]);
    expect((await stored(h, pending)).status).toBe('Canceled');
    h.clock.advance('P2D');
    expect(await h.tick()).toBe(0);
    expect((await stored(h, pending)).status).toBe('Canceled');
  });

  it('removing an eligibility cancels an activation granted for later: its request is Canceled and it never starts', async () => {
    await open();
    await adminAssign(h, 'eligibility', alice, ROLE_ID);
    const future = await selfActivate(h, alice, ROLE_ID, 'PT2H', 'PT1H');
    expect(future.status).toBe('Granted');
    const mark = await auditMark(h);
    await h.submit(h.admin, { kind: 'eligibility', action: 'adminRemove', principalId: alice.id, roleDefinitionId: ROLE_ID });
    expect(await activitiesSince(h, mark)).toEqual([
      'Remove eligible member from role in PIM completed (permanent)',
      'Cancel request for role in PIM (eligibility ended)',
    ]);
    expect((await stored(h, future)).status).toBe('Canceled');
    expect(await schedulesOf(h, 'assignment', alice)).toEqual([]);
    h.clock.advance('PT1H');
    expect(await h.tick()).toBe(0);
    expect(await rolesHeld(h, alice)).toEqual([]);
  });

  it('an activation never outlives its eligibility', async () => {
    await open();
    const start = h.clock.now();
    await adminAssign(h, 'eligibility', alice, ROLE_ID, 'PT6H');
    const whole = await selfActivate(h, alice, ROLE_ID, 'PT8H');
    expect(await h.store.read.schedules.get(h.tenantId, whole.targetScheduleId!)).toMatchObject({ startAt: start, endAt: start + 6 * HOUR });

    h.clock.advance('PT5H');
    await h.submit(h.admin, { action: 'adminRemove', principalId: alice.id, roleDefinitionId: ROLE_ID });
    const tail = await selfActivate(h, alice, ROLE_ID, 'PT2H');
    expect(await h.store.read.schedules.get(h.tenantId, tail.targetScheduleId!)).toMatchObject({ endAt: start + 6 * HOUR });

    // With under 5 minutes of eligibility left, there is nothing to activate.
    h.clock.set(start + 6 * HOUR - 4 * 60_000);
    await h.submit(h.admin, { action: 'adminRemove', principalId: alice.id, roleDefinitionId: ROLE_ID });
    expect(await failureOf(selfActivate(h, alice, ROLE_ID, 'PT1H'))).toMatchObject({ details: { failedRules: ['ExpirationRule'] } });
  });

  it('shortening an eligibility shortens its running activation: access ends with the eligibility, before the timeline runs', async () => {
    await open();
    const start = h.clock.now();
    await adminAssign(h, 'eligibility', alice, ROLE_ID, 'P1D');
    await selfActivate(h, alice, ROLE_ID, 'PT8H');
    const updating = await auditMark(h);
    await h.submit(h.admin, {
      kind: 'eligibility',
      action: 'adminUpdate',
      principalId: alice.id,
      roleDefinitionId: ROLE_ID,
      scheduleInfo: scheduleOf(h, { endIn: 'PT2H' }),
    });
    expect(await activitiesSince(h, updating)).toEqual([
      'Update eligible member in role in PIM completed (timebound)',
      'Update member in role (PIM eligibility shortened)',
    ]);
    h.clock.set(start + 2 * HOUR - 1);
    expect(await rolesHeld(h, alice)).toEqual([ROLE_ID]);
    h.clock.set(start + 2 * HOUR);
    expect(await rolesHeld(h, alice)).toEqual([]);
    expect(await instancesOf(h, 'assignment', alice)).toEqual([]);
    const mark = await auditMark(h);
    await h.tick();
    const ended = await activitiesSince(h, mark);
    expect(ended).toEqual(['Remove eligible member from role in PIM (expired)', 'Remove member from role (PIM eligibility ended)']);
    expect(await h.tick()).toBe(0);
  });

  describe('isValidationOnly: reports what would happen, stores nothing', () => {
    const dryRun = (caller: Parameters<Harness['submit']>[0], input: Partial<Parameters<Harness['submit']>[1]> & Pick<ScheduleRequest, 'action'>) =>
      h.submit(caller, { principalId: alice.id, roleDefinitionId: ROLE_ID, isValidationOnly: true, ...input });

    it('an activation that would succeed', async () => {
      await open();
      await adminAssign(h, 'eligibility', alice, ROLE_ID);
      const before = await rowCounts(h);
      const result = await dryRun(await h.caller(alice), { action: 'selfActivate', scheduleInfo: scheduleOf(h, 'PT1H') });
      expect(result).toMatchObject({ status: 'Provisioned', isValidationOnly: true });
      expect(await rowCounts(h)).toEqual(before);
      expect(await h.store.read.requests.get(h.tenantId, 'assignment', result.id)).toBeNull();
      expect(await rolesHeld(h, alice)).toEqual([]);
      expect((await selfActivate(h, alice, ROLE_ID)).status).toBe('Provisioned');
    });

    it('an admin assignment that would succeed, and one that would wait for approval', async () => {
      await open();
      await requireApproval(h, ROLE_ID);
      const before = await rowCounts(h);
      expect(await dryRun(h.admin, { kind: 'eligibility', action: 'adminAssign' })).toMatchObject({ status: 'Provisioned' });
      expect(await rowCounts(h)).toEqual(before);
      await adminAssign(h, 'eligibility', alice, ROLE_ID);
      const eligible = await rowCounts(h);
      expect(await dryRun(await h.caller(alice), { action: 'selfActivate' })).toMatchObject({ status: 'PendingApproval' });
      expect(await rowCounts(h)).toEqual(eligible);
      expect((await selfActivate(h, alice, ROLE_ID)).status).toBe('PendingApproval');
    });

    it('a request that would fail still reports every failing rule', async () => {
      await open();
      await adminAssign(h, 'eligibility', alice, ROLE_ID);
      const before = await rowCounts(h);
      const failure = await failureOf(
        dryRun(await h.caller(alice, { mfa: false }), { action: 'selfActivate', justification: null, scheduleInfo: scheduleOf(h, 'PT9H') }),
      );
      expect(failure).toMatchObject({
        code: 'RoleAssignmentRequestPolicyValidationFailed',
        details: { failedRules: ['ExpirationRule', 'JustificationRule', 'MfaRule'] },
      });
      expect((await failureOf(dryRun(h.admin, { kind: 'eligibility', action: 'adminAssign' }))).code).toBe('RoleAssignmentExists');
      expect(await rowCounts(h)).toEqual(before);
    });

    it('even an expiry it meets on the way is not recorded', async () => {
      await open();
      await adminAssign(h, 'eligibility', alice, ROLE_ID);
      await selfActivate(h, alice, ROLE_ID, 'PT1H');
      h.clock.advance('PT1H');
      const before = await rowCounts(h);
      expect(await dryRun(await h.caller(alice), { action: 'selfActivate' })).toMatchObject({ status: 'Provisioned' });
      expect(await rowCounts(h)).toEqual(before);
    });
  });
});
