/**
 * The caller's own audit events (GET /openpim/me/auditLogs/directoryAudits) and the target filter
 * of the audit log: anyone signed in reads the events they initiated or are a target of — all of
 * them, and never anyone else's, whatever they put in $filter — while the whole log stays with
 * readers; `targetResources/id eq '…'` matches a target's id exactly, on both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY } from '../../src/domain/audit/activities.ts';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { json, openHttpHarness, type HttpHarness } from '../support/http-harness.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const MY_AUDIT = '/openpim/me/auditLogs/directoryAudits';
const ALL_AUDIT = '/v1.0/auditLogs/directoryAudits';
const filter = (expr: string) => `$filter=${encodeURIComponent(expr)}`;

/** Whether `who` initiated the event or is one of its targets. */
const involves = (e: Json, who: Principal) =>
  (e.initiatedBy.user?.id ?? e.initiatedBy.app?.servicePrincipalId) === who.id || e.targetResources.some((t: Json) => t.id === who.id);

describe.each(TEST_DATABASES)("one's own audit events on $name", (db) => {
  let api: HttpHarness;
  let alice: Principal;
  let bob: Principal;
  let decoy: Principal;

  beforeAll(async () => {
    api = await openHttpHarness({ database: db });
    const { h } = api;
    alice = await h.user('alice@contoso.test', 'Alice');
    bob = await h.user('bob@contoso.test', 'Bob');
    // A display name that spells a target id of Bob's inside the stored JSON: it must not make the event Bob's.
    decoy = await h.user('decoy@contoso.test', `x","id":"${bob.id}`);
    await h.submit(h.admin, {
      kind: 'eligibility',
      action: 'adminAssign',
      principalId: alice.id,
      roleDefinitionId: ROLE.userAdministrator,
      scheduleInfo: { startDateTime: null, expiration: { type: 'noExpiration' } },
    });
    await h.submit(h.admin, {
      kind: 'eligibility',
      action: 'adminAssign',
      principalId: bob.id,
      roleDefinitionId: ROLE.helpdeskAdministrator,
      scheduleInfo: { startDateTime: null, expiration: { type: 'noExpiration' } },
    });
    for (let i = 0; i < 3; i++) {
      api.clock.advance(60_000);
      await h.submit(await h.caller(alice), {
        action: 'selfActivate',
        principalId: alice.id,
        roleDefinitionId: ROLE.userAdministrator,
        scheduleInfo: { startDateTime: null, expiration: { type: 'afterDuration', duration: 'PT1H' } },
      });
      api.clock.advance(10 * 60_000);
      await h.submit(await h.caller(alice), { action: 'selfDeactivate', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator });
    }
    api.clock.advance(60_000);
    await h.submit(await h.caller(bob), {
      action: 'selfActivate',
      principalId: bob.id,
      roleDefinitionId: ROLE.helpdeskAdministrator,
      scheduleInfo: { startDateTime: null, expiration: { type: 'afterDuration', duration: 'PT1H' } },
    });
  });
  afterAll(async () => api?.close());

  async function get(who: Principal, url: string): Promise<Json> {
    const res = await api.call(who, 'GET', url);
    expect(res.statusCode, res.body).toBe(200);
    return json<Json>(res);
  }
  /** Every page, following @odata.nextLink. */
  async function all(who: Principal, url: string): Promise<Json[]> {
    const items: Json[] = [];
    for (let next: string | undefined = url; next;) {
      const page = await get(who, next);
      items.push(...page.value);
      next = page['@odata.nextLink'] ? new URL(page['@odata.nextLink']).pathname + new URL(page['@odata.nextLink']).search : undefined;
    }
    return items;
  }

  it('lists exactly the events the caller initiated or is a target of, newest first', async () => {
    const everything = await all(api.admin, `${ALL_AUDIT}?$top=999`);
    for (const who of [alice, bob]) {
      const mine = await all(who, MY_AUDIT);
      expect(mine.length, who.userPrincipalName!).toBeGreaterThan(0);
      expect(
        mine.every((e) => involves(e, who)),
        'only their own',
      ).toBe(true);
      expect(
        mine.map((e) => e.id),
        'all of their own',
      ).toEqual(everything.filter((e) => involves(e, who)).map((e) => e.id));
      const times = mine.map((e) => e.activityDateTime);
      expect(times).toEqual([...times].sort().reverse());
    }
    const aliceIds = new Set((await all(alice, MY_AUDIT)).map((e) => e.id));
    // Alice sees her activations (as actor), and the administrator adding her (as target); not Bob's activation.
    const activities = (await all(alice, MY_AUDIT)).map((e) => e.activityDisplayName);
    expect(activities).toEqual(expect.arrayContaining([ACTIVITY.userAdded, ACTIVITY.activationCompleted]));
    const bobsActivation = everything.find((e) => e.activityDisplayName === ACTIVITY.activationCompleted && e.initiatedBy.user?.id === bob.id);
    expect(bobsActivation).toBeDefined();
    expect(aliceIds.has(bobsActivation!.id)).toBe(false);
  });

  it("does not count a display name that spells someone's id as a target", async () => {
    const decoyAdded = await all(api.admin, `${ALL_AUDIT}?${filter(`targetResources/id eq '${decoy.id}'`)}`);
    expect(decoyAdded.map((e) => e.activityDisplayName)).toContain(ACTIVITY.userAdded);
    const bobs = new Set((await all(bob, MY_AUDIT)).map((e) => e.id));
    for (const e of decoyAdded) expect(bobs.has(e.id)).toBe(false);
    expect(await all(api.admin, `${ALL_AUDIT}?${filter(`targetResources/id eq '${bob.id}' and targetResources/id eq '${decoy.id}'`)}`)).toEqual([]);
  });

  it("never widens to someone else's events through $filter", async () => {
    expect(await all(bob, `${MY_AUDIT}?${filter(`initiatedBy/user/id eq '${alice.id}'`)}`)).toEqual([]);
    expect(await all(bob, `${MY_AUDIT}?${filter(`targetResources/id eq '${alice.id}'`)}`)).toEqual([]);
    const orAlice = await all(bob, `${MY_AUDIT}?${filter(`initiatedBy/user/id eq '${alice.id}' or result eq 'success'`)}`);
    expect(orAlice.length).toBeGreaterThan(0);
    expect(orAlice.every((e) => involves(e, bob))).toBe(true);
  });

  it('filters by activity, time and target, and pages with $top and @odata.nextLink', async () => {
    const activations = await all(alice, `${MY_AUDIT}?${filter(`activityDisplayName eq '${ACTIVITY.activationCompleted}'`)}`);
    expect(activations).toHaveLength(3);
    const since = activations[1]!.activityDateTime as string;
    const recent = await all(alice, `${MY_AUDIT}?${filter(`activityDisplayName eq '${ACTIVITY.activationCompleted}' and activityDateTime ge ${since}`)}`);
    expect(recent.map((e) => e.id)).toEqual(activations.slice(0, 2).map((e) => e.id));
    const onRole = await all(alice, `${MY_AUDIT}?${filter(`targetResources/id eq '${ROLE.userAdministrator}'`)}`);
    expect(onRole.length).toBeGreaterThanOrEqual(6);
    expect(onRole.every((e) => e.targetResources.some((t: Json) => t.id === ROLE.userAdministrator))).toBe(true);

    const whole = await all(alice, MY_AUDIT);
    const first = await get(alice, `${MY_AUDIT}?$top=2&$count=true`);
    expect(first.value).toHaveLength(2);
    expect(first['@odata.count']).toBe(whole.length);
    expect(first['@odata.nextLink']).toContain('/openpim/me/auditLogs/directoryAudits?');
    const paged = await all(alice, `${MY_AUDIT}?$top=2`);
    expect(paged.map((e) => e.id)).toEqual(whole.map((e) => e.id));
  });

  it('matches a target id exactly: case and a prefix are different ids', async () => {
    const upper = alice.id.toUpperCase();
    expect(upper).not.toBe(alice.id);
    expect(await all(api.admin, `${ALL_AUDIT}?${filter(`targetResources/id eq '${upper}'`)}`)).toEqual([]);
    expect(await all(api.admin, `${ALL_AUDIT}?${filter(`targetResources/id eq '${alice.id.slice(0, -1)}'`)}`)).toEqual([]);
    const byAdmin = await all(
      api.admin,
      `${ALL_AUDIT}?${filter(`targetResources/id eq '${ROLE.userAdministrator}' and initiatedBy/user/id eq '${alice.id}'`)}`,
    );
    expect(byAdmin.length).toBeGreaterThanOrEqual(6);
    expect(byAdmin.every((e) => involves(e, alice))).toBe(true);
  });

  it('refuses target conditions it cannot honour, and anonymous callers; the whole log stays with readers', async () => {
    for (const [query, code] of [
      [filter(`targetResources/id eq '${bob.id}' or result eq 'success'`), 'Request_UnsupportedQuery'],
      [filter(`not (targetResources/id eq '${bob.id}')`), 'Request_UnsupportedQuery'],
      [filter(`targetResources/id ne '${bob.id}'`), 'Request_UnsupportedQuery'],
      [filter('targetResources/id eq 3'), 'Request_BadRequest'],
      ['$orderby=targetResources/id', 'Request_UnsupportedQuery'],
      [filter("targetResources/displayName eq 'Alice'"), 'Request_UnsupportedQuery'],
    ] as const) {
      const res = await api.call(alice, 'GET', `${MY_AUDIT}?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(json<Json>(res).error.code, query).toBe(code);
    }
    expect((await api.call(null, 'GET', MY_AUDIT)).statusCode).toBe(401);
    const refused = await api.call(alice, 'GET', ALL_AUDIT);
    expect(refused.statusCode).toBe(403);
    expect(json<Json>(refused).error.code).toBe('Authorization_RequestDenied');
  });

  it("counts an event about the caller's request as theirs when someone else caused it (an administrator cancels it)", async () => {
    const { h } = api;
    const later = await h.submit(await h.caller(alice), {
      action: 'selfActivate',
      principalId: alice.id,
      roleDefinitionId: ROLE.userAdministrator,
      scheduleInfo: { startDateTime: api.clock.now() + 2 * 3_600_000, expiration: { type: 'afterDuration', duration: 'PT1H' } },
    });
    expect(later.status).toBe('Granted');
    const res = await api.call(api.admin, 'POST', `/v1.0/roleManagement/directory/roleAssignmentScheduleRequests/${later.id}/cancel`);
    expect(res.statusCode, res.body).toBe(204);
    const aboutIt = await all(alice, `${MY_AUDIT}?${filter(`targetResources/id eq '${later.id}'`)}`);
    expect(aboutIt.map((e) => [e.activityDisplayName, e.initiatedBy.user?.id])).toContainEqual([ACTIVITY.requestCanceled, api.admin.id]);
  });
});
