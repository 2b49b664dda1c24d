/**
 * The expired collections (GET /openpim/…/expired*Schedules): what ran out by its time in the last
 * 30 days and may be renewed — eligibilities and assigned assignments, directory roles and PIM for
 * Groups, whether or not the timeline has closed them — and nothing else: not an activation, not a
 * removal, not what was granted again since, not what ended more than 30 days ago. Each row can be
 * renewed with selfRenew; once it is, it leaves the list. On both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { json, openHttpHarness, type HttpHarness } from '../support/http-harness.ts';
import { decide, groupWith } from '../support/scenario.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ROLES = '/openpim/roleManagement/directory';
const GROUPS = '/openpim/identityGovernance/privilegedAccess/group';
const MINE = "filterByCurrentUser(on='principal')";
const DAY = 86_400_000;
const forDays = (days: number) => ({ startDateTime: null, expiration: { type: 'afterDuration' as const, duration: `P${days}D` } });

describe.each(TEST_DATABASES)('expired schedules on $name', (db) => {
  let api: HttpHarness;
  let alice: Principal;
  let bob: Principal;
  let team: Principal;

  beforeAll(async () => {
    api = await openHttpHarness({ database: db });
    const { h } = api;
    alice = await h.user('alice@contoso.test', 'Alice');
    bob = await h.user('bob@contoso.test', 'Bob');
    team = await groupWith(h, 'Team', [alice], { assignable: true });
    const assign = (kind: 'eligibility' | 'assignment', principal: Principal, roleDefinitionId: string, days: number | null) =>
      h.submit(h.admin, {
        kind,
        action: 'adminAssign',
        principalId: principal.id,
        roleDefinitionId,
        scheduleInfo: days === null ? { startDateTime: null, expiration: { type: 'noExpiration' } } : forDays(days),
      });
    // Ended 40 days from now, then 10 days later: out of the 30-day window at the end of the test.
    await assign('eligibility', alice, ROLE.auditLogReader, 5);
    // Each of these runs out on day 10.
    await assign('eligibility', alice, ROLE.userAdministrator, 10);
    await assign('assignment', alice, ROLE.groupsAdministrator, 10);
    await assign('eligibility', alice, ROLE.helpdeskAdministrator, 10);
    await assign('eligibility', bob, ROLE.userAdministrator, 10);
    await assign('eligibility', team, ROLE.securityReader, 10);
    const owner = await api.call(api.admin, 'POST', '/v1.0/identityGovernance/privilegedAccess/group/eligibilityScheduleRequests', {
      action: 'adminAssign',
      principalId: alice.id,
      groupId: team.id,
      accessId: 'owner',
      justification: 'Team lead',
      scheduleInfo: forDays(10),
    });
    expect(owner.statusCode, owner.body).toBe(201);
    // Removed, not expired: not renewable.
    await assign('eligibility', alice, ROLE.authenticationAdministrator, 10);
    await h.submit(h.admin, { kind: 'eligibility', action: 'adminRemove', principalId: alice.id, roleDefinitionId: ROLE.authenticationAdministrator });
    // An activation that runs out is not an expired assignment.
    await assign('eligibility', alice, ROLE.globalReader, null);
    await h.submit(await h.caller(alice), {
      action: 'selfActivate',
      principalId: alice.id,
      roleDefinitionId: ROLE.globalReader,
      scheduleInfo: { startDateTime: null, expiration: { type: 'afterDuration', duration: 'PT1H' } },
    });
  });
  afterAll(async () => api?.close());

  async function get(who: Principal, url: string, status = 200): Promise<Json> {
    const res = await api.call(who, 'GET', url);
    expect(res.statusCode, res.body).toBe(status);
    return json<Json>(res);
  }
  const roleIds = (page: Json) => page.value.map((s: Json) => s.roleDefinitionId).sort();

  it('lists nothing while everything is current, then what ran out, closed by the timeline or not', async () => {
    expect((await get(alice, `${ROLES}/expiredRoleEligibilitySchedules/${MINE}`)).value).toEqual([]);
    api.clock.advance(6 * DAY);
    // Day 6: the 5-day eligibility has ended; the timeline has not run, so it is still open in the store.
    expect(roleIds(await get(alice, `${ROLES}/expiredRoleEligibilitySchedules/${MINE}`))).toEqual([ROLE.auditLogReader]);
    await api.h.tick();
    expect(roleIds(await get(alice, `${ROLES}/expiredRoleEligibilitySchedules/${MINE}`))).toEqual([ROLE.auditLogReader]);
  });

  it("lists the caller's own expired eligibilities and assignments, with status Expired — not removals, activations or a group's", async () => {
    api.clock.advance(5 * DAY); // day 11
    await api.h.tick();
    const eligibilities = await get(alice, `${ROLES}/expiredRoleEligibilitySchedules/${MINE}`);
    expect(roleIds(eligibilities)).toEqual([ROLE.helpdeskAdministrator, ROLE.auditLogReader, ROLE.userAdministrator].sort());
    expect(eligibilities.value.every((s: Json) => s.status === 'Expired' && s.principalId === alice.id && s.scheduleInfo.expiration.endDateTime)).toBe(true);
    expect(eligibilities['@odata.context']).toContain('expiredRoleEligibilitySchedules');
    const assignments = await get(alice, `${ROLES}/expiredRoleAssignmentSchedules/${MINE}`);
    expect(roleIds(assignments)).toEqual([ROLE.groupsAdministrator]);
    expect(assignments.value[0].assignmentType).toBe('Assigned');
    const ownerships = await get(alice, `${GROUPS}/expiredEligibilitySchedules/${MINE}`);
    expect(ownerships.value.map((s: Json) => [s.groupId, s.accessId, s.status])).toEqual([[team.id, 'owner', 'Expired']]);
    expect((await get(alice, `${GROUPS}/expiredAssignmentSchedules/${MINE}`)).value).toEqual([]);
  });

  it("gives readers everyone's, filterable by role, and refuses the whole list to others", async () => {
    const all = await get(
      api.admin,
      `${ROLES}/expiredRoleEligibilitySchedules?$filter=${encodeURIComponent(`roleDefinitionId eq '${ROLE.userAdministrator}'`)}`,
    );
    expect(all.value.map((s: Json) => s.principalId).sort()).toEqual([alice.id, bob.id].sort());
    const everyone = await get(api.admin, `${ROLES}/expiredRoleEligibilitySchedules`);
    expect(everyone.value.some((s: Json) => s.principalId === team.id && s.roleDefinitionId === ROLE.securityReader)).toBe(true);
    await get(alice, `${ROLES}/expiredRoleEligibilitySchedules`, 403);
    // One by id: the holder's own, a reader's; someone else's is not found.
    const own = eligibilitiesOf(all, alice);
    expect((await get(alice, `${ROLES}/expiredRoleEligibilitySchedules/${own}`)).id).toBe(own);
    await get(bob, `${ROLES}/expiredRoleEligibilitySchedules/${own}`, 404);
    // A current schedule is not found among the expired ones.
    const current = (await get(alice, `/v1.0/roleManagement/directory/roleEligibilitySchedules/${MINE}`)).value[0];
    expect(current?.id).toBeTruthy();
    await get(alice, `${ROLES}/expiredRoleEligibilitySchedules/${current.id}`, 404);
  });

  it('drops what is renewed, and what ended more than 30 days ago', async () => {
    const res = await api.call(alice, 'POST', '/v1.0/roleManagement/directory/roleEligibilityScheduleRequests', {
      action: 'selfRenew',
      principalId: alice.id,
      roleDefinitionId: ROLE.userAdministrator,
      directoryScopeId: '/',
      justification: 'Still on the helpdesk rota',
      scheduleInfo: forDays(30),
    });
    expect(res.statusCode, res.body).toBe(201);
    // Waiting for approval it is still expired; approved, it is current again.
    expect(roleIds(await get(alice, `${ROLES}/expiredRoleEligibilitySchedules/${MINE}`))).toContain(ROLE.userAdministrator);
    const approved = await decide(api.h, api.admin, json<Json>(res) as never, 'Approve');
    expect(approved.status).toBe('Provisioned');
    expect(roleIds(await get(alice, `${ROLES}/expiredRoleEligibilitySchedules/${MINE}`))).toEqual([ROLE.helpdeskAdministrator, ROLE.auditLogReader].sort());
    api.clock.advance(26 * DAY); // day 37: the 5-day one ended 32 days ago, the 10-day ones 27
    expect(roleIds(await get(alice, `${ROLES}/expiredRoleEligibilitySchedules/${MINE}`))).toEqual([ROLE.helpdeskAdministrator]);
    api.clock.advance(3 * DAY); // day 40: the helpdesk one ended 30 days ago; the renewed one runs to day 41
    expect((await get(alice, `${ROLES}/expiredRoleEligibilitySchedules/${MINE}`)).value).toEqual([]);
  });
});

function eligibilitiesOf(page: Json, who: Principal): string {
  return page.value.find((s: Json) => s.principalId === who.id).id;
}
