/**
 * The storage contract of OIDC federation (src/app/ports/federation.ts), the same on SQLite and
 * PostgreSQL: a provider account links once, links and instants round-trip, users are matched by
 * email case-insensitively (never groups), and a pending sign-in is taken at most once — also when
 * two callbacks race — and never after it expired.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PendingFederatedSignIn } from '../../src/app/ports/federation.ts';
import type { Repositories } from '../../src/app/ports/repositories.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { hashFlowState } from '../../src/domain/identity/federation.ts';
import type { Principal } from '../../src/domain/model.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { aPrincipal, T0 } from '../support/storage-fixtures.ts';

const ISSUER = 'https://idp.contoso.test/realms/corp';

describe.each(TEST_DATABASES)('federation storage on $name', (db) => {
  let h: Harness;
  let alice: Principal;
  const run = <T>(work: (tx: Repositories) => Promise<T>) => h.store.run(work);
  const flow = (state: string, fields: Partial<PendingFederatedSignIn> = {}): PendingFederatedSignIn => ({
    tenantId: h.tenantId,
    stateHash: hashFlowState(state),
    nonce: `nonce-${state}`,
    codeVerifier: `verifier-${state}`.padEnd(43, 'x'),
    returnTo: '/requests?tab=mine',
    createdAt: T0,
    expiresAt: T0 + 600_000,
    ...fields,
  });

  beforeEach(async () => {
    h = await openHarness(db);
    alice = await h.user('Alice@Contoso.test');
  });
  afterEach(async () => h?.close());

  it('links a provider account once; the transaction stays usable after the refusal', async () => {
    const link = { tenantId: h.tenantId, issuer: ISSUER, subject: 'sub-1', principalId: alice.id, createdAt: T0, lastSignInAt: null };
    await run((tx) => tx.federation.link(link));
    const conflict = await run(async (tx) => {
      const error = await tx.federation.link({ ...link, principalId: h.admin.principal.id }).then(
        () => null,
        (e: unknown) => e,
      );
      await tx.federation.link({ ...link, subject: 'sub-2' });
      return error;
    });
    expect(conflict).toBeInstanceOf(DomainError);
    expect((conflict as DomainError).code).toBe('ObjectConflict');
    expect(await h.store.read.federation.find(h.tenantId, ISSUER, 'sub-1')).toEqual(link);
    expect(await h.store.read.federation.find(h.tenantId, ISSUER, 'SUB-1')).toBeNull();
    expect(await h.store.read.federation.find(h.tenantId, `${ISSUER}/`, 'sub-1')).toBeNull();
    expect((await h.store.read.federation.linksOf(h.tenantId, alice.id)).map((l) => l.subject)).toEqual(['sub-1', 'sub-2']);

    const later = T0 + 86_400_000 * 400;
    await run((tx) => tx.federation.recordSignIn(h.tenantId, ISSUER, 'sub-1', later));
    expect((await h.store.read.federation.find(h.tenantId, ISSUER, 'sub-1'))?.lastSignInAt).toBe(later);
  });

  it('refuses a link to a principal that does not exist', async () => {
    const error = await run((tx) =>
      tx.federation.link({ tenantId: h.tenantId, issuer: ISSUER, subject: 's', principalId: 'no-such-principal', createdAt: T0, lastSignInAt: null }),
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).not.toBeNull();
    expect(await h.store.read.federation.find(h.tenantId, ISSUER, 's')).toBeNull();
  });

  it('finds users by userPrincipalName or mail, case-insensitively, and never groups', async () => {
    const bob = aPrincipal(h.tenantId, { userPrincipalName: 'bob@contoso.test', mail: 'Robert.Smith@Contoso.test' });
    const group = aPrincipal(h.tenantId, { type: 'group', userPrincipalName: null, mail: 'alice@contoso.test' });
    await run(async (tx) => {
      await tx.principals.insert(bob);
      await tx.principals.insert(group);
    });
    expect(await h.store.read.federation.usersByEmail(h.tenantId, 'ALICE@contoso.test')).toEqual([alice.id]);
    expect(await h.store.read.federation.usersByEmail(h.tenantId, 'robert.smith@contoso.test')).toEqual([bob.id]);
    expect(await h.store.read.federation.usersByEmail(h.tenantId, 'nobody@contoso.test')).toEqual([]);
  });

  it('a pending sign-in is taken once, and not after it expired', async () => {
    await run(async (tx) => {
      await tx.federation.putFlow(flow('a'));
      await tx.federation.putFlow(flow('b'));
    });
    expect(await run((tx) => tx.federation.takeFlow(hashFlowState('a'), T0 + 1))).toEqual(flow('a'));
    expect(await run((tx) => tx.federation.takeFlow(hashFlowState('a'), T0 + 2))).toBeNull();
    expect(await run((tx) => tx.federation.takeFlow(hashFlowState('b'), T0 + 600_000))).toBeNull();
    expect(await run((tx) => tx.federation.takeFlow(hashFlowState('never'), T0))).toBeNull();
  });

  it('finds a pending sign-in without taking it, and not once it expired or was taken', async () => {
    await run((tx) => tx.federation.putFlow(flow('peek')));
    const find = (state: string, at: number) => h.store.read.federation.findFlow(hashFlowState(state), at);
    expect(await find('peek', T0 + 1)).toEqual(flow('peek'));
    expect(await find('peek', T0 + 1)).toEqual(flow('peek'));
    expect(await find('peek', T0 + 600_000)).toBeNull();
    expect(await find('never', T0 + 1)).toBeNull();
    expect(await run((tx) => tx.federation.takeFlow(hashFlowState('peek'), T0 + 1))).toEqual(flow('peek'));
    expect(await find('peek', T0 + 1)).toBeNull();
  });

  it('of two callbacks racing with one state, exactly one takes the sign-in', async () => {
    await run((tx) => tx.federation.putFlow(flow('race')));
    const taken = await Promise.all(Array.from({ length: 6 }, () => run((tx) => tx.federation.takeFlow(hashFlowState('race'), T0 + 1))));
    expect(taken.filter((t) => t !== null)).toHaveLength(1);
  });
});
