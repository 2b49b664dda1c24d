/**
 * Bad input at the HTTP edge: every malformed, mistyped, unknown or oversize thing a client can
 * send gets a 400 (401, 404) in Graph's error shape, names the problem without internals, and
 * changes nothing in the database.
 */
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { json, openHttpHarness, type As, type GraphErrorBody, type HttpHarness } from '../support/http-harness.ts';

const DIR = '/v1.0/roleManagement/directory';
const BODY_LIMIT = 16 * 1024;

/** Graph's error shape, with no trace of the implementation. */
function expectGraphError(res: LightMyRequestResponse, status: number, codes: readonly string[]): GraphErrorBody['error'] {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = json<GraphErrorBody>(res);
  expect(Object.keys(body)).toEqual(['error']);
  expect(codes).toContain(body.error.code);
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.error.message.length).toBeGreaterThan(10);
  expect(body.error.innerError.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  expect(body.error.innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(res.body).not.toMatch(/\bat [\w.<>]+ \(|\.ts:\d+|node_modules|stack|SQLITE|kysely|zod/i);
  return body.error;
}

interface Case {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly body?: unknown;
  readonly payload?: string;
  readonly headers?: Record<string, string>;
  /** Accepted error codes (the first is the expected one; alternatives are equally sensible). */
  readonly codes?: readonly string[];
  readonly status?: number;
  /** Words the message must contain. */
  readonly mentions?: readonly string[];
}

describe('bad input', () => {
  let api: HttpHarness;
  let alice: Principal;
  let groupId: string;
  let policyId: string;

  beforeAll(async () => {
    api = await openHttpHarness({ bodyLimit: BODY_LIMIT });
    alice = await api.h.user('alice@contoso.test');
    await api.h.submit(api.h.admin, { kind: 'eligibility', action: 'adminAssign', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator });
    const group = await api.call(api.admin, 'POST', '/v1.0/groups', { displayName: 'Helpdesk' });
    groupId = json(group).id as string;
    policyId = (await api.h.store.read.policies.forRoleAt(api.h.tenantId, ROLE.userAdministrator, '/'))!.id;
  });
  afterAll(async () => api?.close());

  const assign = (over: Record<string, unknown> = {}, expiration: Record<string, unknown> = { type: 'afterDuration', duration: 'P30D' }) => ({
    action: 'adminAssign',
    principalId: alice.id,
    roleDefinitionId: ROLE.helpdeskAdministrator,
    directoryScopeId: '/',
    justification: 'ok',
    scheduleInfo: { startDateTime: '2026-01-05T09:00:00Z', expiration },
    ...over,
  });
  const activate = (scheduleInfo: Record<string, unknown>) => ({
    action: 'selfActivate',
    principalId: alice.id,
    roleDefinitionId: ROLE.userAdministrator,
    justification: 'ok',
    scheduleInfo,
  });
  const bad = ['Request_BadRequest'];
  const schedule = ['Request_BadRequest', 'InvalidScheduleInfo'];
  const query = ['Request_BadRequest', 'Request_UnsupportedQuery'];

  const cases = (): Case[] => [
    // Bodies that are not a JSON object.
    { name: 'malformed JSON', method: 'POST', url: '/v1.0/users', payload: '{"displayName": "Eve",', codes: bad, mentions: ['JSON'] },
    { name: 'malformed JSON on a request', method: 'POST', url: `${DIR}/roleEligibilityScheduleRequests`, payload: "{'action':'adminAssign'}", codes: bad },
    { name: 'empty body for POST /users', method: 'POST', url: '/v1.0/users', payload: '', codes: bad },
    { name: 'empty body for a request', method: 'POST', url: `${DIR}/roleAssignmentScheduleRequests`, payload: '', codes: bad },
    { name: 'JSON array body', method: 'POST', url: '/v1.0/users', payload: '[]', codes: bad },
    { name: 'JSON null body', method: 'POST', url: `${DIR}/roleEligibilityScheduleRequests`, payload: 'null', codes: bad },
    { name: 'JSON string body', method: 'POST', url: '/v1.0/groups', payload: '"Helpdesk"', codes: bad },
    // Nested deeper than a recursive walk of the body survives (it answered 500): still just a bad body.
    {
      name: 'arrays nested 8000 deep',
      method: 'POST',
      url: '/v1.0/groups',
      payload: `${'['.repeat(8000)}${']'.repeat(8000)}`,
      codes: bad,
      mentions: ['JSON object'],
    },
    {
      name: 'a NUL under objects nested 2500 deep',
      method: 'POST',
      url: '/v1.0/groups',
      payload: `${'{"a":'.repeat(2500)}"\\u0000"${'}'.repeat(2500)}`,
      codes: bad,
      mentions: ['control character'],
    },
    {
      name: 'empty rule PATCH',
      method: 'PATCH',
      url: `/v1.0/policies/roleManagementPolicies/${policyId}/rules/Expiration_EndUser_Assignment`,
      payload: '',
      codes: bad,
    },
    {
      name: 'form-encoded body',
      method: 'POST',
      url: '/v1.0/users',
      payload: 'displayName=Eve',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      status: 415,
      codes: bad,
    },
    // Unknown and wrongly typed fields.
    {
      name: 'unknown field on a user',
      method: 'POST',
      url: '/v1.0/users',
      body: { displayName: 'Eve', userPrincipalName: 'eve@contoso.test', favouriteColour: 'red' },
      codes: bad,
      mentions: ['favouriteColour'],
    },
    {
      name: 'typo in a request field',
      method: 'POST',
      url: `${DIR}/roleEligibilityScheduleRequests`,
      body: { ...assign(), principalID: alice.id },
      codes: bad,
      mentions: ['principalID'],
    },
    {
      name: 'unknown field in scheduleInfo',
      method: 'POST',
      url: `${DIR}/roleEligibilityScheduleRequests`,
      body: assign({ scheduleInfo: { expiration: { type: 'noExpiration' }, endsOn: 'soon' } }),
      codes: bad,
      mentions: ['endsOn'],
    },
    {
      name: 'unknown field in a rule PATCH',
      method: 'PATCH',
      url: `/v1.0/policies/roleManagementPolicies/${policyId}/rules/Expiration_EndUser_Assignment`,
      body: { maximumDuration: 'PT2H', maxDuration: 'PT2H' },
      codes: bad,
      mentions: ['maxDuration'],
    },
    {
      name: 'accountEnabled as a string',
      method: 'POST',
      url: '/v1.0/users',
      body: { displayName: 'Eve', userPrincipalName: 'eve@contoso.test', accountEnabled: 'yes' },
      codes: bad,
      mentions: ['accountEnabled'],
    },
    { name: 'displayName as a number', method: 'POST', url: '/v1.0/groups', body: { displayName: 42 }, codes: bad, mentions: ['displayName'] },
    { name: 'missing userPrincipalName', method: 'POST', url: '/v1.0/users', body: { displayName: 'Eve' }, codes: bad, mentions: ['userPrincipalName'] },
    {
      name: 'isValidationOnly as a string',
      method: 'POST',
      url: `${DIR}/roleEligibilityScheduleRequests`,
      body: assign({ isValidationOnly: 'false' }),
      codes: bad,
      mentions: ['isValidationOnly'],
    },
    {
      name: 'justification as an object',
      method: 'POST',
      url: `${DIR}/roleEligibilityScheduleRequests`,
      body: assign({ justification: { text: 'x' } }),
      codes: bad,
      mentions: ['justification'],
    },
    {
      name: 'unknown action',
      method: 'POST',
      url: `${DIR}/roleEligibilityScheduleRequests`,
      body: assign({ action: 'adminGrant' }),
      codes: bad,
      mentions: ['action'],
    },
    {
      name: 'expiration type unknown',
      method: 'POST',
      url: `${DIR}/roleEligibilityScheduleRequests`,
      body: assign({}, { type: 'whenever' }),
      codes: bad,
      mentions: ['type'],
    },
    {
      name: 'rule PATCH of the wrong @odata.type',
      method: 'PATCH',
      url: `/v1.0/policies/roleManagementPolicies/${policyId}/rules/Expiration_EndUser_Assignment`,
      body: { '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule', enabledRules: [] },
      codes: bad,
    },
    {
      name: 'rule PATCH naming another rule',
      method: 'PATCH',
      url: `/v1.0/policies/roleManagementPolicies/${policyId}/rules/Expiration_EndUser_Assignment`,
      body: { id: 'Expiration_Admin_Eligibility', maximumDuration: 'PT2H' },
      codes: bad,
    },
    {
      name: 'rule PATCH with an unknown enabled rule',
      method: 'PATCH',
      url: `/v1.0/policies/roleManagementPolicies/${policyId}/rules/Enablement_EndUser_Assignment`,
      body: { enabledRules: ['Retina'] },
      codes: bad,
    },
    { name: 'member $ref without @odata.id', method: 'POST', url: `/v1.0/groups/${groupId}/members/$ref`, body: { id: alice.id }, codes: bad },
    // Ids that name nothing.
    {
      name: 'unknown principalId',
      method: 'POST',
      url: `${DIR}/roleEligibilityScheduleRequests`,
      body: assign({ principalId: '00000000-0000-4000-8000-000000000000' }),
      codes: bad,
      mentions: ['principalId'],
    },
    {
      name: 'unknown roleDefinitionId',
      method: 'POST',
      url: `${DIR}/roleEligibilityScheduleRequests`,
      body: assign({ roleDefinitionId: '00000000-0000-4000-8000-000000000001' }),
      codes: bad,
      mentions: ['roleDefinitionId'],
    },
    {
      name: 'unknown directoryScopeId',
      method: 'POST',
      url: `${DIR}/roleEligibilityScheduleRequests`,
      body: assign({ directoryScopeId: '/administrativeUnits/nowhere' }),
      codes: bad,
      mentions: ['directoryScopeId'],
    },
    {
      name: 'empty principalId',
      method: 'POST',
      url: `${DIR}/roleEligibilityScheduleRequests`,
      body: assign({ principalId: '' }),
      codes: bad,
      mentions: ['principalId'],
    },
    {
      name: 'unknown member to add',
      method: 'POST',
      url: `/v1.0/groups/${groupId}/members/$ref`,
      body: { '@odata.id': 'https://graph.microsoft.com/v1.0/directoryObjects/nobody' },
      codes: bad,
    },
    // Durations and dates.
    {
      name: 'duration P1Y',
      method: 'POST',
      url: `${DIR}/roleEligibilityScheduleRequests`,
      body: assign({}, { type: 'afterDuration', duration: 'P1Y' }),
      codes: schedule,
      mentions: ['duration'],
    },
    {
      name: 'duration PT',
      method: 'POST',
      url: `${DIR}/roleEligibilityScheduleRequests`,
      body: assign({}, { type: 'afterDuration', duration: 'PT' }),
      codes: schedule,
      mentions: ['duration'],
    },
    {
      name: "duration 'abc'",
      method: 'POST',
      url: `${DIR}/roleAssignmentScheduleRequests`,
      body: activate({ expiration: { type: 'afterDuration', duration: 'abc' } }),
      codes: schedule,
      mentions: ['duration'],
    },
    {
      name: 'afterDuration without a duration',
      method: 'POST',
      url: `${DIR}/roleEligibilityScheduleRequests`,
      body: assign({}, { type: 'afterDuration' }),
      codes: schedule,
      mentions: ['duration'],
    },
    {
      name: 'afterDateTime without endDateTime',
      method: 'POST',
      url: `${DIR}/roleEligibilityScheduleRequests`,
      body: assign({}, { type: 'afterDateTime' }),
      codes: schedule,
      mentions: ['endDateTime'],
    },
    {
      name: 'date without a time zone',
      method: 'POST',
      url: `${DIR}/roleEligibilityScheduleRequests`,
      body: assign({}, { type: 'afterDateTime', endDateTime: '2026-03-01T00:00:00' }),
      codes: schedule,
      mentions: ['2026-03-01T00:00:00'],
    },
    {
      name: 'February 30th',
      method: 'POST',
      url: `${DIR}/roleEligibilityScheduleRequests`,
      body: assign({}, { type: 'afterDateTime', endDateTime: '2026-02-30T00:00:00Z' }),
      codes: schedule,
      mentions: ['2026-02-30'],
    },
    {
      name: 'hour 25',
      method: 'POST',
      url: `${DIR}/roleAssignmentScheduleRequests`,
      body: activate({ startDateTime: '2026-01-05T25:00:00Z', expiration: { type: 'afterDuration', duration: 'PT1H' } }),
      codes: schedule,
    },
    {
      name: 'start date as a number',
      method: 'POST',
      url: `${DIR}/roleAssignmentScheduleRequests`,
      body: activate({ startDateTime: 1767603600000, expiration: { type: 'afterDuration', duration: 'PT1H' } }),
      codes: schedule,
    },
    {
      name: 'rule maximumDuration P1Y',
      method: 'PATCH',
      url: `/v1.0/policies/roleManagementPolicies/${policyId}/rules/Expiration_EndUser_Assignment`,
      body: { maximumDuration: 'P1Y' },
      codes: schedule,
      mentions: ['maximumDuration'],
    },
    // Too big.
    {
      name: 'oversize body',
      method: 'POST',
      url: '/v1.0/users',
      body: { displayName: 'x'.repeat(BODY_LIMIT), userPrincipalName: 'big@contoso.test' },
      codes: ['RequestBodyTooLarge'],
    },
    // OData options.
    { name: '$top=0', method: 'GET', url: '/v1.0/users?$top=0', codes: query, mentions: ['$top'] },
    { name: '$top=abc', method: 'GET', url: '/v1.0/users?$top=abc', codes: query, mentions: ['$top'] },
    { name: '$top too large', method: 'GET', url: `${DIR}/roleDefinitions?$top=100000`, codes: query, mentions: ['$top'] },
    { name: '$top twice', method: 'GET', url: '/v1.0/users?$top=1&$top=2', codes: query, mentions: ['$top'] },
    { name: '$skip=-1', method: 'GET', url: '/v1.0/users?$skip=-1', codes: query, mentions: ['$skip'] },
    { name: 'forged $skiptoken', method: 'GET', url: '/v1.0/users?$skiptoken=not-ours!', codes: query, mentions: ['skiptoken'] },
    { name: '$count=maybe', method: 'GET', url: '/v1.0/users?$count=maybe', codes: query, mentions: ['$count'] },
    { name: '$filter unfinished', method: 'GET', url: `/v1.0/users?$filter=${encodeURIComponent('displayName eq')}`, codes: query, mentions: ['$filter'] },
    {
      name: '$filter unterminated string',
      method: 'GET',
      url: `/v1.0/users?$filter=${encodeURIComponent("displayName eq 'Eve")}`,
      codes: query,
      mentions: ['$filter'],
    },
    {
      name: '$filter unbalanced parentheses',
      method: 'GET',
      url: `${DIR}/roleAssignmentScheduleRequests?$filter=${encodeURIComponent("(status eq 'Provisioned'")}`,
      codes: query,
    },
    { name: '$filter with a function', method: 'GET', url: `/v1.0/users?$filter=${encodeURIComponent("startswith(displayName,'A')")}`, codes: query },
    {
      name: '$filter on an unknown field',
      method: 'GET',
      url: `/v1.0/users?$filter=${encodeURIComponent("colour eq 'red'")}`,
      codes: query,
      mentions: ['colour'],
    },
    {
      name: '$filter on an unknown field of requests',
      method: 'GET',
      url: `${DIR}/roleEligibilityScheduleRequests?$filter=${encodeURIComponent("owner eq 'x'")}`,
      codes: query,
      mentions: ['owner'],
    },
    {
      name: '$filter comparing a date with a word',
      method: 'GET',
      url: `/v1.0/users?$filter=${encodeURIComponent('createdDateTime gt yesterday')}`,
      codes: query,
    },
    {
      name: '$filter comparing a boolean with a string',
      method: 'GET',
      url: `/v1.0/users?$filter=${encodeURIComponent("accountEnabled eq 'yes'")}`,
      codes: query,
      mentions: ['accountEnabled'],
    },
    {
      name: '$filter with February 30th',
      method: 'GET',
      url: `${DIR}/roleAssignmentScheduleRequests?$filter=${encodeURIComponent('createdDateTime gt 2026-02-30T00:00:00Z')}`,
      codes: query,
    },
    { name: '$select of an unknown property', method: 'GET', url: '/v1.0/users?$select=displayName,shoeSize', codes: query, mentions: ['shoeSize'] },
    {
      name: '$select of an unknown property on one entity',
      method: 'GET',
      url: `/v1.0/users/${alice.id}?$select=shoeSize`,
      codes: query,
      mentions: ['shoeSize'],
    },
    { name: '$orderby of an unknown property', method: 'GET', url: `${DIR}/roleDefinitions?$orderby=colour`, codes: query, mentions: ['colour'] },
    {
      name: '$orderby with a bad direction',
      method: 'GET',
      url: `${DIR}/roleDefinitions?$orderby=${encodeURIComponent('displayName sideways')}`,
      codes: query,
    },
    {
      name: '$expand of an unknown property',
      method: 'GET',
      url: `${DIR}/roleAssignmentScheduleInstances?$expand=manager`,
      codes: query,
      mentions: ['manager'],
    },
    { name: 'an unsupported option ($search)', method: 'GET', url: '/v1.0/users?$search=eve', codes: query, mentions: ['$search'] },
  ];

  it('answers each with a 4xx in Graph error shape and changes nothing', async () => {
    const seen = new Set<string>();
    for (const c of cases()) {
      expect(seen.has(c.name), `duplicate case ${c.name}`).toBe(false);
      seen.add(c.name);
      const before = await api.counts();
      const res = await api.call(api.admin, c.method, c.url, c.body, { payload: c.payload, headers: c.headers });
      const error = expectGraphError(res, c.status ?? 400, c.codes ?? bad);
      for (const word of c.mentions ?? []) expect(error.message, `${c.name}: ${error.message}`).toContain(word);
      expect(await api.counts(), c.name).toEqual(before);
    }
  });

  it('answers 401 with a Bearer challenge to a missing, malformed, foreign or expired token', async () => {
    const other = await openHttpHarness();
    try {
      const foreign = await other.token(other.admin);
      const expired = await api.token(api.admin, { ttl: 'PT5M' });
      const unknownPrincipal = await api.token('00000000-0000-4000-8000-0000000000aa');
      const tokens: readonly [string, As, Record<string, string>?][] = [
        ['no token', null],
        ['garbage', 'not.a.jwt'],
        ['a token signed by another server', foreign],
        ['a token for nobody', unknownPrincipal],
        ['Basic credentials', null, { authorization: 'Basic YWRtaW46YWRtaW4=' }],
        ['an empty bearer', null, { authorization: 'Bearer ' }],
      ];
      const check = async (label: string, who: As, headers?: Record<string, string>) => {
        const before = await api.counts();
        const res = await api.call(who, 'POST', '/v1.0/users', { displayName: 'Eve', userPrincipalName: 'eve@contoso.test' }, { headers });
        expectGraphError(res, 401, ['InvalidAuthenticationToken']);
        expect(res.headers['www-authenticate'], label).toMatch(/^Bearer realm="openpim"/);
        expect(await api.counts(), label).toEqual(before);
        const read = await api.call(who, 'GET', `${DIR}/roleDefinitions`, undefined, { headers });
        expect(read.statusCode, label).toBe(401);
      };
      for (const [label, who, headers] of tokens) await check(label, who, headers);
      api.clock.advance('PT6M');
      await check('an expired token', expired);
      // A token is refused once its principal is disabled.
      await api.h.store.db
        .updateTable('principals')
        .set({ account_enabled: 0 as never })
        .where('id', '=', alice.id)
        .execute();
      await check('a token of a disabled user', await api.token(alice));
      await api.h.store.db
        .updateTable('principals')
        .set({ account_enabled: 1 as never })
        .where('id', '=', alice.id)
        .execute();
    } finally {
      await other.close();
    }
  });

  it('answers 404 in Graph shape for ids in the path that name nothing', async () => {
    const nobody = '00000000-0000-4000-8000-0000000000ff';
    const paths: readonly [Case['method'], string][] = [
      ['GET', `/v1.0/users/${nobody}`],
      ['GET', `/v1.0/users/nobody@contoso.test`],
      ['GET', `/v1.0/groups/${nobody}`],
      ['GET', `/v1.0/groups/${alice.id}`], // a user is not a group
      ['GET', `/v1.0/groups/${nobody}/members`],
      ['POST', `/v1.0/groups/${nobody}/members/$ref`],
      ['DELETE', `/v1.0/groups/${groupId}/members/${alice.id}/$ref`],
      ['GET', `${DIR}/roleDefinitions/${nobody}`],
      ['GET', `${DIR}/roleAssignmentScheduleRequests/${nobody}`],
      ['GET', `${DIR}/roleEligibilityScheduleRequests/${nobody}`],
      ['POST', `${DIR}/roleAssignmentScheduleRequests/${nobody}/cancel`],
      ['GET', `${DIR}/roleAssignmentSchedules/${nobody}`],
      ['GET', `${DIR}/roleEligibilityScheduleInstances/${nobody}`],
      ['GET', `/v1.0/policies/roleManagementPolicies/${nobody}`],
      ['GET', `/v1.0/policies/roleManagementPolicies/${policyId}/rules/Expiration_Nobody`],
      ['PATCH', `/v1.0/policies/roleManagementPolicies/${nobody}/rules/Expiration_EndUser_Assignment`],
      ['GET', `/v1.0/policies/roleManagementPolicyAssignments/${nobody}`],
      ['GET', `/v1.0/auditLogs/directoryAudits/${nobody}`],
      ['GET', `/v1.0/servicePrincipals/${nobody}`],
      ['GET', `/v1.0/servicePrincipals/${alice.id}`], // a user is not a service principal
      ['GET', '/v1.0/applications'],
      ['GET', '/v2.0/users'],
    ];
    for (const [method, url] of paths) {
      const before = await api.counts();
      const body =
        method === 'POST' && url.endsWith('$ref')
          ? { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${alice.id}` }
          : method === 'PATCH'
            ? { maximumDuration: 'PT2H' }
            : undefined;
      const res = await api.call(api.admin, method, url, body);
      const error = expectGraphError(res, 404, ['Request_ResourceNotFound']);
      expect(error.message, url).not.toMatch(/undefined|null/);
      expect(await api.counts(), url).toEqual(before);
    }
  });

  it('answers an internal failure with a 500 that names the request id and nothing else', async () => {
    const broken = await openHttpHarness();
    try {
      // Break the store underneath the app: the failure is not one the core knows.
      await sql`alter table role_definitions rename to role_definitions_gone`.execute(broken.h.store.db);
      const res = await broken.call(broken.admin, 'GET', `${DIR}/roleDefinitions`, undefined, { headers: { 'client-request-id': 'trace-me-123' } });
      const error = expectGraphError(res, 500, ['InternalServerError']);
      expect(error.message).toContain('request-id');
      expect(res.body).not.toMatch(/role_definitions|no such table|sqlite/i);
      // The server names the request by its own id and echoes the client's beside it.
      expect(json<GraphErrorBody>(res).error.innerError).toMatchObject({ 'client-request-id': 'trace-me-123' });
    } finally {
      await broken.close();
    }
  });
});
