/**
 * What every response carries, whoever answers it: URLs the router cannot take apart (bad
 * percent-encoding, an over-long path segment) get the error shape of the API they were meant for
 * — Graph's, or SCIM's under /scim/v2 — not the framework's own; and every response, errors and
 * 404s included, says `X-Content-Type-Options: nosniff`.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM, TOKEN } from '../support/browser-session.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { json, openHttpHarness, type GraphErrorBody, type HttpHarness } from '../support/http-harness.ts';

const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LONG = 'a'.repeat(600);

describe.each(TEST_DATABASES)('error shape and headers on $name', (database) => {
  let api: HttpHarness;
  let scimToken: string;
  beforeAll(async () => {
    api = await openHttpHarness({ database });
    scimToken = json(await api.call(api.admin, 'POST', '/openpim/scim/tokens', { displayName: 'IdP' })).token as string;
  });
  afterAll(async () => api?.close());

  const scim = (url: string, token: string | null = scimToken) =>
    api.app.inject({ method: 'GET', url: `/scim/v2${url}`, headers: token ? { authorization: `Bearer ${token}` } : {} });

  /**
   * The statuses a URL may get: the router's refusal — or, for an over-long segment, the API's 404
   * when a catch-all route (the portal's) takes the path the router would not.
   */
  function expectGraph(res: LightMyRequestResponse, statuses: readonly number[]): void {
    expect(statuses, res.body).toContain(res.statusCode);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = json<GraphErrorBody>(res);
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error).toMatchObject({ code: res.statusCode === 404 ? 'Request_ResourceNotFound' : 'Request_BadRequest', message: expect.any(String) });
    expect(body.error.innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body).not.toMatch(/FST_ERR|statusCode/);
  }

  function expectScim(res: LightMyRequestResponse, statuses: readonly number[]): void {
    expect(statuses, res.body).toContain(res.statusCode);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(json(res)).toMatchObject({ schemas: [SCIM_ERROR], status: String(res.statusCode), detail: expect.any(String) });
    expect(res.body).not.toMatch(/FST_ERR|statusCode/);
  }

  it.each([
    ['bad percent-encoding', '/v1.0/users/%E0%A4%A', [400]],
    ['a lone percent sign', '/v1.0/groups/%ZZ/members', [400]],
    ['an over-long path segment', `/v1.0/users/${LONG}`, [414, 404]],
  ])('answers %s in Graph shape', async (_name, url, statuses) => {
    const res = await api.call(api.admin, 'GET', url);
    expectGraph(res, statuses);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each([
    ['bad percent-encoding', '/Users/%E0%A4%A', [400]],
    ['an over-long path segment', `/Groups/${LONG}`, [414, 404]],
    ['a control character in the query of a path no SCIM route takes', '/Nothing?x=%00', [400]],
    ['a control character in the query of a dot-dot path', '/Users/%2e%2e?x=%00', [400]],
  ])('answers %s under /scim/v2 in SCIM shape', async (_name, url, statuses) => {
    const res = await scim(url);
    expectScim(res, statuses);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('says nosniff on every kind of response', async () => {
    const responses: [string, LightMyRequestResponse][] = [
      ['health', await api.app.inject({ method: 'GET', url: '/healthz' })],
      ['OpenAPI', await api.app.inject({ method: 'GET', url: '/openapi.json' })],
      ['a page of users', await api.call(api.admin, 'GET', '/v1.0/users')],
      ['a created group', await api.call(api.admin, 'POST', '/v1.0/groups', { displayName: 'Ops' })],
      ['bad JSON', await api.call(api.admin, 'POST', '/v1.0/groups', undefined, { payload: '{' })],
      ['no token', await api.call(null, 'GET', '/v1.0/users')],
      ['no route', await api.call(api.admin, 'GET', '/v1.0/nothing')],
      ['no route without a token', await api.call(null, 'GET', '/nothing')],
      ['SCIM', await scim('/Users')],
      ['SCIM without a token', await scim('/Users', null)],
      ['SCIM without a route', await scim('/Nothing')],
      ['the token endpoint refusing', await api.app.inject({ method: 'POST', url: TOKEN, headers: FORM, payload: 'grant_type=password' })],
    ];
    for (const [label, res] of responses) {
      expect(res.statusCode, label).toBeLessThan(500);
      expect(res.headers['x-content-type-options'], label).toBe('nosniff');
    }
  });
});
