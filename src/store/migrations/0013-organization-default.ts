/**
 * The tenant default role settings (docs/decisions/0017): one policy per tenant with no role, which
 * every role's policy inherits the rules it does not set. `policies.role_definition_id` becomes
 * nullable for it, and the database holds the shape: a policy has a role exactly when it is not the
 * tenant default, and a tenant has at most one default. Rules a policy inherits have no
 * `policy_rules` row; the application creates each tenant's default and folds the rules equal to
 * what they would inherit (app/policies/organization-default.ts). FROZEN once shipped.
 */
import { sql, type Kysely } from 'kysely';

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter.constructor.name.startsWith('Postgres');

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await sql`alter table policies alter column role_definition_id drop not null`.execute(db);
    await sql`alter table policies add constraint policies_default_has_no_role check ((role_definition_id is null) = (is_organization_default = 1))`.execute(
      db,
    );
  } else {
    await rebuildForSqlite(db);
  }
  await sql`create unique index policies_one_default on policies (tenant_id) where is_organization_default = 1`.execute(db);
}

/**
 * SQLite cannot relax a NOT NULL column: the table is rebuilt (SQLite's documented twelve-step
 * procedure) in one transaction, with foreign keys off only for its length and checked before it
 * commits. Kysely runs SQLite migrations outside a transaction, so this one opens its own; a crash
 * before the commit leaves the old table as it was.
 */
async function rebuildForSqlite(db: Kysely<unknown>): Promise<void> {
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin immediate`.execute(db);
    try {
      await sql`
        create table policies_new (
          tenant_id text not null references tenants (id),
          id text not null,
          scope_id text not null,
          scope_type text not null,
          role_definition_id text,
          display_name text not null,
          description text not null,
          is_organization_default integer not null,
          last_modified_by text,
          last_modified_at integer,
          constraint policies_pk primary key (tenant_id, id),
          constraint policies_role foreign key (tenant_id, role_definition_id) references role_definitions (tenant_id, id),
          constraint policies_default_has_no_role check ((role_definition_id is null) = (is_organization_default = 1))
        )`.execute(db);
      await sql`
        insert into policies_new (tenant_id, id, scope_id, scope_type, role_definition_id, display_name, description,
                                  is_organization_default, last_modified_by, last_modified_at)
        select tenant_id, id, scope_id, scope_type, role_definition_id, display_name, description,
               is_organization_default, last_modified_by, last_modified_at from policies`.execute(db);
      await sql`drop table policies`.execute(db);
      await sql`alter table policies_new rename to policies`.execute(db);
      await sql`create unique index policies_role_scope on policies (tenant_id, role_definition_id, scope_id)`.execute(db);
      const broken = await sql`pragma foreign_key_check`.execute(db);
      if (broken.rows.length > 0) throw new Error(`0013-organization-default: ${broken.rows.length} foreign key violations after rebuilding policies.`);
      await sql`commit`.execute(db);
    } catch (e) {
      await sql`rollback`.execute(db);
      throw e;
    }
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('0013-organization-default cannot be reverted: restore from a backup instead.');
}
