/**
 * Input the database or the calendar cannot hold, on both databases: instants outside 1970 –
 * 9999-12-31 and durations over 100 years (an end computed from a valid start and duration
 * included), and control characters (NUL above all, which PostgreSQL's text refuses) in bodies,
 * queries and paths. Each is a 400 in the endpoint's own error shape — Graph, SCIM or OAuth —
 * never a 500, and writes nothing.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/model.ts';
import { effectivePolicy } from '../../src/app/policies/resolve-policy.ts';
import type { PolicyRule } from '../../src/domain/policy/rules.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { createUserWithPassword, FORM, PASSWORD, TOKEN } from '../support/browser-session.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { json, openHttpHarness, type GraphErrorBody, type HttpHarness } from '../support/http-harness.ts';

const DIR = '/v1.0/roleManagement/directory';
const GROUP_PIM = '/v1.0/identityGovernance/privilegedAccess/group';
const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** A 400 in Graph's shape whose message names `mentions`. */
function expectGraph400(res: LightMyRequestResponse, codes: readonly string[], ...mentions: string[]): void {
  expect(res.statusCode, res.body).toBe(400);
  const body = json<GraphErrorBody>(res);
  expect(Object.keys(body)).toEqual(['error']);
  expect(codes).toContain(body.error.code);
  expect(body.error.innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);
  for (const m of mentions) expect(body.error.message).toContain(m);
}

function expectScim400(res: LightMyRequestResponse, ...mentions: string[]): void {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  const body = json<{ schemas: string[]; status: string; detail: string }>(res);
  expect(body).toMatchObject({ schemas: [SCIM_ERROR], status: '400', detail: expect.any(String) });
  for (const m of mentions) expect(body.detail).toContain(m);
}

