/**
 * A database made before the tenant default existed (decision 0017): migration 0013 keeps every
 * policy and rule and lets the database hold the default's shape; the next start gives the tenant
 * its default and folds every rule equal to what it would inherit, so nothing in force changes.
 * On SQLite (a rebuilt table) and PostgreSQL.
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../src/app/policies/resolve-policy.ts';
import { upgradeCatalogue } from '../../src/app/tenancy/upgrade-catalogue.ts';
import { defaultPolicyRules } from '../../src/domain/policy/defaults.ts';
import { RULE_IDS, type PolicyRule } from '../../src/domain/policy/rules.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { openDatabase, type DatabaseTarget } from '../../src/store/database.ts';
import { migrateTo, migrateToLatest } from '../../src/store/migrate.ts';
import type { Database } from '../../src/store/schema.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { DURABLE_TEST_DATABASES } from '../support/databases.ts';
import { FakeClock, testIds } from '../support/fake-clock.ts';

const T = 'tenant-1';
const USER_ADMIN = ROLE.userAdministrator;
const HELPDESK = ROLE.helpdeskAdministrator;
const AU = '/administrativeUnits/europe';
const rules = (changes: Partial<Record<string, Partial<PolicyRule>>> = {}) =>
  Object.values(defaultPolicyRules()).map((r) => ({ ...r, ...(changes[r.id] ?? {}) }) as PolicyRule);

/** What version 0012 stored: a tenant, two roles, and complete policies — a copy at a scope among them. */
async function seedOldSchema(db: Kysely<Database>): Promise<void> {
  await db.insertInto('tenants').values({ id: T, display_name: 'Contoso', created_at: 0 }).execute();
  for (const [id, name] of [
    [USER_ADMIN, 'User Administrator'],
    [HELPDESK, 'Helpdesk Administrator'],
  ] as const) {
    await sql`insert into role_definitions (tenant_id, id, template_id, display_name, description, is_built_in, is_enabled, is_privileged, kind, allowed_actions, excluded_actions, version)
              values (${T}, ${id}, ${id}, ${name}, ${name}, 1, 1, 1, 'directory', '[]', '[]', '1')`.execute(db);
  }
  const policy = async (id: string, role: string, scope: string, body: PolicyRule[]) => {
    await sql`insert into policies (tenant_id, id, scope_id, scope_type, role_definition_id, display_name, description, is_organization_default)
              values (${T}, ${id}, ${scope}, 'DirectoryRole', ${role}, 'DirectoryRole', 'DirectoryRole', 0)`.execute(db);
    for (const r of body) {
      await sql`insert into policy_rules (tenant_id, policy_id, rule_id, body) values (${T}, ${id}, ${r.id}, ${JSON.stringify(r)})`.execute(db);
    }
  };
  await policy('p-user-admin', USER_ADMIN, '/', rules({ Expiration_EndUser_Assignment: { maximumDuration: 'PT2H' } }));
  await policy('p-helpdesk', HELPDESK, '/', rules());
  // Made as a copy of the role's policy at `/` (PT2H), then one rule changed there.
  await policy(
    'p-user-admin-eu',
    USER_ADMIN,
    AU,
    rules({ Expiration_EndUser_Assignment: { maximumDuration: 'PT2H' }, Enablement_EndUser_Assignment: { enabledRules: ['Justification'] } }),
  );
}

