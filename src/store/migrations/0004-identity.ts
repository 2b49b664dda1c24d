/**
 * Identity: local account passwords, sign-in lockout state, TOTP factors, recovery codes and
 * service principals' client secrets. FROZEN once shipped.
 */
import { sql, type Kysely } from 'kysely';

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter.constructor.name.startsWith('Postgres');

export async function up(db: Kysely<unknown>): Promise<void> {
  const big = isPostgres(db) ? 'bigint' : 'integer';

  await db.schema
    .createTable('password_credentials')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    // PHC string: algorithm, version, parameters, salt and hash (never the password).
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('set_at', big, (c) => c.notNull())
    .addColumn('set_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('password_credentials_pk', ['tenant_id', 'principal_id'])
    .addForeignKeyConstraint('password_credentials_principal', ['tenant_id', 'principal_id'], 'principals', ['tenant_id', 'id'])
    .execute();

  await db.schema
    .createTable('sign_in_states')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`failures >= 0`),
    )
    .addColumn('lockouts', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`lockouts >= 0`),
    )
    .addColumn('locked_until', big)
    .addColumn('last_failure_at', big)
    .addColumn('last_sign_in_at', big)
    .addPrimaryKeyConstraint('sign_in_states_pk', ['tenant_id', 'principal_id'])
    .addForeignKeyConstraint('sign_in_states_principal', ['tenant_id', 'principal_id'], 'principals', ['tenant_id', 'id'])
    .execute();

  await db.schema
    .createTable('totp_factors')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().check(sql`active in (0, 1)`))
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('confirmed_at', big)
    .addColumn('last_used_step', big)
    .addPrimaryKeyConstraint('totp_factors_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('totp_factors_principal', ['tenant_id', 'principal_id'], 'principals', ['tenant_id', 'id'])
    .execute();
  // Invariant: at most one active factor and one pending enrollment per principal.
  await db.schema.createIndex('totp_factors_one_per_state').unique().on('totp_factors').columns(['tenant_id', 'principal_id', 'active']).execute();

  await db.schema
    .createTable('recovery_codes')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    // Set once: `UPDATE … WHERE used_at IS NULL` lets one use win.
    .addColumn('used_at', big)
    .addPrimaryKeyConstraint('recovery_codes_pk', ['tenant_id', 'principal_id', 'code_hash'])
    .addForeignKeyConstraint('recovery_codes_principal', ['tenant_id', 'principal_id'], 'principals', ['tenant_id', 'id'])
    .execute();

  await db.schema
    .createTable('client_secrets')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text')
    .addColumn('hint', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('start_at', big, (c) => c.notNull())
    .addColumn('end_at', big, (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('client_secrets_pk', ['tenant_id', 'key_id'])
    .addForeignKeyConstraint('client_secrets_principal', ['tenant_id', 'principal_id'], 'principals', ['tenant_id', 'id'])
    .addCheckConstraint('client_secrets_window', sql`end_at > start_at`)
    .execute();
  await db.schema.createIndex('client_secrets_principal').on('client_secrets').columns(['tenant_id', 'principal_id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('0004-identity cannot be reverted: restore from a backup instead.');
}
