import { afterEach, describe, it } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
const ONE_HOUR = { startDateTime: null, expiration: { type: 'afterDuration' as const, duration: 'PT1H' } };
describe.each(TEST_DATABASES)('tput $name', (db) => {
  let h: Harness;
  afterEach(async () => h?.close());
  it('200 concurrent activations of different users', async () => {
    h = await openHarness(db);
    const users = [];
    for (let i = 0; i < 200; i++) {
      const user = await h.user(`user${i}@contoso.test`);
      await h.submit(h.admin, { kind: 'eligibility', action: 'adminAssign', principalId: user.id, roleDefinitionId: ROLE.userAdministrator });
      users.push({ user, caller: await h.caller(user) });
    }
    for (let round = 0; round < 3; round++) {
      const t = performance.now();
      const rs = await Promise.allSettled(users.map(({ user, caller }) => round % 2 === 0
        ? h.submit(caller, { action: 'selfActivate', principalId: user.id, roleDefinitionId: ROLE.userAdministrator, scheduleInfo: ONE_HOUR })
        : h.submit(caller, { action: 'selfDeactivate', principalId: user.id, roleDefinitionId: ROLE.userAdministrator })));
      console.log(db.name, round, Math.round(performance.now() - t), 'ms', rs.filter((r) => r.status === 'rejected').length, 'rejected');
      h.clock.advance('PT10M');
    }
  }, 120_000);
});