describe.each(DURABLE_TEST_DATABASES)('tenant default upgrade on $name', (database) => {
  let target: DatabaseTarget;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
    if (target?.kind === 'sqlite') await rm(dirname(target.path), { recursive: true, force: true });
  });

  it('migration 0013 keeps every policy and rule, and the database then holds the default’s shape', async () => {
    target = await database.target();
    const { db } = openDatabase(target);
    try {
      await migrateTo(db as Kysely<unknown>, '0012-client-keys');
      await seedOldSchema(db);
      const before = await db.selectFrom('policies').selectAll().orderBy('id').execute();
      const rulesBefore = await db.selectFrom('policy_rules').selectAll().orderBy('policy_id').orderBy('rule_id').execute();
      expect(await migrateToLatest(db as Kysely<unknown>)).toContain('0013-organization-default');
      expect(await db.selectFrom('policies').selectAll().orderBy('id').execute()).toEqual(before);
      expect(await db.selectFrom('policy_rules').selectAll().orderBy('policy_id').orderBy('rule_id').execute()).toEqual(rulesBefore);

      const row = {
        tenant_id: T,
        scope_id: '/',
        scope_type: 'Directory' as const,
        display_name: 'd',
        description: 'd',
        last_modified_by: null,
        last_modified_at: null,
      };
      await db
        .insertInto('policies')
        .values({ ...row, id: 'default', role_definition_id: null, is_organization_default: 1 })
        .execute();
      // A second default, a default with a role, a role policy without one: each refused by the database.
      await expect(
        db
          .insertInto('policies')
          .values({ ...row, id: 'default-2', role_definition_id: null, is_organization_default: 1 })
          .execute(),
      ).rejects.toThrow();
      await expect(
        db
          .insertInto('policies')
          .values({ ...row, id: 'd-role', role_definition_id: HELPDESK, is_organization_default: 1, scope_id: '/x' })
          .execute(),
      ).rejects.toThrow();
      await expect(
        db
          .insertInto('policies')
          .values({ ...row, id: 'no-role', role_definition_id: null, is_organization_default: 0 })
          .execute(),
      ).rejects.toThrow();
      // The rebuilt table is still what rules and roles refer to.
      await expect(db.insertInto('policy_rules').values({ tenant_id: T, policy_id: 'missing', rule_id: 'x', body: '{}' }).execute()).rejects.toThrow();
      await expect(
        db
          .insertInto('policies')
          .values({ ...row, id: 'ghost', role_definition_id: 'no-such-role', is_organization_default: 0 })
          .execute(),
      ).rejects.toThrow();
      await expect(db.deleteFrom('policies').where('id', '=', 'p-helpdesk').execute()).rejects.toThrow();
    } finally {
      await db.destroy();
    }
  });

  it('the next start adds the default and folds the rules it makes redundant; every rule in force stays as it was', async () => {
    target = await database.target();
    const { db } = openDatabase(target);
    try {
      await migrateTo(db as Kysely<unknown>, '0012-client-keys');
      await seedOldSchema(db);
    } finally {
      await db.destroy();
    }
    const clock = new FakeClock();
    store = await openStore(target, { clock, ids: testIds });
    const s = store;
    await s.run((tx) => upgradeCatalogue(tx, T, testIds, clock.now()));
    await s.run((tx) => upgradeCatalogue(tx, T, testIds, clock.now())); // once only

    const fallback = (await s.read.policies.organizationDefault(T))!;
    expect(fallback.rules).toEqual(defaultPolicyRules());
    const own = async (id: string) => Object.keys((await s.read.policies.get(T, id))!.rules).sort();
    expect(await own('p-helpdesk')).toEqual([]);
    expect(await own('p-user-admin')).toEqual(['Expiration_EndUser_Assignment']);
    // The scoped copy's PT2H equals its role's at `/`: folded; its own Justification-only rule stays.
    expect(await own('p-user-admin-eu')).toEqual(['Enablement_EndUser_Assignment']);

    const inForce = (role: string, scope: string) => resolvePolicy(s.read, T, role, scope);
    expect((await inForce(HELPDESK, '/')).rules).toEqual(defaultPolicyRules());
    const expected = (changes: Parameters<typeof rules>[0]) => Object.fromEntries(rules(changes).map((r) => [r.id, r]));
    expect((await inForce(USER_ADMIN, '/')).rules).toEqual(expected({ Expiration_EndUser_Assignment: { maximumDuration: 'PT2H' } }));
    const eu = await inForce(USER_ADMIN, AU);
    expect(eu.rules).toEqual(
      expected({ Expiration_EndUser_Assignment: { maximumDuration: 'PT2H' }, Enablement_EndUser_Assignment: { enabledRules: ['Justification'] } }),
    );
    expect(eu.inheritedFrom.Expiration_EndUser_Assignment?.policyId).toBe('p-user-admin');
    expect(Object.keys(eu.inheritedFrom)).toHaveLength(RULE_IDS.length - 1);

    const audit = await s.db
      .selectFrom('audit_events')
      .select(['activity', 'details'])
      .where('activity', '=', 'Add tenant default role settings in PIM')
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(String(audit[0]!.details))).toMatchObject({ RulesNowInherited: String(17 + 16 + 16), Policies: expect.any(String) });
  });
});
