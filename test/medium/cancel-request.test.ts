/**
 * Canceling a request (Graph: POST …/{id}/cancel) as a table: only a request still waiting for a
 * decision, or granted with a start still to come, can be canceled — by its requester or an admin.
 * A canceled request never times out and a canceled future grant never starts.
 */
import { describe, expect, it } from 'vitest';
import { cancelRequest } from '../../src/app/requests/cancel-request.ts';
import type { ErrorCode } from '../../src/domain/errors.ts';
import type { Principal, ScheduleRequest } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import {
  activitiesSince,
  adminAssign,
  auditMark,
  failureOf,
  requireApproval,
  scheduleOf,
  schedulesOf,
  selfActivate,
  stored,
  closeVerifiedAfterEach,
} from '../support/scenario.ts';

const ROLE_ID = ROLE.userAdministrator;

interface CancelCase {
  readonly name: string;
  /** Makes the request to cancel (for alice). */
  readonly request: (h: Harness, alice: Principal) => Promise<ScheduleRequest>;
  /** Time that passes before canceling; the timeline does NOT run. */
  readonly wait?: string;
  readonly by: 'requester' | 'admin' | 'another user';
  readonly expect: { readonly canceled: true } | { readonly error: ErrorCode };
}

const pendingActivation = async (h: Harness, alice: Principal) => {
  await requireApproval(h, ROLE_ID);
  await adminAssign(h, 'eligibility', alice, ROLE_ID);
  return selfActivate(h, alice, ROLE_ID, 'PT2H');
};
const pendingExtension = async (h: Harness, alice: Principal) => {
  await adminAssign(h, 'assignment', alice, ROLE_ID, 'P10D');
  return h.submit(await h.caller(alice), { action: 'selfExtend', principalId: alice.id, roleDefinitionId: ROLE_ID, scheduleInfo: scheduleOf(h, 'P30D') });
};
const assignmentTomorrow = (h: Harness, alice: Principal) => adminAssign(h, 'assignment', alice, ROLE_ID, 'PT8H', 'P1D');
const activationInAnHour = async (h: Harness, alice: Principal) => {
  await adminAssign(h, 'eligibility', alice, ROLE_ID);
  return selfActivate(h, alice, ROLE_ID, 'PT2H', 'PT1H');
};
const runningActivation = async (h: Harness, alice: Principal) => {
  await adminAssign(h, 'eligibility', alice, ROLE_ID);
  return selfActivate(h, alice, ROLE_ID, 'PT2H');
};

const CASES: readonly CancelCase[] = [
  { name: 'a pending activation, by its requester', request: pendingActivation, by: 'requester', expect: { canceled: true } },
  { name: 'a pending activation, by an admin', request: pendingActivation, by: 'admin', expect: { canceled: true } },
  { name: 'a pending selfExtend, by its requester', request: pendingExtension, by: 'requester', expect: { canceled: true } },
  { name: 'an assignment granted to start tomorrow, by an admin', request: assignmentTomorrow, by: 'admin', expect: { canceled: true } },
  { name: 'an assignment granted to start tomorrow, by its holder', request: assignmentTomorrow, by: 'requester', expect: { canceled: true } },
  {
    name: 'an activation granted to start in an hour, 1 s before it starts',
    request: activationInAnHour,
    wait: 'PT59M59S',
    by: 'requester',
    expect: { canceled: true },
  },
  {
    name: 'an activation granted to start in an hour, once the hour has come (before the timeline ran)',
    request: activationInAnHour,
    wait: 'PT1H',
    by: 'requester',
    expect: { error: 'RequestCannotBeCanceled' },
  },
  { name: 'a provisioned activation', request: runningActivation, by: 'requester', expect: { error: 'RequestCannotBeCanceled' } },
  { name: 'a provisioned activation, by an admin', request: runningActivation, by: 'admin', expect: { error: 'RequestCannotBeCanceled' } },
  {
    name: "someone else's pending activation, by a non-admin (not even visible)",
    request: pendingActivation,
    by: 'another user',
    expect: { error: 'Request_ResourceNotFound' },
  },
];

describe.each(TEST_DATABASES)('canceling requests on $name', (db) => {
  let h: Harness;
  closeVerifiedAfterEach(() => h);

  it.each(CASES)('$name', async (c) => {
    h = await openHarness(db);
    const alice = await h.user('alice@contoso.test');
    const request = await c.request(h, alice);
    if (c.wait) h.clock.advance(c.wait);
    const caller = c.by === 'admin' ? h.admin : await h.caller(c.by === 'requester' ? alice : await h.user('mallory@contoso.test'));
    const mark = await auditMark(h);
    const canceling = cancelRequest(h.deps, caller, request.kind, request.id);

    if ('error' in c.expect) {
      expect((await failureOf(canceling)).code).toBe(c.expect.error);
      expect(await stored(h, request)).toEqual(request);
      expect(await activitiesSince(h, mark)).toEqual([]);
      return;
    }
    expect((await canceling).status).toBe('Canceled');
    expect((await stored(h, request)).status).toBe('Canceled');
    expect(await activitiesSince(h, mark)).toEqual(['Cancel request for role in PIM completed']);
    // A granted future schedule is withdrawn with its request.
    expect((await schedulesOf(h, request.kind, alice)).map((s) => s.createdUsing)).not.toContain(request.id);

    // Later, nothing happens to it: no timeout, no start.
    const later = await auditMark(h);
    h.clock.advance('P2D');
    await h.tick();
    expect((await stored(h, request)).status).toBe('Canceled');
    expect(await activitiesSince(h, later)).toEqual([]);
    expect(await failureOf(cancelRequest(h.deps, caller, request.kind, request.id))).toMatchObject({ code: 'RequestCannotBeCanceled' });
  });
});
