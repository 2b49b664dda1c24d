/**
 * Break-glass accounts over HTTP (docs/guide.md, "Break-glass accounts"): every use — a password
 * sign-in, a token, a browser session — is audited once, before the request is served, and raises
 * the alert; later requests with the same token or session add nothing. Ordinary accounts are not
 * recorded. (The alert's recipients and text: test/medium/break-glass.test.ts,
 * test/notify/break-glass-render.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BREAK_GLASS_USED } from '../../src/app/identity/record-break-glass-use.ts';
import { updateAccount } from '../../src/app/identity/update-account.ts';
import { ACTIVITY } from '../../src/domain/audit/activities.ts';
import { csrfTokenFor } from '../../src/domain/identity/sessions.ts';
import { json, openHttpHarness, TEST_PASSWORDS, type HttpHarness } from '../support/http-harness.ts';

const PASSWORD = 'correct horse battery staple';

describe('break-glass use over HTTP', () => {
  let api: HttpHarness;
  beforeAll(async () => {
    api = await openHttpHarness();
    expect(api.admin.isBreakGlass).toBe(true);
    await updateAccount({ uow: api.h.store, clock: api.clock, passwords: TEST_PASSWORDS }, api.h.admin, api.admin.id, { password: PASSWORD });
  });
  afterAll(async () => api?.close());

  /** The break-glass audit events so far: their details. */
  async function uses(): Promise<Record<string, string>[]> {
    const rows = await api.h.store.db.selectFrom('audit_events').select('details').where('activity', '=', ACTIVITY.breakGlassUsed).orderBy('seq').execute();
    return rows.map((r) => JSON.parse(r.details) as Record<string, string>);
  }
  async function alerts(): Promise<number> {
    const row = await api.h.store.db
      .selectFrom('change_feed')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('topic', '=', BREAK_GLASS_USED)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('records a token once, at its first request, with the request line and address', async () => {
    const before = (await uses()).length;
    const token = await api.token(api.admin);
    for (let i = 0; i < 3; i++) expect((await api.call(token, 'GET', '/v1.0/users?$top=1')).statusCode).toBe(200);
    const added = (await uses()).slice(before);
    expect(added).toEqual([expect.objectContaining({ How: 'bearer token', Method: 'GET', Path: '/v1.0/users', SourceIp: '127.0.0.1' })]);
    // A second token is a second use.
    expect((await api.call(await api.token(api.admin, { ttl: 'PT2H' }), 'GET', '/v1.0/users?$top=1')).statusCode).toBe(200);
    expect((await uses()).length).toBe(before + 2);
    expect(await alerts()).toBe(before + 2);
  });

  it('records a refused request too: a use is a use', async () => {
    const before = (await uses()).length;
    const res = await api.call(api.admin, 'POST', '/openpim/scopes', { id: 'not a scope' });
    expect(res.statusCode).toBe(400);
    expect((await uses()).length).toBe(before + 1);
  });

  it('records a password sign-in at once, and the requests with its token not again', async () => {
    const before = (await uses()).length;
    const signedIn = await api.call(null, 'POST', '/openpim/auth/signin', { userPrincipalName: api.admin.userPrincipalName, password: PASSWORD });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect((await uses()).slice(before)).toEqual([expect.objectContaining({ How: 'password sign-in', Method: 'POST', Path: '/openpim/auth/signin' })]);
    const token = json<{ access_token: string }>(signedIn).access_token;
    expect((await api.call(token, 'GET', '/openpim/auth/session')).statusCode).toBe(200);
    expect((await api.call(token, 'GET', '/v1.0/users?$top=1')).statusCode).toBe(200);
    expect((await uses()).length).toBe(before + 1);
  });

  it('records a browser session once, whatever it does afterwards', async () => {
    const before = (await uses()).length;
    const signedIn = await api.call(null, 'POST', '/openpim/auth/session', { userPrincipalName: api.admin.userPrincipalName, password: PASSWORD });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    const secret = /=([^;]+);/.exec(String(signedIn.headers['set-cookie']))![1]!;
    const headers = { cookie: `__Host-openpim-session=${secret}`, 'x-csrf-token': csrfTokenFor(secret) };
    expect((await api.app.inject({ method: 'GET', url: '/v1.0/users?$top=1', headers })).statusCode).toBe(200);
    expect((await api.app.inject({ method: 'POST', url: '/openpim/auth/signout', headers })).statusCode).toBe(204);
    expect((await uses()).slice(before)).toEqual([expect.objectContaining({ How: 'password sign-in (browser)' })]);
  });

  it('records nothing for an ordinary account', async () => {
    const before = (await uses()).length;
    const bob = await api.h.user('bob@contoso.test');
    expect((await api.call(bob, 'GET', '/v1.0/users?$top=1')).statusCode).toBe(200);
    expect((await uses()).length).toBe(before);
  });
});
