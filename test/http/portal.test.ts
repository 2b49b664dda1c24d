/**
 * The portal as the API server serves it (src/http/portal.ts), over a build made for the test:
 * the page at `/` and at the portal's own addresses, with its security headers and no caching;
 * hashed assets cached for a year and sent compressed; API routes first; an unknown API path, a missing file or a
 * client that does not ask for HTML gets the API's 404, never the page; nothing outside the build.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../../src/domain/time.ts';
import { buildApp } from '../../src/http/app.ts';
import { jwtTokens } from '../../src/adapters/jwt-tokens.ts';
import { signingKeyStore } from '../../src/store/signing-keys.ts';
import { FakeClock, testIds } from '../support/fake-clock.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { MEMORY_SQLITE } from '../support/http-harness.ts';
import type { FastifyInstance } from 'fastify';

const PAGE = '<!doctype html><title>OpenPIM</title><script type="module" src="/assets/index-abc123.js"></script>';
const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('the portal served by the API server', () => {
  let dir: string;
  let h: Harness;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openpim-portal-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), PAGE);
    await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(join(tmpdir(), 'openpim-portal-secret.txt'), 'outside the build');
    const clock = new FakeClock();
    h = await openHarness(MEMORY_SQLITE, clock);
    const tokens = jwtTokens(signingKeyStore(h.store.db), clock, testIds);
    app = await buildApp({
      uow: h.store,
      clock,
      ids: testIds,
      tokens,
      mfaMaxAge: HOUR,
      bodyLimit: 64 * 1024,
      isReady: () => true,
      logger: false,
      portalDir: dir,
    });
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['/', '/assignments', '/approvals/3f2a', '/requests/abc?x=1', '/approve?token=t'])(
    'answers the page at %s, signed out, with its security headers',
    async (url) => {
      const res = await app.inject({ method: 'GET', url, headers: HTML });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).toBe(PAGE);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(res.headers['referrer-policy']).toBe('same-origin');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    },
  );

  it("tells a browser with a session cookie to fetch My roles' first reads while the script loads; nobody else", async () => {
    const cookie = '__Host-openpim-session=abc';
    for (const url of ['/', '/assignments']) {
      const res = await app.inject({ method: 'GET', url, headers: { ...HTML, cookie } });
      const links = String(res.headers.link).split(', ');
      expect(links).toContain('</openpim/auth/session>; rel=preload; as=fetch; crossorigin');
      expect(links).toContain(
        "</v1.0/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')>; rel=preload; as=fetch; crossorigin",
      );
      expect(links).toHaveLength(6);
    }
    // Another page, or no session: nothing to fetch ahead.
    expect((await app.inject({ method: 'GET', url: '/approvals', headers: { ...HTML, cookie } })).headers.link).toBeUndefined();
    expect((await app.inject({ method: 'GET', url: '/assignments', headers: HTML })).headers.link).toBeUndefined();
  });

  it('caches hashed assets for a year and other files for an hour', async () => {
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.headers['cache-control']).toBe('public, max-age=3600');
    expect(icon.headers['content-type']).toBe('image/svg+xml');
  });

  it.each([
    ['br', 'gzip, deflate, br, zstd', brotliDecompressSync],
    ['gzip', 'gzip, deflate', gunzipSync],
  ] as const)('sends hashed assets compressed with %s to a browser that accepts it, the same bytes once decoded', async (encoding, accepts, decode) => {
    const res = await app.inject({ method: 'GET', url: '/assets/index-abc123.js', headers: { 'accept-encoding': accepts } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe(encoding);
    expect(res.headers.vary).toContain('accept-encoding');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(decode(res.rawPayload).toString()).toBe('console.log(1)');
    // Without Accept-Encoding: as stored.
    const plain = await app.inject({ method: 'GET', url: '/assets/index-abc123.js', headers: { 'accept-encoding': '' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe('console.log(1)');
  });

  it.each([
    ['a missing asset', '/assets/index-gone.js', HTML],
    ['a file outside the build', '/..%2fopenpim-portal-secret.txt', HTML],
    ['an unknown Graph path', '/v1.0/nothingHere', HTML],
    ['an unknown OpenPIM path', '/openpim/nothing', HTML],
    ['a client that does not ask for HTML', '/v2.0/users', { accept: 'application/json' }],
  ])("answers the API's 404, not the page, for %s", async (_what, url, headers) => {
    const res = await app.inject({ method: 'GET', url, headers });
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json().error.code).toBe('Request_ResourceNotFound');
    expect(res.body).not.toContain('outside the build');
  });

  it('keeps API routes first: /healthz and the API answer as before, and the API still asks for a token', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz', headers: HTML })).json()).toEqual({ status: 'ready' });
    const me = await app.inject({ method: 'GET', url: '/v1.0/me', headers: HTML });
    expect(me.statusCode).toBe(401);
    expect(me.json().error.code).toBe('InvalidAuthenticationToken');
  });

  it('answers a plain page saying the portal is not built when there is no build', async () => {
    const bare = await buildApp({
      uow: h.store,
      clock: h.clock,
      ids: testIds,
      tokens: jwtTokens(signingKeyStore(h.store.db), h.clock, testIds),
      mfaMaxAge: HOUR,
      bodyLimit: 64 * 1024,
      isReady: () => true,
      logger: false,
      portalDir: join(dir, 'missing'),
    });
    try {
      const res = await bare.inject({ method: 'GET', url: '/', headers: HTML });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('not built');
    } finally {
      await bare.close();
    }
  });
});
