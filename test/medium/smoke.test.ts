import { afterEach, describe, expect, it } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';

describe.each(TEST_DATABASES)('activation on $name', (db) => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('makes a user eligible, activates, and expires at the exact end', async () => {
    h = await openHarness(db);
    const alice = await h.user('alice@contoso.test');
    await h.submit(h.admin, { kind: 'eligibility', action: 'adminAssign', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator });
    const me = await h.caller(alice);
    const request = await h.submit(me, {
      action: 'selfActivate',
      principalId: alice.id,
      roleDefinitionId: ROLE.userAdministrator,
      scheduleInfo: { startDateTime: null, expiration: { type: 'afterDuration', duration: 'PT1H' } },
    });
    expect(request.status).toBe('Provisioned');
    expect((await h.caller(alice)).roles.map((r) => r.id)).toEqual([ROLE.userAdministrator]);
    h.clock.advance('PT1H');
    expect((await h.caller(alice)).roles).toEqual([]);
    expect(await h.tick()).toBe(1);
  });
});
