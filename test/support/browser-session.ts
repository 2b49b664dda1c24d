/**
 * A browser and an API client signing in over HTTP, for session tests: users with a password, the
 * session cookie and its CSRF token, and the CLI's confirmation page (cli-authorize.routes.ts).
 */
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { json, type GraphErrorBody, type HttpHarness } from './http-harness.ts';

export const PASSWORD = 'correct horse battery staple';
export const SESSION = '/openpim/auth/session';
export const SIGN_OUT = '/openpim/auth/signout';
export const ROLE_DEFINITIONS = '/v1.0/roleManagement/directory/roleDefinitions';
export const REQUESTS = '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests';
export const TOKEN = '/openpim/oauth2/token';
export const AUTHORIZE = '/openpim/auth/authorize';
export const LOOPBACK = 'http://127.0.0.1:53682/callback';
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
export const EDM_TRUE = { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean', value: true };

export const errorCode = (res: LightMyRequestResponse) => json<GraphErrorBody>(res).error.code;
export const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
export const revokePath = (id: string) => `/v1.0/users/${id}/revokeSignInSessions`;
export const activation = (principalId: string) => ({
  action: 'selfActivate',
  principalId,
  roleDefinitionId: ROLE.userAdministrator,
  directoryScopeId: '/',
  justification: 'Incident 4711',
  scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
});

export interface Browser {
  /** `name=value`, as a Cookie header carries it. */
  readonly cookie: string;
  readonly csrf: string;
  readonly res: LightMyRequestResponse;
}

export function setCookies(res: LightMyRequestResponse): string[] {
  const header = res.headers['set-cookie'];
  return header === undefined ? [] : Array.isArray(header) ? header : [header];
}

/** Creates a user with the test password; `fields` adds to or overrides the POST /v1.0/users body (e.g. `mail`). */
export async function createUserWithPassword(api: HttpHarness, upn: string, fields: Readonly<Record<string, unknown>> = {}): Promise<Principal> {
  const res = await api.call(api.admin, 'POST', '/v1.0/users', {
    displayName: upn.split('@')[0],
    userPrincipalName: upn,
    accountEnabled: true,
    mailNickname: upn.split('@')[0],
    passwordProfile: { password: PASSWORD, forceChangePasswordNextSignIn: false },
    ...fields,
  });
  expect(res.statusCode, res.body).toBe(201);
  return (await api.h.store.read.principals.get(api.h.tenantId, json(res).id as string))!;
}

export async function browserSignIn(api: HttpHarness, upn: string, extra: Record<string, unknown> = {}): Promise<Browser> {
  const res = await api.app.inject({
    method: 'POST',
    url: SESSION,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ userPrincipalName: upn, password: PASSWORD, ...extra }),
  });
  expect(res.statusCode, res.body).toBe(200);
  const cookies = setCookies(res);
  expect(cookies).toHaveLength(1);
  return { cookie: cookies[0]!.split(';')[0]!, csrf: json<{ csrfToken: string }>(res).csrfToken, res };
}

export async function apiSignIn(api: HttpHarness, upn: string): Promise<string> {
  const res = await api.app.inject({
    method: 'POST',
    url: '/openpim/auth/signin',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ userPrincipalName: upn, password: PASSWORD }),
  });
  expect(res.statusCode, res.body).toBe(200);
  return json<{ access_token: string }>(res).access_token;
}

/** Headers of a request made by the browser: the cookie, and the CSRF token when given. */
export const asBrowser = (b: Pick<Browser, 'cookie'>, csrf?: string) => ({
  headers: { cookie: b.cookie, ...(csrf !== undefined ? { 'x-csrf-token': csrf } : {}) },
});

/** Status of a GET with the cookie (no CSRF token needed). */
export const cookieWorks = async (api: HttpHarness, b: Browser) => (await api.call(null, 'GET', ROLE_DEFINITIONS, undefined, asBrowser(b))).statusCode;
export const tokenWorks = async (api: HttpHarness, token: string) => (await api.call(token, 'GET', ROLE_DEFINITIONS)).statusCode;

/** The hidden fields of the CLI's confirmation page, as the browser would post them back. */
export function confirmationForm(page: LightMyRequestResponse): Record<string, string> {
  expect(page.statusCode, page.body).toBe(200);
  expect(String(page.headers['content-type'])).toMatch(/^text\/html/);
  const unescape = (v: string) =>
    v
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return Object.fromEntries([...page.body.matchAll(/<input type="hidden" name="([a-z_]+)" value="([^"]*)">/g)].map((m) => [m[1]!, unescape(m[2]!)]));
}

/**
 * The user answers the CLI's confirmation page: GET the authorize URL with the cookie, then post
 * the page's form with `decision`. Returns the answer to the post (a 302 to the loopback address).
 */
export async function answerCli(
  api: Pick<HttpHarness, 'app'>,
  authorizeUrl: string,
  cookie: string,
  decision: 'allow' | 'deny' = 'allow',
): Promise<LightMyRequestResponse> {
  const fields = confirmationForm(await api.app.inject({ method: 'GET', url: authorizeUrl, headers: { cookie } }));
  return api.app.inject({
    method: 'POST',
    url: '/openpim/auth/authorize',
    headers: { cookie, ...FORM },
    payload: new URLSearchParams({ ...fields, decision }).toString(),
  });
}