describe.each(TEST_DATABASES)('bad input the store cannot hold, on $name', (database) => {
  let api: HttpHarness;
  let alice: Principal;
  let groupId: string;
  let policyId: string;
  let scimToken: string;

  beforeAll(async () => {
    api = await openHttpHarness({ database });
    alice = await createUserWithPassword(api, 'alice@contoso.test');
    await api.h.submit(api.h.admin, { kind: 'eligibility', action: 'adminAssign', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator });
    groupId = json(await api.call(api.admin, 'POST', '/v1.0/groups', { displayName: 'Helpdesk' })).id as string;
    policyId = (await api.h.store.read.policies.forRoleAt(api.h.tenantId, ROLE.helpdeskAdministrator, '/'))!.id;
    scimToken = json(await api.call(api.admin, 'POST', '/openpim/scim/tokens', { displayName: 'IdP' })).token as string;
  });
  afterAll(async () => api?.close());

  const assign = (scheduleInfo: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
    action: 'adminAssign',
    principalId: alice.id,
    roleDefinitionId: ROLE.helpdeskAdministrator,
    directoryScopeId: '/',
    justification: 'ok',
    scheduleInfo,
    ...over,
  });
  const eligibility = (body: unknown) => api.call(api.admin, 'POST', `${DIR}/roleEligibilityScheduleRequests`, body);
  const scim = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
    api.app.inject({
      method,
      url: `/scim/v2${url}`,
      headers: { authorization: `Bearer ${scimToken}`, 'content-type': 'application/scim+json' },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  /** Runs a refused call and checks that it changed nothing. */
  async function refused(call: () => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse> {
    const before = await api.counts();
    const res = await call();
    expect(await api.counts(), res.body).toEqual(before);
    return res;
  }
  const schedule = ['InvalidScheduleInfo', 'Request_BadRequest'];
  const bad = ['Request_BadRequest'];

  describe('instants and durations', () => {
    it.each([
      ['a duration past the largest date', { expiration: { type: 'afterDuration', duration: 'P14300000W' } }, 'duration'],
      [
        'a late start and a huge duration',
        { startDateTime: '9999-12-31T00:00:00Z', expiration: { type: 'afterDuration', duration: 'P100000000D' } },
        'duration',
      ],
      [
        'a valid start and a valid duration that end after 9999-12-31',
        { startDateTime: '9999-12-31T00:00:00Z', expiration: { type: 'afterDuration', duration: 'P2D' } },
        'scheduleInfo.expiration.duration',
      ],
      ['a start after 9999-12-31 (by its offset)', { startDateTime: '9999-12-31T23:00:00-05:00', expiration: { type: 'noExpiration' } }, 'startDateTime'],
      ['an end after 9999-12-31 (by its offset)', { expiration: { type: 'afterDateTime', endDateTime: '9999-12-31T23:00:00-05:00' } }, 'endDateTime'],
      ['a start before 1970', { startDateTime: '1969-12-31T00:00:00Z', expiration: { type: 'afterDuration', duration: 'P1D' } }, 'startDateTime'],
    ])('refuses %s', async (_name, scheduleInfo, mentions) => {
      expectGraph400(await refused(() => eligibility(assign(scheduleInfo))), schedule, mentions);
    });

    it('refuses the same on PIM for Groups requests', async () => {
      const res = await refused(() =>
        api.call(api.admin, 'POST', `${GROUP_PIM}/eligibilityScheduleRequests`, {
          action: 'adminAssign',
          principalId: alice.id,
          accessId: 'member',
          groupId,
          justification: 'ok',
          scheduleInfo: { startDateTime: '9999-12-31T00:00:00Z', expiration: { type: 'afterDuration', duration: 'P2D' } },
        }),
      );
      expectGraph400(res, schedule, 'scheduleInfo.expiration.duration');
    });

    it('refuses an activation whose default length (the policy maximum) would end after 9999-12-31', async () => {
      const res = await refused(() =>
        api.call(alice, 'POST', `${DIR}/roleAssignmentScheduleRequests`, {
          action: 'selfActivate',
          principalId: alice.id,
          roleDefinitionId: ROLE.userAdministrator,
          justification: 'ok',
          scheduleInfo: { startDateTime: '9999-12-31T20:00:00Z', expiration: { type: 'notSpecified' } },
        }),
      );
      expectGraph400(res, schedule, 'scheduleInfo.startDateTime');
    });

    it('refuses a policy maximum over 100 years, and a grant under one stored without HTTP is a 400, not a 500', async () => {
      const rule = `/v1.0/policies/roleManagementPolicies/${policyId}/rules/Expiration_Admin_Eligibility`;
      expectGraph400(
        await refused(() => api.call(api.admin, 'PATCH', rule, { isExpirationRequired: true, maximumDuration: 'P14300000W' })),
        schedule,
        'maximumDuration',
        '100 years',
      );
      // The domain re-checks what the CLI or an old database may hold.
      const record = (await api.h.store.read.policies.get(api.h.tenantId, policyId))!;
      const current = (await effectivePolicy(api.h.store.read, record)).rules.Expiration_Admin_Eligibility;
      const stored = { ...current, isExpirationRequired: true, maximumDuration: 'P14300000W' } as PolicyRule;
      const by = { id: api.admin.id, displayName: null };
      await api.h.store.run((tx) => tx.policies.setRule(api.h.tenantId, policyId, stored, by, api.clock.now()));
      try {
        expectGraph400(await refused(() => eligibility(assign({ expiration: { type: 'notSpecified' } }))), schedule, '100 years');
      } finally {
        const own = record.rules.Expiration_Admin_Eligibility;
        await api.h.store.run(async (tx) => {
          if (own) await tx.policies.setRule(api.h.tenantId, policyId, own, by, api.clock.now());
          else await tx.policies.inheritRule(api.h.tenantId, policyId, 'Expiration_Admin_Eligibility', by, api.clock.now());
        });
      }
    });

    it.each(['1969-12-31T23:59:59Z', '9999-12-31T23:59:59-00:01'])('refuses a $filter date literal outside the range: %s', async (literal) => {
      const res = await api.call(api.admin, 'GET', `${DIR}/roleAssignmentScheduleRequests?$filter=${encodeURIComponent(`createdDateTime gt ${literal}`)}`);
      expectGraph400(res, ['Request_BadRequest', 'Request_UnsupportedQuery'], 'createdDateTime', '1970');
    });

    it('still grants up to the last day of 9999', async () => {
      const res = await eligibility(
        assign(
          { startDateTime: '9999-12-30T00:00:00Z', expiration: { type: 'afterDateTime', endDateTime: '9999-12-31T23:59:59Z' } },
          { roleDefinitionId: ROLE.securityReader },
        ),
      );
      expect(res.statusCode, res.body).toBe(201);
      expect(json<{ scheduleInfo: { expiration: { endDateTime: string } } }>(res).scheduleInfo.expiration.endDateTime).toBe('9999-12-31T23:59:59.000Z');
    });
  });

  describe('control characters', () => {
    it.each([
      [
        'NUL in a justification',
        () => eligibility(assign({ expiration: { type: 'afterDuration', duration: 'P1D' } }, { justification: 'inc\u0000ident' })),
        'justification',
      ],
      ['NUL in a resource scope id', () => api.call(api.admin, 'POST', '/openpim/scopes', { id: '/databases/pg\u0000prod' }), 'id'],
      ['NUL in a display name', () => api.call(api.admin, 'POST', '/v1.0/groups', { displayName: 'Ops\u0000' }), 'displayName'],
      ['DEL in a display name', () => api.call(api.admin, 'POST', '/v1.0/groups', { displayName: 'Ops\u007f' }), 'displayName'],
      ['a line break in a display name', () => api.call(api.admin, 'POST', '/v1.0/groups', { displayName: 'Ops\nAdmins' }), 'displayName'],
      ['a line break in a scope id', () => api.call(api.admin, 'POST', '/openpim/scopes', { id: '/databases/pg\nprod' }), 'id'],
      ['NUL in an OData string literal', () => api.call(api.admin, 'GET', `/v1.0/users?$filter=${encodeURIComponent("displayName eq 'a\u0000b'")}`), '$filter'],
      ['NUL in a URL path id', () => api.call(api.admin, 'GET', '/v1.0/users/a%00b'), 'path'],
      ['a line break in a URL path id', () => api.call(api.admin, 'GET', '/v1.0/users/a%0Ab'), 'path'],
      ['NUL in a scope path', () => api.call(api.admin, 'GET', '/openpim/scopes/databases/pg%00prod'), 'path'],
      [
        'NUL in the sign-in user name',
        () => api.call(null, 'POST', '/openpim/auth/signin', { userPrincipalName: 'alice\u0000@contoso.test', password: PASSWORD }),
        'userPrincipalName',
      ],
      [
        'NUL in the sign-in password',
        () => api.call(null, 'POST', '/openpim/auth/signin', { userPrincipalName: 'alice@contoso.test', password: `${PASSWORD}\u0000` }),
        'password',
      ],
      [
        'NUL in the browser sign-in password',
        () => api.call(null, 'POST', '/openpim/auth/session', { userPrincipalName: 'alice@contoso.test', password: `\u0000${PASSWORD}` }),
        'password',
      ],
      [
        'NUL in the browser sign-in user name',
        () => api.call(null, 'POST', '/openpim/auth/session', { userPrincipalName: 'alice@contoso.test\u0000', password: PASSWORD }),
        'userPrincipalName',
      ],
    ] as const)('refuses %s with a 400 in Graph shape', async (_name, call, mentions) => {
      expectGraph400(await refused(call), bad, mentions);
    });

    it('keeps tabs and line breaks in free text', async () => {
      const justification = 'Incident 4711:\r\n\tfirst line\n\tsecond line';
      const res = await eligibility(assign({ expiration: { type: 'afterDuration', duration: 'P1D' } }, { justification, roleDefinitionId: ROLE.globalReader }));
      expect(res.statusCode, res.body).toBe(201);
      expect(json(res).justification).toBe(justification);
      const stored = await api.h.store.read.requests.get(api.h.tenantId, 'eligibility', json(res).id as string);
      expect(stored?.justification).toBe(justification);
    });

    it.each([
      ['NUL in a userName', () => scim('POST', '/Users', { userName: 'eve\u0000@contoso.test' }), 'userName'],
      ['a line break in a userName', () => scim('POST', '/Users', { userName: 'eve\n@contoso.test' }), 'userName'],
      ['NUL in a display name', () => scim('POST', '/Groups', { displayName: 'Ops\u0000' }), 'displayName'],
      ['NUL in a PATCH value', () => scim('PATCH', `/Users/${alice.id}`, { Operations: [{ op: 'replace', path: 'displayName', value: 'A\u0000' }] }), 'value'],
      ['NUL in a filter', () => scim('GET', `/Users?filter=${encodeURIComponent('userName eq "a\u0000b"')}`), 'filter'],
      ['NUL in a path id', () => scim('GET', '/Users/a%00b'), 'path'],
    ] as const)('refuses %s under /scim/v2 with a 400 in SCIM shape', async (_name, call, mentions) => {
      expectScim400(await refused(call), mentions);
    });

    it('refuses NUL at the token endpoint with an OAuth invalid_request', async () => {
      const res = await refused(() =>
        api.app.inject({
          method: 'POST',
          url: TOKEN,
          headers: FORM,
          payload: `grant_type=client_credentials&client_id=a%00b&client_secret=${encodeURIComponent(PASSWORD)}`,
        }),
      );
      expect(res.statusCode, res.body).toBe(400);
      expect(json(res)).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('client_id') });
    });
  });
});
