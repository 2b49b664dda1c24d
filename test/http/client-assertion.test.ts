/**
 * Certificates of service principals (Graph's addKey/removeKey, keyCredentials) and the token
 * endpoint's private_key_jwt client authentication (RFC 7523 §2.2): a valid assertion gives a
 * working token once; every forged, replayed, mis-addressed or mis-timed one is the same 401
 * invalid_client. Certificates are made by openssl in a temporary directory.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY } from '../../src/domain/audit/activities.ts';
import { HOUR, MINUTE } from '../../src/domain/time.ts';
import { buildApp } from '../../src/http/app.ts';
import { memoryRateLimiter } from '../../src/http/rate-limit.ts';
import { TOKEN_PATH } from '../../src/http/routes/auth.routes.ts';
import { cryptoRandom } from '../../src/adapters/crypto-random.ts';
import { joseClientAssertions } from '../../src/adapters/jose-client-assertions.ts';
import { jwtTokens, type JwtTokens } from '../../src/adapters/jwt-tokens.ts';
import { signingKeyStore } from '../../src/store/signing-keys.ts';
import { FakeClock, testIds } from '../support/fake-clock.ts';
import { liveAccess, openHarness, type Harness } from '../support/harness.ts';
import { json, MEMORY_SQLITE, TEST_PASSWORDS } from '../support/http-harness.ts';

const HOST = 'pim.contoso.test';
const AUDIENCE = `http://${HOST}${TOKEN_PATH}`;
const PUBLIC_URL = 'https://pim.example.test';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const FORM = { 'content-type': 'application/x-www-form-urlencoded', host: HOST };

interface Cert {
  readonly der: Buffer;
  readonly privateKey: KeyObject;
  /** base64url SHA-1 of the DER: the JWT header x5t. */
  readonly x5t: string;
  readonly x5tS256: string;
  readonly thumbprint: string;
}

let dir: string;
function makeCert(name: string, keyArgs: string[]): Cert {
  const key = join(dir, `${name}.key`);
  const out = join(dir, `${name}.der`);
  execFileSync('openssl', ['req', '-x509', ...keyArgs, '-nodes', '-keyout', key, '-out', out, '-outform', 'DER', '-days', '30', '-subj', `/CN=${name}`], {
    stdio: 'pipe',
  });
  const der = readFileSync(out);
  return {
    der,
    privateKey: createPrivateKey(readFileSync(key)),
    x5t: createHash('sha1').update(der).digest('base64url'),
    x5tS256: createHash('sha256').update(der).digest('base64url'),
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
  };
}

let h: Harness;
let tokens: JwtTokens;
let app: FastifyInstance;
let publicApp: FastifyInstance;
let rsa: Cert;
let ec: Cert;
let weak: Cert;
let stranger: Cert;
let spId: string;
let rsaKeyId: string;
let aliceId: string;

async function build(publicUrl?: string, perAccountPerMinute = 100_000): Promise<FastifyInstance> {
  const built = await buildApp({
    access: await liveAccess(h),
    uow: h.store,
    clock: h.clock,
    ids: testIds,
    tokens,
    mfaMaxAge: HOUR,
    bodyLimit: 64 * 1024,
    isReady: () => true,
    logger: false,
    identity: {
      passwords: TEST_PASSWORDS,
      random: cryptoRandom,
      issuer: tokens,
      tokenTtl: HOUR,
      rateLimiter: memoryRateLimiter(h.clock, { perIpPerMinute: 100_000, perAccountPerMinute }),
      clientAssertions: { verifier: joseClientAssertions, ...(publicUrl ? { publicUrl } : {}) },
    },
  });
  await built.ready();
  return built;
}

