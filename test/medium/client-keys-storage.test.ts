/**
 * The storage contract of service principals' certificates and used client assertion ids
 * (ClientKeyRepository), the same on SQLite and PostgreSQL: keys round-trip exactly, one
 * certificate once per service principal, and an assertion id is accepted once — also when two
 * transactions race for it — per service principal, and forgotten after it expires.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientKey } from '../../src/app/ports/identity.ts';
import type { Principal } from '../../src/domain/model.ts';
import { createServicePrincipal } from '../../src/app/directory/create-service-principal.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { T0 } from '../support/storage-fixtures.ts';

const MINUTE = 60_000;

describe.each(TEST_DATABASES)('client keys storage contract on $name', (db) => {
  let h: Harness;
  let sp: Principal;
  let other: Principal;

  const aKey = (overrides: Partial<ClientKey> = {}): ClientKey => ({
    tenantId: h.tenantId,
    keyId: randomUUID(),
    principalId: sp.id,
    displayName: null,
    kind: 'EC',
    thumbprint: randomUUID().replace(/-/g, '').toUpperCase(),
    thumbprintSha256: 'abc_-',
    certificate: 'MIIB',
    startAt: T0,
    endAt: T0 + 30 * 24 * 60 * MINUTE,
    createdAt: T0 + 1,
    ...overrides,
  });
  const use = (principalId: string, jti: string, expiresAt: number, now: number) =>
    h.store.run((tx) => tx.clientKeys.useAssertion({ tenantId: h.tenantId, principalId, jti, expiresAt }, now));

  beforeEach(async () => {
    h = await openHarness(db);
    sp = await createServicePrincipal(h.deps, h.admin, { displayName: 'deployer', description: null, accountEnabled: true });
    other = await createServicePrincipal(h.deps, h.admin, { displayName: 'other', description: null, accountEnabled: true });
  });
  afterEach(async () => h?.close());

  it("round-trips keys exactly, lists one principal's, and removes by key id", async () => {
    const key = aKey({ displayName: 'ci', kind: 'RSA' });
    await h.store.run((tx) => tx.clientKeys.insert(key));
    await h.store.run((tx) => tx.clientKeys.insert(aKey({ principalId: other.id })));
    expect(await h.store.read.clientKeys.list(h.tenantId, sp.id)).toEqual([key]);
    expect(await h.store.run((tx) => tx.clientKeys.remove(h.tenantId, other.id, key.keyId))).toBe(false);
    expect(await h.store.run((tx) => tx.clientKeys.remove(h.tenantId, sp.id, key.keyId))).toBe(true);
    expect(await h.store.read.clientKeys.list(h.tenantId, sp.id)).toEqual([]);
  });

  it('holds one certificate once per service principal', async () => {
    const key = aKey();
    await h.store.run((tx) => tx.clientKeys.insert(key));
    await expect(h.store.run((tx) => tx.clientKeys.insert(aKey({ thumbprint: key.thumbprint })))).rejects.toThrow();
    await h.store.run((tx) => tx.clientKeys.insert(aKey({ principalId: other.id, thumbprint: key.thumbprint })));
  });

  it('accepts an assertion id once per service principal, and forgets it once expired', async () => {
    expect(await use(sp.id, 'jti-1', T0 + 5 * MINUTE, T0)).toBe(true);
    expect(await use(sp.id, 'jti-1', T0 + 5 * MINUTE, T0 + MINUTE)).toBe(false);
    expect(await use(other.id, 'jti-1', T0 + 5 * MINUTE, T0 + MINUTE)).toBe(true);
    // After its expiry the row may go (the assertion fails the expiry check by then anyway).
    expect(await use(sp.id, 'jti-1', T0 + 20 * MINUTE, T0 + 6 * MINUTE)).toBe(true);
  });

  it('lets exactly one of four concurrent uses of an assertion id pass', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => use(sp.id, 'jti-race', T0 + 5 * MINUTE, T0)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
