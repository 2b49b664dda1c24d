/**
 * The storage contract of sign-in sessions (src/app/ports/sessions.ts), the same on SQLite and
 * PostgreSQL: round trips (JSON arrays, nulls, instants), a one-time code taken once, revocation
 * reporting whether it ended anything, the open sessions of a principal, a last-seen time that
 * never goes backwards, and a cookie secret's digest unique.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PendingCode, Session } from '../../src/app/ports/sessions.ts';
import type { Principal } from '../../src/domain/model.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { T0 } from '../support/storage-fixtures.ts';

const HOUR = 3_600_000;

describe.each(TEST_DATABASES)('sessions storage contract on $name', (db) => {
  let h: Harness;
  let alice: Principal;
  let bob: Principal;

  const aSession = (overrides: Partial<Session> = {}): Session => ({
    tenantId: h.tenantId,
    id: randomUUID(),
    principalId: alice.id,
    kind: 'browser',
    method: 'password',
    secretHash: `secret-${randomUUID()}`,
    amr: ['pwd', 'mfa', 'otp'],
    acrs: ['c1'],
    authTime: T0,
    createdAt: T0,
    lastSeenAt: T0,
    expiresAt: T0 + 12 * HOUR,
    revokedAt: null,
    revokedReason: null,
    sourceIp: '192.0.2.7',
    ...overrides,
  });
  const aCode = (overrides: Partial<PendingCode> = {}): PendingCode => ({
    codeHash: `code-${randomUUID()}`,
    challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    redirectUri: 'http://127.0.0.1:53682/callback',
    expiresAt: T0 + 60_000,
    ...overrides,
  });
  const insert = (s: Session, code?: PendingCode) => h.store.run((tx) => tx.sessions.insert(s, code));
  const sessions = () => h.store.read.sessions;

  beforeEach(async () => {
    h = await openHarness(db);
    alice = await h.user('alice@contoso.test');
    bob = await h.user('bob@contoso.test');
  });
  afterEach(async () => h?.close());

  it('round-trips a session through insert, get and bySecretHash: arrays, nulls and instants exactly', async () => {
    const full = aSession();
    const bare = aSession({ kind: 'cli', method: 'session', secretHash: null, amr: [], acrs: [], authTime: null, sourceIp: null });
    await insert(full);
    await insert(bare);
    expect(await sessions().get(h.tenantId, full.id)).toEqual(full);
    expect(await sessions().get(h.tenantId, bare.id)).toEqual(bare);
    expect(await sessions().bySecretHash(full.secretHash!)).toEqual(full);
    expect(await sessions().bySecretHash('no such digest')).toBeNull();
    expect(await sessions().get(h.tenantId, randomUUID())).toBeNull();
    expect(await sessions().get('another-tenant', full.id)).toBeNull();
  });

  it('redeems a code once: the second redemption finds nothing', async () => {
    const s = aSession({ kind: 'cli', method: 'session', secretHash: null });
    const code = aCode();
    await insert(s, code);
    expect(await h.store.run((tx) => tx.sessions.redeemCode(code.codeHash, T0 + 1_000))).toEqual({ ...s, code });
    expect(await h.store.run((tx) => tx.sessions.redeemCode(code.codeHash, T0 + 1_000))).toBeNull();
    expect(await h.store.run((tx) => tx.sessions.redeemCode('unknown', T0))).toBeNull();
    // Redeeming does not revoke the session.
    expect(await sessions().get(h.tenantId, s.id)).toEqual(s);
  });

  it('refuses an expired code, and clears it all the same', async () => {
    const s = aSession({ kind: 'cli', method: 'session', secretHash: null });
    const code = aCode({ expiresAt: T0 + 60_000 });
    await insert(s, code);
    expect(await h.store.run((tx) => tx.sessions.redeemCode(code.codeHash, T0 + 60_000))).toBeNull();
    expect(await h.store.run((tx) => tx.sessions.redeemCode(code.codeHash, T0))).toBeNull();
    const row = await h.store.db
      .selectFrom('sessions')
      .select(['code_hash', 'code_challenge', 'code_redirect_uri', 'code_expires_at'])
      .where('id', '=', s.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ code_hash: null, code_challenge: null, code_redirect_uri: null, code_expires_at: null });
  });

  it('revokes once: true, then false; unknown → false', async () => {
    const s = aSession();
    await insert(s);
    expect(await h.store.run((tx) => tx.sessions.revoke(h.tenantId, s.id, T0 + 5, 'signOut'))).toBe(true);
    expect(await h.store.run((tx) => tx.sessions.revoke(h.tenantId, s.id, T0 + 9, 'again'))).toBe(false);
    expect(await h.store.run((tx) => tx.sessions.revoke(h.tenantId, randomUUID(), T0, 'signOut'))).toBe(false);
    expect(await sessions().get(h.tenantId, s.id)).toEqual({ ...s, revokedAt: T0 + 5, revokedReason: 'signOut' });
  });

  it("revokes all of a principal's sessions, counting only the open ones", async () => {
    const open1 = aSession();
    const open2 = aSession({ kind: 'api', secretHash: null });
    const closed = aSession({ revokedAt: T0 + 1, revokedReason: 'signOut' });
    const bobs = aSession({ principalId: bob.id });
    for (const s of [open1, open2, closed, bobs]) await insert(s);
    expect(await h.store.run((tx) => tx.sessions.revokeAllOf(h.tenantId, alice.id, T0 + 10, 'revokedByUser'))).toBe(2);
    expect(await h.store.run((tx) => tx.sessions.revokeAllOf(h.tenantId, alice.id, T0 + 20, 'revokedByUser'))).toBe(0);
    expect(await sessions().get(h.tenantId, open1.id)).toMatchObject({ revokedAt: T0 + 10, revokedReason: 'revokedByUser' });
    expect(await sessions().get(h.tenantId, open2.id)).toMatchObject({ revokedAt: T0 + 10, revokedReason: 'revokedByUser' });
    expect(await sessions().get(h.tenantId, closed.id)).toMatchObject({ revokedAt: T0 + 1, revokedReason: 'signOut' });
    expect(await sessions().get(h.tenantId, bobs.id)).toEqual(bobs);
  });

  it("lists a principal's open sessions newest first, without revoked or expired ones", async () => {
    const older = aSession({ createdAt: T0, lastSeenAt: T0 });
    const newer = aSession({ createdAt: T0 + 1_000, lastSeenAt: T0 + 1_000, expiresAt: T0 + 2 * HOUR });
    const revoked = aSession({ createdAt: T0 + 2_000, lastSeenAt: T0 + 2_000, revokedAt: T0 + 3_000, revokedReason: 'signOut' });
    const expired = aSession({ createdAt: T0 - 13 * HOUR, lastSeenAt: T0 - 13 * HOUR, expiresAt: T0 - HOUR });
    const bobs = aSession({ principalId: bob.id });
    for (const s of [older, newer, revoked, expired, bobs]) await insert(s);
    expect((await sessions().openOf(h.tenantId, alice.id, T0 + 5_000)).map((s) => s.id)).toEqual([newer.id, older.id]);
    // At its absolute end a session is no longer open.
    expect((await sessions().openOf(h.tenantId, alice.id, T0 + 2 * HOUR)).map((s) => s.id)).toEqual([older.id]);
    expect(await sessions().openOf(h.tenantId, alice.id, T0 + 12 * HOUR)).toEqual([]);
  });

  it('moves last_seen_at forward only', async () => {
    const s = aSession();
    await insert(s);
    await h.store.run((tx) => tx.sessions.touch(h.tenantId, s.id, T0 + 120_000));
    expect((await sessions().get(h.tenantId, s.id))?.lastSeenAt).toBe(T0 + 120_000);
    await h.store.run((tx) => tx.sessions.touch(h.tenantId, s.id, T0 + 60_000));
    expect((await sessions().get(h.tenantId, s.id))?.lastSeenAt).toBe(T0 + 120_000);
    await h.store.run((tx) => tx.sessions.touch(h.tenantId, s.id, T0 + 180_000));
    expect((await sessions().get(h.tenantId, s.id))?.lastSeenAt).toBe(T0 + 180_000);
  });

  it('records a step-up: methods, contexts and authentication time', async () => {
    const s = aSession({ amr: ['pwd'], acrs: [] });
    await insert(s);
    await h.store.run((tx) => tx.sessions.updateAuthentication(h.tenantId, s.id, ['pwd', 'mfa', 'otp'], ['c2'], T0 + 600_000));
    expect(await sessions().get(h.tenantId, s.id)).toEqual({
      ...s,
      amr: ['pwd', 'mfa', 'otp'],
      acrs: ['c2'],
      authTime: T0 + 600_000,
      lastSeenAt: T0 + 600_000,
    });
  });

  it("keeps a cookie secret's digest unique (any number of sessions without one)", async () => {
    const s = aSession();
    await insert(s);
    await expect(insert(aSession({ secretHash: s.secretHash }))).rejects.toThrow();
    await insert(aSession({ secretHash: null }));
    await insert(aSession({ secretHash: null }));
    expect(await sessions().openOf(h.tenantId, alice.id, T0)).toHaveLength(3);
  });
});