async function call(who: string | null, method: 'GET' | 'POST', url: string, body?: unknown): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { host: HOST };
  if (who) headers.authorization = `Bearer ${who}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return app.inject({ method, url, headers, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
}

const bearer = (principalId: string) => tokens.issue({ tenantId: h.tenantId, principalId, amr: ['pwd', 'mfa'], authTime: h.clock.now(), acrs: [] }, HOUR);
const addKey = async (who: string, key: string, id = spId) =>
  call(who, 'POST', `/v1.0/servicePrincipals/${id}/addKey`, {
    keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key, displayName: 'ci' },
    passwordCredential: null,
    proof: null,
  });

interface AssertionOptions {
  cert?: Cert;
  alg?: string;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

/** A client assertion as MSAL makes one, signed at the fake clock's now; options override parts. */
async function assertion(o: AssertionOptions = {}): Promise<string> {
  const cert = o.cert ?? rsa;
  const now = Math.floor(h.clock.now() / 1000);
  const claims = { iss: spId, sub: spId, aud: AUDIENCE, jti: randomUUID(), iat: now, nbf: now, exp: now + 300, ...o.claims };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete (claims as Record<string, unknown>)[k];
  return new SignJWT(claims).setProtectedHeader({ alg: o.alg ?? 'RS256', typ: 'JWT', x5t: cert.x5t, ...o.header } as never).sign(cert.privateKey);
}

const tokenRequest = (fields: Record<string, string>, target: FastifyInstance = app, headers: Record<string, string> = FORM) =>
  target.inject({ method: 'POST', url: TOKEN_PATH, headers, payload: new URLSearchParams(fields).toString() });
const withAssertion = (a: string, target?: FastifyInstance) =>
  tokenRequest({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: a }, target);

function expectInvalidClient(res: LightMyRequestResponse, what: string): void {
  expect(res.statusCode, `${what}: ${res.body}`).toBe(401);
  expect(json(res), what).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed: the client assertion is not valid.' });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'openpim-certs-'));
  rsa = makeCert('rsa', ['-newkey', 'rsa:2048']);
  ec = makeCert('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  weak = makeCert('weak', ['-newkey', 'rsa:1024']);
  stranger = makeCert('stranger', ['-newkey', 'rsa:2048']);
  // Certificates are valid from the real now: the fake clock starts a minute later.
  h = await openHarness(MEMORY_SQLITE, new FakeClock(Date.now() + MINUTE));
  tokens = jwtTokens(signingKeyStore(h.store.db), h.clock, testIds);
  app = await build();
  publicApp = await build(PUBLIC_URL);
  const admin = await bearer(h.admin.principal.id);
  spId = json<{ id: string }>(await call(admin, 'POST', '/v1.0/servicePrincipals', { displayName: 'deployer' })).id;
});

afterAll(async () => {
  await app?.close();
  await publicApp?.close();
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('addKey and removeKey', () => {
  it('refuses an ordinary user (403) and bad certificates (400, saying why)', async () => {
    aliceId = (await h.user('alice@contoso.test')).id;
    const denied = await addKey(await bearer(aliceId), rsa.der.toString('base64'));
    expect(denied.statusCode, denied.body).toBe(403);
    const admin = await bearer(h.admin.principal.id);
    const cases: [string, string][] = [
      [Buffer.from('not a certificate at all').toString('base64'), 'not an X.509 certificate'],
      ['%%%', 'base64'],
      [weak.der.toString('base64'), 'at least 2048'],
    ];
    for (const [key, message] of cases) {
      const res = await addKey(admin, key);
      expect(res.statusCode, res.body).toBe(400);
      expect(json<{ error: { message: string } }>(res).error.message).toContain(message);
    }
    const wrongType = await call(admin, 'POST', `/v1.0/servicePrincipals/${spId}/addKey`, {
      keyCredential: { type: 'Symmetric', usage: 'Verify', key: rsa.der.toString('base64') },
    });
    expect(wrongType.statusCode).toBe(400);
    expect(json(await call(admin, 'GET', `/v1.0/servicePrincipals/${spId}`)).keyCredentials).toEqual([]);
  });

  it("adds a certificate: Graph's keyCredential with the thumbprint, public material only, audited", async () => {
    const admin = await bearer(h.admin.principal.id);
    const added = await addKey(admin, rsa.der.toString('base64'));
    expect(added.statusCode, added.body).toBe(200);
    const key = json<{ keyId: string }>(added);
    rsaKeyId = key.keyId;
    expect(key).toMatchObject({
      type: 'AsymmetricX509Cert',
      usage: 'Verify',
      customKeyIdentifier: rsa.thumbprint,
      key: rsa.der.toString('base64'),
      displayName: 'ci',
    });
    const shown = await call(admin, 'GET', `/v1.0/servicePrincipals/${spId}`);
    const body = json<{ keyCredentials: Record<string, unknown>[] }>(shown);
    expect(body.keyCredentials).toEqual([expect.objectContaining({ keyId: rsaKeyId, customKeyIdentifier: rsa.thumbprint })]);
    const privateDer = rsa.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    expect(shown.body).not.toContain(privateDer.slice(40, 120));
    expect(shown.body).not.toMatch(/PRIVATE/);
    // Adding the same certificate twice is refused.
    expect((await addKey(admin, rsa.der.toString('base64'))).statusCode).toBe(400);
    const audited = await h.store.db.selectFrom('audit_events').selectAll().where('activity', '=', ACTIVITY.servicePrincipalCredentialsAdded).execute();
    expect(audited.map((e) => JSON.stringify(e))).toEqual([expect.stringContaining(rsaKeyId)]);
  });
});

describe('the token endpoint with a client assertion', () => {
  it('issues a working token for a valid assertion, once', async () => {
    const a = await assertion();
    const res = await withAssertion(a);
    expect(res.statusCode, res.body).toBe(200);
    const accessToken = json<{ access_token: string }>(res).access_token;
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: spId });
    expect(claims).not.toHaveProperty('auth_time');
    expect((await call(accessToken, 'GET', `/v1.0/servicePrincipals/${spId}`)).statusCode).toBe(200);
    expectInvalidClient(await withAssertion(a), 'replayed jti');
    // With client_id in the form too.
    const named = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: spId,
      client_assertion_type: JWT_BEARER,
      client_assertion: await assertion(),
    });
    expect(named.statusCode, named.body).toBe(200);
  });

  it('refuses every forged, mis-addressed or mis-timed assertion with the same invalid_client', async () => {
    const now = Math.floor(h.clock.now() / 1000);
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const valid = await assertion();
    const [head, payload] = valid.split('.');
    // The classic confusion: HMAC keyed with the public key's PEM, which a careless verifier would accept.
    const publicPem = new TextEncoder().encode(new X509Certificate(rsa.der).publicKey.export({ format: 'pem', type: 'spki' }) as string);
    const cases: [string, string | Promise<string>][] = [
      ['wrong aud', assertion({ claims: { aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' } })],
      ['aud of another path', assertion({ claims: { aud: `http://${HOST}/openpim/auth/signin` } })],
      ['expired', assertion({ claims: { iat: now - 900, nbf: now - 900, exp: now - 120 } })],
      ['exp too far ahead', assertion({ claims: { exp: now + 11 * 60 + 120 } })],
      ['no exp', assertion({ claims: { exp: undefined } })],
      ['no jti', assertion({ claims: { jti: undefined } })],
      ['not yet valid (nbf)', assertion({ claims: { nbf: now + 300, exp: now + 500 } })],
      ['issued in the future (iat)', assertion({ claims: { iat: now + 300 } })],
      ['wrong iss', assertion({ claims: { iss: 'someone-else' } })],
      ['wrong sub', assertion({ claims: { sub: 'someone-else' } })],
      ['unknown x5t', assertion({ cert: stranger })],
      ['x5t of the key, signed by another key', assertion({ cert: stranger, header: { x5t: rsa.x5t } })],
      [
        'HS256 with the public key as secret',
        new SignJWT({ iss: spId, sub: spId, aud: AUDIENCE, jti: randomUUID(), exp: now + 300 })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT', x5t: rsa.x5t })
          .sign(publicPem),
      ],
      ['alg none', `${b64({ alg: 'none', typ: 'JWT', x5t: rsa.x5t })}.${b64({ iss: spId, sub: spId, aud: AUDIENCE, jti: randomUUID(), exp: now + 300 })}.`],
      ['ES256 header on an RSA key', assertion({ alg: 'ES256', cert: ec, header: { x5t: rsa.x5t } })],
      ['tampered signature', `${head}.${payload}.${tamper(valid.split('.')[2]!)}`],
      ['tampered payload', `${head}.${b64({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'x' })}.${valid.split('.')[2]}`],
      ['garbage', 'a.b.c'],
    ];
    for (const [what, a] of cases) expectInvalidClient(await withAssertion(await a), what);
    // client_id in the form names the client: the assertion's iss must be it too.
    const otherIss = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: spId,
      client_assertion_type: JWT_BEARER,
      client_assertion: await assertion({ claims: { iss: 'someone-else' } }),
    });
    expectInvalidClient(otherIss, 'iss other than client_id');
    // The untouched assertion was never spent by the failures above.
    expect((await withAssertion(valid)).statusCode).toBe(200);
  });

  it('accepts a P-256 certificate with ES256, named by x5t#S256 or by kid', async () => {
    const admin = await bearer(h.admin.principal.id);
    const added = await addKey(admin, ec.der.toString('base64'));
    expect(added.statusCode, added.body).toBe(200);
    const ecKeyId = json<{ keyId: string }>(added).keyId;
    expect((await withAssertion(await assertion({ cert: ec, alg: 'ES256', header: { x5t: undefined, 'x5t#S256': ec.x5tS256 } }))).statusCode).toBe(200);
    expect((await withAssertion(await assertion({ cert: ec, alg: 'ES256', header: { x5t: undefined, kid: ecKeyId } }))).statusCode).toBe(200);
    expect((await withAssertion(await assertion({ alg: 'PS256' }))).statusCode).toBe(200);
    expectInvalidClient(await withAssertion(await assertion({ alg: 'RS256', header: { x5t: ec.x5t } })), 'RS256 naming the EC key');
  });

  it('checks aud against the configured public URL when there is one', async () => {
    expectInvalidClient(await withAssertion(await assertion(), publicApp), "the Host header's URL with publicUrl set");
    expect((await withAssertion(await assertion({ claims: { aud: `${PUBLIC_URL}${TOKEN_PATH}` } }), publicApp)).statusCode).toBe(200);
  });

  it("counts assertion attempts against the client's rate limit, valid or not", async () => {
    const limited = await build(undefined, 2);
    try {
      expectInvalidClient(await withAssertion(await assertion({ claims: { aud: 'https://elsewhere.test/token' } }), limited), 'wrong aud');
      expect((await withAssertion(await assertion(), limited)).statusCode).toBe(200);
      const third = await withAssertion(await assertion(), limited);
      expect(third.statusCode, third.body).toBe(429);
      expect(json(third).error).toBe('temporarily_unavailable');
    } finally {
      await limited.close();
    }
  });

  it('refuses a secret and an assertion together, and an unknown assertion type (invalid_request)', async () => {
    const both = await tokenRequest({
      grant_type: 'client_credentials',
      client_secret: 'x',
      client_assertion_type: JWT_BEARER,
      client_assertion: await assertion(),
    });
    expect(both.statusCode, both.body).toBe(400);
    expect(json(both).error).toBe('invalid_request');
    const basic = await tokenRequest({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: await assertion() }, app, {
      ...FORM,
      authorization: `Basic ${Buffer.from(`${spId}:secret`).toString('base64')}`,
    });
    expect(basic.statusCode).toBe(400);
    const type = await tokenRequest({ grant_type: 'client_credentials', client_assertion_type: 'urn:other', client_assertion: await assertion() });
    expect(json(type).error).toBe('invalid_request');
  });

  it('stops accepting assertions of a removed key', async () => {
    const admin = await bearer(h.admin.principal.id);
    expect((await call(await bearer(aliceId), 'POST', `/v1.0/servicePrincipals/${spId}/removeKey`, { keyId: rsaKeyId, proof: null })).statusCode).toBe(403);
    expect((await call(admin, 'POST', `/v1.0/servicePrincipals/${spId}/removeKey`, { keyId: rsaKeyId, proof: null })).statusCode).toBe(204);
    expectInvalidClient(await withAssertion(await assertion()), 'removed key');
    expect((await call(admin, 'POST', `/v1.0/servicePrincipals/${spId}/removeKey`, { keyId: rsaKeyId })).statusCode).toBe(404);
  });

  it('stops accepting a key once its certificate has expired, and refuses to add an expired certificate', async () => {
    const ecAssertion = () => assertion({ cert: ec, alg: 'ES256', header: { x5t: ec.x5t } });
    expect((await withAssertion(await ecAssertion())).statusCode).toBe(200);
    h.clock.advance(31 * 24 * HOUR);
    expectInvalidClient(await withAssertion(await ecAssertion()), 'expired certificate');
    const late = await addKey(await bearer(h.admin.principal.id), stranger.der.toString('base64'));
    expect(late.statusCode, late.body).toBe(400);
    expect(json<{ error: { message: string } }>(late).error.message).toContain('expired');
  });
});

/** Flips a bit in the middle of a base64url signature. */
function tamper(signature: string): string {
  const bytes = Buffer.from(signature, 'base64url');
  bytes[bytes.length >> 1]! ^= 1;
  return bytes.toString('base64url');
}
