/**
 * PIM for Groups (docs/decisions/0007): role definitions of kind 'group' (`member`, `owner`).
 * PostgreSQL swaps the check constraint; SQLite can't alter one, so the (small, unreferenced)
 * table is rebuilt the documented way: new table, copy, drop, rename, index. FROZEN once shipped.
 */
import { sql, type Kysely } from 'kysely';

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter.constructor.name.startsWith('Postgres');

const KINDS = sql`kind in ('directory', 'resource', 'group')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await sql`alter table role_definitions drop constraint role_definitions_kind_check`.execute(db);
    await sql`alter table role_definitions add constraint role_definitions_kind_check check (${KINDS})`.execute(db);
    return;
  }
  await db.schema
    .createTable('role_definitions_next')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('is_built_in', 'integer', (c) => c.notNull())
    .addColumn('is_enabled', 'integer', (c) => c.notNull())
    .addColumn('is_privileged', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(KINDS))
    .addColumn('allowed_actions', 'text', (c) => c.notNull())
    .addColumn('excluded_actions', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('role_definitions_pk', ['tenant_id', 'id'])
    .execute();
  await sql`insert into role_definitions_next select tenant_id, id, template_id, display_name, description, is_built_in, is_enabled,
    is_privileged, kind, allowed_actions, excluded_actions, version from role_definitions`.execute(db);
  await db.schema.dropTable('role_definitions').execute();
  await db.schema.alterTable('role_definitions_next').renameTo('role_definitions').execute();
  await db.schema.createIndex('role_definitions_name').unique().on('role_definitions').columns(['tenant_id', 'display_name']).execute();
}
