/**
 * Certificates of service principals (Graph's keyCredentials) for private_key_jwt client
 * authentication, and the assertion ids (`jti`) already used, so each assertion works once.
 * FROZEN once shipped.
 */
import { sql, type Kysely } from 'kysely';

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter.constructor.name.startsWith('Postgres');

export async function up(db: Kysely<unknown>): Promise<void> {
  const big = isPostgres(db) ? 'bigint' : 'integer';

  await db.schema
    .createTable('client_keys')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text')
    // 'RSA' or 'EC': which assertion algorithms the key may verify.
    .addColumn('key_kind', 'text', (c) => c.notNull())
    // SHA-1 of the DER, upper-case hex (Graph's customKeyIdentifier; JWT header x5t).
    .addColumn('thumbprint', 'text', (c) => c.notNull())
    // SHA-256 of the DER, base64url (JWT header x5t#S256).
    .addColumn('thumbprint_sha256', 'text', (c) => c.notNull())
    // The public certificate, base64 DER: no private material exists here.
    .addColumn('certificate', 'text', (c) => c.notNull())
    .addColumn('start_at', big, (c) => c.notNull())
    .addColumn('end_at', big, (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('client_keys_pk', ['tenant_id', 'key_id'])
    .addForeignKeyConstraint('client_keys_principal', ['tenant_id', 'principal_id'], 'principals', ['tenant_id', 'id'])
    .addCheckConstraint('client_keys_window', sql`end_at > start_at`)
    .execute();
  // One certificate once per service principal: the thumbprint in an assertion names one key.
  await db.schema.createIndex('client_keys_thumbprint').on('client_keys').columns(['tenant_id', 'principal_id', 'thumbprint']).unique().execute();

  await db.schema
    .createTable('client_assertion_uses')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('jti', 'text', (c) => c.notNull())
    // After this instant the assertion is refused as expired anyway, so the row may go.
    .addColumn('expires_at', big, (c) => c.notNull())
    // Invariant: an assertion is accepted once, whichever node sees it first.
    .addPrimaryKeyConstraint('client_assertion_uses_pk', ['tenant_id', 'principal_id', 'jti'])
    .execute();
  await db.schema.createIndex('client_assertion_uses_expiry').on('client_assertion_uses').columns(['expires_at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('0012-client-keys cannot be reverted: restore from a backup instead.');
}
