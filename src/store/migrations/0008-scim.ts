/**
 * SCIM 2.0 provisioning (docs/decisions/0009): the IdP's `externalId` and name parts on
 * principals, when SCIM deleted a principal (it is kept, disabled, for the audit trail), and the
 * tenants' SCIM bearer tokens, stored as hashes. FROZEN once shipped.
 */
import { sql, type Kysely } from 'kysely';

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter.constructor.name.startsWith('Postgres');

export async function up(db: Kysely<unknown>): Promise<void> {
  const big = isPostgres(db) ? 'bigint' : 'integer';

  await db.schema.alterTable('principals').addColumn('external_id', 'text').execute();
  await db.schema.alterTable('principals').addColumn('given_name', 'text').execute();
  await db.schema.alterTable('principals').addColumn('family_name', 'text').execute();
  await db.schema.alterTable('principals').addColumn('scim_deleted_at', big).execute();
  // An IdP's id names one user (or one group) of a tenant; filters look it up.
  await db.schema
    .createIndex('principals_external_id')
    .unique()
    .on('principals')
    .columns(['tenant_id', 'type', 'external_id'])
    .where(sql.ref('external_id'), 'is not', null)
    .execute();

  await db.schema
    .createTable('scim_tokens')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('hint', 'text', (c) => c.notNull())
    // SHA-256 of 256 random bits (domain/identity/client-secrets.ts): never the token.
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('end_at', big, (c) => c.notNull())
    .addColumn('revoked_at', big)
    .addPrimaryKeyConstraint('scim_tokens_pk', ['tenant_id', 'id'])
    .addCheckConstraint('scim_tokens_window', sql`end_at > created_at`)
    .execute();
  await db.schema.createIndex('scim_tokens_hash').unique().on('scim_tokens').column('token_hash').execute();
}

export async function down(): Promise<void> {
  throw new Error('0008-scim cannot be reverted: restore from a backup instead.');
}
