/**
 * SCIM 2.0 provisioning over HTTP (docs/decisions/0009): tokens made by a Global Administrator,
 * Users and Groups create / filter / PUT / PATCH / DELETE, deprovisioning that ends every grant
 * with audit events, and SCIM-shaped 400/401/404/409 that write nothing.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIVITY } from '../../src/domain/audit/activities.ts';
import { GROUP_ROLE } from '../../src/domain/group-access.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHttpHarness, type HttpHarness } from '../support/http-harness.ts';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe.each(TEST_DATABASES)('SCIM provisioning on $name', (db) => {
  let api: HttpHarness;
  afterEach(async () => api?.close());

  async function open(): Promise<string> {
    api = await openHttpHarness({ database: db });
    const res = await api.call(api.admin, 'POST', '/openpim/scim/tokens', { displayName: 'Entra ID' });
    expect(res.statusCode).toBe(201);
    return res.json().token as string;
  }

  const scim = (
    token: string | null,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    raw?: string,
  ): Promise<LightMyRequestResponse> =>
    api.app.inject({
      method,
      url: `/scim/v2${url}`,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/scim+json' } : {}),
      },
      ...(raw !== undefined ? { payload: raw } : body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });

  const newUser = (token: string, userName: string, extra: Record<string, unknown> = {}) =>
    scim(token, 'POST', '/Users', {
      schemas: [USER],
      userName,
      externalId: `ext-${userName}`,
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ value: userName, type: 'work', primary: true }],
      active: true,
      ...extra,
    });

  const expectScimError = (res: LightMyRequestResponse, status: number, scimType?: string) => {
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    const body = res.json();
    expect(body).toMatchObject({ schemas: [ERROR], status: String(status), detail: expect.any(String) });
    if (scimType) expect(body.scimType).toBe(scimType);
  };

  it('makes tokens for Global Administrators only, keeps them hashed, and authenticates /scim/v2 with them alone', async () => {
    const token = await open();
    const helper = await api.h.user('helper@contoso.test');
    await api.h.submit(api.h.admin, { action: 'adminAssign', principalId: helper.id, roleDefinitionId: ROLE.userAdministrator });
    expect((await api.call(helper, 'POST', '/openpim/scim/tokens', { displayName: 'x' })).statusCode).toBe(403);

    const rows = await api.h.store.db.selectFrom('scim_tokens').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).not.toContain(token);
    expect(JSON.stringify((await api.call(api.admin, 'GET', '/openpim/scim/tokens')).json())).not.toContain(token);

    expect((await scim(token, 'GET', '/Users')).statusCode).toBe(200);
    expectScimError(await scim(null, 'GET', '/Users'), 401);
    expectScimError(await scim('not-a-token', 'GET', '/Users'), 401);
    // A Graph bearer token is not a SCIM token, and a SCIM token is not a Graph token.
    expectScimError(await scim(await api.token(api.admin), 'GET', '/Users'), 401);
    expect((await api.call(token, 'GET', '/v1.0/users')).statusCode).toBe(401);
    expectScimError(await scim(token, 'GET', '/Nothing'), 404);

    expect((await api.call(api.admin, 'DELETE', `/openpim/scim/tokens/${rows[0]!.id}`)).statusCode).toBe(204);
    expectScimError(await scim(token, 'GET', '/Users'), 401);
  });

  it('creates, finds by filter and pages, replaces and patches users', async () => {
    const token = await open();
    const created = await newUser(token, 'ada@contoso.test');
    expect(created.statusCode, created.body).toBe(201);
    const ada = created.json();
    expect(ada).toMatchObject({
      schemas: [USER],
      userName: 'ada@contoso.test',
      externalId: 'ext-ada@contoso.test',
      displayName: 'Ada Lovelace',
      active: true,
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ value: 'ada@contoso.test', primary: true }],
      meta: { resourceType: 'User' },
    });
    expect(created.headers.location).toMatch(new RegExp(`/scim/v2/Users/${ada.id}$`));
    // The directory sees the same user.
    expect((await api.call(api.admin, 'GET', `/v1.0/users/${ada.id}`)).json()).toMatchObject({
      userPrincipalName: 'ada@contoso.test',
      displayName: 'Ada Lovelace',
    });
    await newUser(token, 'bob@contoso.test');
    await newUser(token, 'cy@contoso.test');

    const byName = (await scim(token, 'GET', `/Users?filter=${encodeURIComponent('userName eq "ADA@contoso.test"')}`)).json();
    expect(byName).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [{ id: ada.id }] });
    const both = (
      await scim(token, 'GET', `/Users?filter=${encodeURIComponent('externalId eq "ext-bob@contoso.test" and userName eq "bob@contoso.test"')}`)
    ).json();
    expect(both.Resources.map((u: { userName: string }) => u.userName)).toEqual(['bob@contoso.test']);
    expect(
      (await scim(token, 'GET', `/Users?filter=${encodeURIComponent('externalId eq "ext-bob@contoso.test" and userName eq "ada@contoso.test"')}`)).json()
        .totalResults,
    ).toBe(0);
    // Four users: the bootstrap admin and three provisioned ones; page two of size two.
    const page = (await scim(token, 'GET', '/Users?startIndex=3&count=2')).json();
    expect(page).toMatchObject({ totalResults: 4, startIndex: 3, itemsPerPage: 2 });
    expect((await scim(token, 'GET', `/Users/${ada.id}`)).json().id).toBe(ada.id);

    const put = await scim(token, 'PUT', `/Users/${ada.id}`, {
      schemas: [USER],
      id: ada.id,
      userName: 'ada.lovelace@contoso.test',
      displayName: 'Countess Ada',
      externalId: 'ext-ada',
      emails: [{ value: 'ada@mail.test', primary: true }],
      active: true,
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Maths' },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      userName: 'ada.lovelace@contoso.test',
      displayName: 'Countess Ada',
      externalId: 'ext-ada',
      emails: [{ value: 'ada@mail.test' }],
    });
    expect(put.json().name.givenName).toBeUndefined();

    const patched = await scim(token, 'PATCH', `/Users/${ada.id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'Replace', path: 'displayName', value: 'Ada L.' },
        { op: 'Add', path: 'name.givenName', value: 'Ada' },
      ],
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ displayName: 'Ada L.', name: { givenName: 'Ada' }, active: true });
    const updates = await api.h.store.db.selectFrom('audit_events').select(['activity', 'initiated_by']).where('activity', '=', ACTIVITY.userUpdated).execute();
    expect(updates).toHaveLength(2);
    expect(JSON.parse(updates[0]!.initiated_by)).toMatchObject({ displayName: 'SCIM provisioning: Entra ID', type: 'servicePrincipal' });

    expectScimError(await newUser(token, 'BOB@contoso.test', { externalId: 'other' }), 409, 'uniqueness');
    expectScimError(await scim(token, 'PUT', `/Users/${ada.id}`, { userName: 'cy@contoso.test' }), 409, 'uniqueness');
  });

  it('creates groups with members, patches and replaces membership, filters by displayName, and deletes', async () => {
    const token = await open();
    const ada = (await newUser(token, 'ada@contoso.test')).json();
    const bob = (await newUser(token, 'bob@contoso.test')).json();
    const cy = (await newUser(token, 'cy@contoso.test')).json();

    const created = await scim(token, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Engineering', externalId: 'g-eng', members: [{ value: ada.id }] });
    expect(created.statusCode, created.body).toBe(201);
    const eng = created.json();
    expect(eng.members.map((m: { value: string }) => m.value)).toEqual([ada.id]);

    const patched = await scim(token, 'PATCH', `/Groups/${eng.id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'Add', path: 'members', value: [{ value: bob.id }, { value: cy.id }] },
        { op: 'Remove', path: `members[value eq "${ada.id}"]` },
      ],
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(
      patched
        .json()
        .members.map((m: { value: string }) => m.value)
        .sort(),
    ).toEqual([bob.id, cy.id].sort());
    const graphMembers = (await api.call(api.admin, 'GET', `/v1.0/groups/${eng.id}/members`)).json().value.map((m: { id: string }) => m.id);
    expect(graphMembers.sort()).toEqual([bob.id, cy.id].sort());

    const found = (await scim(token, 'GET', `/Groups?filter=${encodeURIComponent('displayName eq "Engineering"')}&excludedAttributes=members`)).json();
    expect(found).toMatchObject({ totalResults: 1, Resources: [{ id: eng.id, displayName: 'Engineering' }] });
    expect(found.Resources[0].members).toBeUndefined();

    const put = await scim(token, 'PUT', `/Groups/${eng.id}`, { schemas: [GROUP], displayName: 'Engineering EU', members: [{ value: ada.id }] });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ displayName: 'Engineering EU', members: [{ value: ada.id }] });
    expect(put.json().externalId).toBeUndefined();

    const audits = await api.h.store.db
      .selectFrom('audit_events')
      .select('activity')
      .where('activity', 'in', [ACTIVITY.groupMemberAdded, ACTIVITY.groupMemberRemoved])
      .execute();
    expect(audits).toHaveLength(7);

    // PIM for Groups: an eligible membership of the group, ended with it.
    await api.h.submit(api.h.admin, {
      kind: 'eligibility',
      action: 'adminAssign',
      principalId: bob.id,
      roleDefinitionId: GROUP_ROLE.member,
      directoryScopeId: `/groups/${eng.id}`,
    });
    expect((await scim(token, 'DELETE', `/Groups/${eng.id}`)).statusCode).toBe(204);
    expect(
      await api.h.store.db.selectFrom('schedules').select('id').where('directory_scope_id', '=', `/groups/${eng.id}`).where('closed', '=', 0).execute(),
    ).toEqual([]);
    expect(await api.h.store.db.selectFrom('audit_events').select('id').where('activity', '=', ACTIVITY.groupAccessEndedWithGroup).execute()).toHaveLength(1);
    expectScimError(await scim(token, 'GET', `/Groups/${eng.id}`), 404);
    expect((await api.call(api.admin, 'GET', `/v1.0/groups/${eng.id}/members`)).json().value).toEqual([]);
  });

  it('deactivation ends every assignment and eligibility with audit events, cancels pending requests, and the access check denies', async () => {
    const token = await open();
    const ada = (await newUser(token, 'ada@contoso.test')).json();
    await api.h.submit(api.h.admin, { action: 'adminAssign', principalId: ada.id, roleDefinitionId: ROLE.userAdministrator });
    await api.h.submit(api.h.admin, { kind: 'eligibility', action: 'adminAssign', principalId: ada.id, roleDefinitionId: ROLE.securityReader });
    await api.h.submit(api.h.admin, { kind: 'eligibility', action: 'adminAssign', principalId: ada.id, roleDefinitionId: ROLE.globalReader });
    // A grant for later: it never starts, and the request that made it is Canceled.
    const later = await api.h.submit(api.h.admin, {
      action: 'adminAssign',
      principalId: ada.id,
      roleDefinitionId: ROLE.helpdeskAdministrator,
      scheduleInfo: { startDateTime: api.clock.now() + 86_400_000, expiration: { type: 'afterDuration', duration: 'P1D' } },
    });
    expect(later.status).toBe('Granted');
    // An activation (or a request for one awaiting approval) made from an eligibility.
    await api.h.submit(await api.h.caller(ada.id), {
      action: 'selfActivate',
      principalId: ada.id,
      roleDefinitionId: ROLE.securityReader,
      scheduleInfo: { startDateTime: null, expiration: { type: 'afterDuration', duration: 'PT1H' } },
    });
    const check = async () =>
      (await api.call(api.admin, 'POST', '/openpim/access/check', { principalId: ada.id, action: 'openpim.directory/users/create', scope: '/' })).json()
        .allowed;
    expect(await check()).toBe(true);
    const openSchedules = () => api.h.store.db.selectFrom('schedules').select('id').where('principal_id', '=', ada.id).where('closed', '=', 0).execute();
    const before = await openSchedules();
    expect(before.length).toBeGreaterThanOrEqual(3);

    // Microsoft Entra's shape: capitalised op, the boolean as a string.
    const res = await scim(token, 'PATCH', `/Users/${ada.id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().active).toBe(false);

    expect(await openSchedules()).toEqual([]);
    expect(await api.h.store.db.selectFrom('schedule_requests').select('id').where('principal_id', '=', ada.id).where('is_pending', '=', 1).execute()).toEqual(
      [],
    );
    const events = await api.h.store.db
      .selectFrom('audit_events')
      .select(['activity', 'correlation_id', 'details'])
      .where('activity', 'in', [
        ACTIVITY.assignmentDeprovisioned,
        ACTIVITY.eligibilityDeprovisioned,
        ACTIVITY.endedWithEligibility,
        ACTIVITY.requestCanceledWithEligibility,
        ACTIVITY.accountDisabled,
      ])
      .execute();
    expect(events.filter((e) => e.activity === ACTIVITY.eligibilityDeprovisioned)).toHaveLength(2);
    expect(events.filter((e) => e.activity === ACTIVITY.assignmentDeprovisioned)).toHaveLength(2);
    expect(events.filter((e) => e.activity === ACTIVITY.accountDisabled)).toHaveLength(1);
    // Every schedule that was open is named by one event, all in the one SCIM call.
    const named = events.map((e) => JSON.parse(e.details).ScheduleId).filter(Boolean);
    for (const s of before) expect(named).toContain(s.id);
    expect(new Set(events.map((e) => e.correlation_id)).size).toBe(1);
    const closed = await api.h.store.db.selectFrom('schedules').select(['close_reason', 'closed_at']).where('principal_id', '=', ada.id).execute();
    for (const s of closed) expect(s.closed_at).toBe(api.clock.now());

    expect((await api.h.store.read.requests.get(api.h.tenantId, 'assignment', later.id))?.status).toBe('Canceled');
    expect(await check()).toBe(false);
    expect((await api.call(ada.id, 'GET', '/v1.0/users')).statusCode).toBe(401);
    // Enabling the account again restores no grant.
    expect((await scim(token, 'PATCH', `/Users/${ada.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: true } }] })).json().active).toBe(
      true,
    );
    expect(await check()).toBe(false);
  });

  it('DELETE deprovisions and hides the user from SCIM, keeping the principal disabled for the audit trail', async () => {
    const token = await open();
    const bob = (await newUser(token, 'bob@contoso.test')).json();
    await api.h.submit(api.h.admin, { action: 'adminAssign', principalId: bob.id, roleDefinitionId: ROLE.userAdministrator });
    expect((await scim(token, 'DELETE', `/Users/${bob.id}`)).statusCode).toBe(204);
    expectScimError(await scim(token, 'GET', `/Users/${bob.id}`), 404);
    expect((await scim(token, 'GET', `/Users?filter=${encodeURIComponent('externalId eq "ext-bob@contoso.test"')}`)).json().totalResults).toBe(0);
    expect((await api.call(api.admin, 'GET', `/v1.0/users/${bob.id}`)).json()).toMatchObject({ accountEnabled: false });
    const schedules = await api.h.store.db.selectFrom('schedules').select(['closed', 'close_reason']).where('principal_id', '=', bob.id).execute();
    expect(schedules).toEqual([{ closed: 1, close_reason: 'removed' }]);
    expect(await api.h.store.db.selectFrom('audit_events').select('id').where('activity', '=', ACTIVITY.userDeleted).execute()).toHaveLength(1);
    expectScimError(await scim(token, 'DELETE', `/Users/${bob.id}`), 404);
  });

  it('refuses bad input with SCIM errors and writes nothing', async () => {
    const token = await open();
    const ada = (await newUser(token, 'ada@contoso.test')).json();
    const counts = await api.counts();
    expectScimError(await scim(token, 'POST', '/Users', { schemas: [USER], displayName: 'No userName' }), 400, 'invalidValue');
    expectScimError(await scim(token, 'POST', '/Users', { userName: 'not-an-upn' }), 400, 'invalidValue');
    expectScimError(await scim(token, 'POST', '/Users', undefined, '{"userName": '), 400, 'invalidSyntax');
    expectScimError(await scim(token, 'GET', `/Users?filter=${encodeURIComponent('userName co "ada"')}`), 400, 'invalidFilter');
    expectScimError(await scim(token, 'GET', `/Users?filter=${encodeURIComponent('title eq "x"')}`), 400, 'invalidFilter');
    expectScimError(
      await scim(token, 'PATCH', `/Users/${ada.id}`, {
        schemas: [PATCH],
        Operations: [
          { op: 'Replace', path: 'displayName', value: 'Changed' },
          { op: 'Replace', path: 'active', value: 'perhaps' },
        ],
      }),
      400,
      'invalidValue',
    );
    expectScimError(await scim(token, 'PATCH', `/Users/${ada.id}`, { schemas: [PATCH], Operations: [] }), 400, 'invalidValue');
    expectScimError(await scim(token, 'POST', '/Groups', { displayName: 'Ghosts', members: [{ value: 'no-such-id' }] }), 400, 'invalidValue');
    expectScimError(await scim(token, 'PATCH', '/Users/no-such-id', { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] }), 404);
    expect(await api.counts()).toEqual(counts);
    expect((await scim(token, 'GET', `/Users/${ada.id}`)).json().displayName).toBe('Ada Lovelace');
  });

  it('leaves role-assignable groups and break-glass accounts to OpenPIM', async () => {
    const token = await open();
    const admins = (await api.call(api.admin, 'POST', '/v1.0/groups', { displayName: 'Admins', isAssignableToRole: true })).json();
    const ada = (await newUser(token, 'ada@contoso.test')).json();
    expectScimError(
      await scim(token, 'PATCH', `/Groups/${admins.id}`, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: ada.id }] }] }),
      403,
    );
    expectScimError(await scim(token, 'DELETE', `/Groups/${admins.id}`), 403);
    await api.h.store.db.updateTable('principals').set({ is_break_glass: 1 }).where('id', '=', ada.id).execute();
    expectScimError(await scim(token, 'DELETE', `/Users/${ada.id}`), 400, 'mutability');
  });
});
