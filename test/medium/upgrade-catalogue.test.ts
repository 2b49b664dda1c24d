/**
 * A database made before a built-in role joined the catalogue gets it at the next start — unless a
 * custom role already has its name: then the start still succeeds, the custom role is untouched,
 * the skip is audited, and the built-in arrives once the custom role is renamed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRoleDefinition } from '../../src/app/roles/create-role-definition.ts';
import { upgradeCatalogue } from '../../src/app/tenancy/upgrade-catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { testIds } from '../support/fake-clock.ts';
import { openHarness, type Harness } from '../support/harness.ts';

const EXCHANGE_ADMINISTRATOR = '29232cdf-9323-42fd-ade2-1d097af3e4de';

describe.each(TEST_DATABASES)('catalogue upgrade on $name', (db) => {
  let h: Harness;
  afterEach(async () => h?.close());

  /** As if the database predates the role: no role row, no policy. */
  async function forgetBuiltIn(id: string) {
    const policies = h.store.db.selectFrom('policies').select('id').where('tenant_id', '=', h.tenantId).where('role_definition_id', '=', id);
    await h.store.db.deleteFrom('policy_rules').where('tenant_id', '=', h.tenantId).where('policy_id', 'in', policies).execute();
    await h.store.db.deleteFrom('policies').where('tenant_id', '=', h.tenantId).where('role_definition_id', '=', id).execute();
    await h.store.db.deleteFrom('role_definitions').where('tenant_id', '=', h.tenantId).where('id', '=', id).execute();
  }
  const upgrade = () => h.store.run((tx) => upgradeCatalogue(tx, h.tenantId, testIds, h.clock.now()));
  const auditOf = (id: string) =>
    h.store.db.selectFrom('audit_events').select(['activity', 'result', 'result_reason']).where('targets', 'like', `%${id}%`).orderBy('seq').execute();

  it('adds a missing built-in with its policy at /', async () => {
    h = await openHarness(db);
    await forgetBuiltIn(EXCHANGE_ADMINISTRATOR);
    await upgrade();
    expect(await h.store.read.roles.get(h.tenantId, EXCHANGE_ADMINISTRATOR)).toMatchObject({ displayName: 'Exchange Administrator', isBuiltIn: true });
    expect(await h.store.read.policies.forRoleAt(h.tenantId, EXCHANGE_ADMINISTRATOR, '/')).not.toBeNull();
  });

  it('leaves out a built-in whose name a custom role has, audits why, and adds it once the name is free', async () => {
    h = await openHarness(db);
    await forgetBuiltIn(EXCHANGE_ADMINISTRATOR);
    const custom = await createRoleDefinition(h.deps, h.admin, {
      displayName: 'Exchange Administrator',
      description: 'Ours',
      isEnabled: true,
      allowedActions: ['openpim.directory/users/read'],
      excludedActions: [],
    });
    await upgrade();
    expect(await h.store.read.roles.get(h.tenantId, EXCHANGE_ADMINISTRATOR)).toBeNull();
    expect(await h.store.read.roles.get(h.tenantId, custom.id)).toEqual(custom);
    expect(await auditOf(EXCHANGE_ADMINISTRATOR)).toEqual([
      expect.objectContaining({
        result: 'failure',
        result_reason: "A custom role is named 'Exchange Administrator': rename it and restart to add the built-in role.",
      }),
    ]);

    await h.store.db
      .updateTable('role_definitions')
      .set({ display_name: 'Exchange Administrator (ours)' })
      .where('tenant_id', '=', h.tenantId)
      .where('id', '=', custom.id)
      .execute();
    await upgrade();
    expect(await h.store.read.roles.get(h.tenantId, EXCHANGE_ADMINISTRATOR)).toMatchObject({ displayName: 'Exchange Administrator', isBuiltIn: true });
    expect((await auditOf(EXCHANGE_ADMINISTRATOR)).map((e) => e.result)).toEqual(['failure', 'success']);
  });
});
