/**
 * /openapi.json: an OpenAPI 3 document with every Graph route, its summary, tags, path parameters
 * and request body schemas (generated from the zod schemas the handlers validate with).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, openHttpHarness, type HttpHarness } from '../support/http-harness.ts';

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; schema?: { type?: string } }[];
  security?: Record<string, unknown>[];
  requestBody?: { content: Record<string, { schema: { type?: string; properties?: Record<string, unknown>; required?: string[] } }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: { $ref?: string } }> }>;
}
interface OpenApiDocument {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string }>; schemas: Record<string, unknown> };
  security: Record<string, unknown>[];
  tags: { name: string }[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const REQUESTS = '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests';
const RULE = '/v1.0/policies/roleManagementPolicies/{id}/rules/{ruleId}';

let api: HttpHarness;
let doc: OpenApiDocument;

beforeAll(async () => {
  api = await openHttpHarness();
  const res = await api.call(null, 'GET', '/openapi.json');
  expect(res.statusCode).toBe(200);
  doc = json<OpenApiDocument>(res);
});
afterAll(() => api.close());

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ path, method, op })),
  );
const bodySchema = (op: Operation | undefined) => Object.values(op?.requestBody?.content ?? {})[0]?.schema;

const GROUP_REQUESTS = ['assignmentScheduleRequests', 'eligibilityScheduleRequests'].map((c) => `/v1.0/identityGovernance/privilegedAccess/group/${c}`);

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3 document with a bearer security scheme, served without a token', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe('OpenPIM API');
    const schemes = Object.values(doc.components.securitySchemes);
    expect(schemes).toContainEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(doc.security).toContainEqual({ bearer: [] });
  });

  it('lists the main Graph paths and hides the operational ones', () => {
    const paths = Object.keys(doc.paths);
    for (const path of [
      '/v1.0/users',
      '/v1.0/users/{id}',
      '/v1.0/groups',
      '/v1.0/groups/{id}/members/$ref',
      '/v1.0/groups/{id}/members/{memberId}/$ref',
      '/v1.0/directory/administrativeUnits',
      '/v1.0/roleManagement/directory/roleDefinitions',
      REQUESTS,
      `${REQUESTS}/{id}`,
      `${REQUESTS}/{id}/cancel`,
      '/v1.0/roleManagement/directory/roleEligibilityScheduleRequests',
      '/v1.0/roleManagement/directory/roleAssignmentScheduleInstances',
      '/v1.0/roleManagement/directory/roleEligibilitySchedules',
      '/v1.0/roleManagement/directory/roleAssignments',
      '/v1.0/policies/roleManagementPolicies',
      RULE,
      '/v1.0/policies/roleManagementPolicyAssignments',
      '/v1.0/auditLogs/directoryAudits',
      '/openpim/audit/verify',
    ])
      expect(paths).toContain(path);
    expect(paths).not.toContain('/healthz');
    expect(paths).not.toContain('/openapi.json');
  });

  it('gives every operation a summary, known tags, a description of its status codes, and its path parameters', () => {
    const tags = doc.tags.map((t) => t.name);
    expect(tags).toEqual(expect.arrayContaining(['directory', 'roleManagement', 'policies', 'audit']));
    const ops = operations();
    expect(ops.length).toBeGreaterThan(30);
    for (const { path, method, op } of ops) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(op.summary, where).toBeTruthy();
      expect(op.tags?.length, where).toBeGreaterThan(0);
      for (const tag of op.tags!) expect(tags, where).toContain(tag);
      expect(op.description, where).toMatch(/\*\*[2-5]\d\d\*\*/);
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path');
      expect(pathParams.map((p) => p.name).sort(), where).toEqual(names.sort());
      for (const p of pathParams) expect(p.required, where).toBe(true);
    }
  });

  it("lists each operation's status codes, errors in Graph's error shape", () => {
    expect(doc.components.schemas).toHaveProperty('GraphError');
    for (const { path, method, op } of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      const codes = Object.keys(op.responses);
      // Success is a 2xx, or a redirect for the browser's sign-in routes (authorize, identity provider).
      expect(
        codes.some((c) => c.startsWith('2') || c === '302'),
        where,
      ).toBe(true);
      // Public routes (sign-in, the token endpoint) take no bearer token: they say so, and have no generic 401.
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      if (!isPublic) expect(codes, where).toContain('401');
      // The OAuth token endpoint answers RFC 6749 errors; everything else Graph's.
      const errorSchema = path === '/openpim/oauth2/token' ? 'OAuthError' : 'GraphError';
      for (const [code, response] of Object.entries(op.responses)) {
        expect(response.description, where).not.toBe('Default Response');
        if (Number(code) >= 400) expect(response.content?.['application/json']?.schema.$ref, `${where} ${code}`).toBe(`#/components/schemas/${errorSchema}`);
      }
    }
    expect(Object.keys(doc.paths[REQUESTS]!.post!.responses)).toEqual(expect.arrayContaining(['201', '400', '409']));
    expect(doc.paths[RULE]!.patch!.responses['204']).toEqual({ description: 'Updated.' });
  });

  it('documents the body of every POST and PATCH that takes one', () => {
    const withoutBody = new Set([
      ...[REQUESTS, '/v1.0/roleManagement/directory/roleEligibilityScheduleRequests', ...GROUP_REQUESTS].map((r) => `POST ${r}/{id}/cancel`),
      'POST /v1.0/users/{id}/revokeSignInSessions',
    ]);
    for (const { path, method, op } of operations()) {
      if ((method === 'post' || method === 'patch') && !withoutBody.has(`${method.toUpperCase()} ${path}`)) {
        expect(bodySchema(op)?.type, `${method.toUpperCase()} ${path}`).toBe('object');
      }
    }
  });

  it('generates the schedule request body from its zod schema (input side)', () => {
    const schema = bodySchema(doc.paths[REQUESTS]?.post)!;
    expect(Object.keys(schema.properties ?? {})).toEqual(
      expect.arrayContaining(['action', 'principalId', 'roleDefinitionId', 'scheduleInfo', 'justification', 'ticketInfo']),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['action', 'principalId', 'roleDefinitionId']));
    // Defaults make a field optional for the client.
    expect(schema.required).not.toContain('directoryScopeId');
    expect(schema.properties!.action).toMatchObject({ type: 'string', enum: expect.arrayContaining(['adminAssign', 'selfActivate']) });
    // The transformed date-time is described by what is sent: a string.
    const scheduleInfo = schema.properties!.scheduleInfo as { properties: Record<string, { type?: string }> };
    expect(scheduleInfo.properties.startDateTime?.type).toBe('string');
  });

  it('describes the polymorphic rule PATCH loosely, by @odata.type', () => {
    const patch = doc.paths[RULE]?.patch;
    expect(patch?.summary).toBeTruthy();
    const schema = bodySchema(patch)!;
    expect(schema.properties).toHaveProperty('@odata.type');
    expect(doc.paths[RULE]?.get).toBeDefined();
  });

  it('documents the OData options of collections as string query parameters', () => {
    const params = doc.paths[REQUESTS]?.get?.parameters ?? [];
    const query = params.filter((p) => p.in === 'query');
    expect(query.map((p) => p.name)).toEqual(expect.arrayContaining(['$filter', '$top', '$select', '$expand']));
    for (const p of query) expect(p.schema?.type).toBe('string');
  });
});

describe('route schemas are documentation only', () => {
  it('still validates bodies with zod: same code and message as before', async () => {
    const res = await api.call(api.admin, 'POST', REQUESTS, { action: 'adminAssign', principalId: 'x', roleDefinitionId: 'y', bogus: 1 });
    expect(res.statusCode).toBe(400);
    expect(json<{ error: { code: string; message: string } }>(res).error).toMatchObject({
      code: 'Request_BadRequest',
      message: expect.stringContaining("unknown property 'bogus'"),
    });
  });

  it('passes OData options through as strings', async () => {
    const res = await api.call(api.admin, 'GET', "/v1.0/users?$filter=displayName eq 'nobody'&$top=5&$count=true");
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ '@odata.count': 0, value: [] });
    const bad = await api.call(api.admin, 'GET', '/v1.0/users?$top=0');
    expect(bad.statusCode).toBe(400);
  });
});
