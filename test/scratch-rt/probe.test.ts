import { afterEach, describe, expect, it } from 'vitest';
import { ACTIVITY } from '../../src/domain/audit/activities.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
const ONE_HOUR = { startDateTime: null, expiration: { type: 'afterDuration' as const, duration: 'PT1H' } };
const summary = (rs: PromiseSettledResult<unknown>[]) => rs.map((r) => r.status === 'fulfilled' ? 'ok' : (r.reason as { code?: string }).code ?? String(r.reason));

describe.each(TEST_DATABASES)('probe $name', (db) => {
  let h: Harness;
  afterEach(async () => h?.close());
  it('double deactivate', async () => {
    h = await openHarness(db);
    const alice = await h.user('alice@contoso.test');
    await h.submit(h.admin, { kind: 'eligibility', action: 'adminAssign', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator });
    await h.submit(await h.caller(alice), { action: 'selfActivate', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator, scheduleInfo: ONE_HOUR });
    h.clock.advance('PT10M');
    const me = await h.caller(alice);
    const rs = await Promise.allSettled(Array.from({ length: 10 }, () => h.submit(me, { action: 'selfDeactivate', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator })));
    console.log(db.name, 'deactivate', summary(rs));
  });
  it('last standing', async () => {
    h = await openHarness(db);
    const bob = await h.user('bob@contoso.test');
    await h.submit(h.admin, { action: 'adminAssign', principalId: bob.id, roleDefinitionId: ROLE.globalAdministrator });
    h.clock.advance('PT10M');
    const admin = await h.caller(h.admin.principal);
    const rs = await Promise.allSettled([admin.principal.id, bob.id].map((p) => h.submit(admin, { action: 'adminRemove', principalId: p, roleDefinitionId: ROLE.globalAdministrator })));
    console.log(db.name, 'last standing', summary(rs));
  });
  it('timeline vs inline expiry', async () => {
    h = await openHarness(db);
    const alice = await h.user('alice@contoso.test');
    await h.submit(h.admin, { kind: 'eligibility', action: 'adminAssign', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator });
    await h.submit(await h.caller(alice), { action: 'selfActivate', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator, scheduleInfo: ONE_HOUR });
    h.clock.advance('PT1H');
    const me = await h.caller(alice);
    const rs = await Promise.allSettled([h.tick(), ...Array.from({ length: 5 }, () => h.submit(me, { action: 'selfActivate', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator, scheduleInfo: ONE_HOUR }))]);
    const n = await h.store.db.selectFrom('audit_events').select((eb) => eb.fn.countAll().as('n')).where('activity', '=', ACTIVITY.activationExpired).executeTakeFirstOrThrow();
    const tl = await h.store.db.selectFrom('timeline').selectAll().execute();
    console.log(db.name, 'expiry', summary(rs), 'expired events', n.n, tl.map((t) => [t.kind, t.pending, t.attempts, t.last_error]));
  });
});
