/**
 * WebAuthn: registered credentials (passkeys, security keys) and the server-side challenges of
 * registration and authentication ceremonies, each usable once until it expires. FROZEN once shipped.
 */
import { sql, type Kysely } from 'kysely';

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter.constructor.name.startsWith('Postgres');

export async function up(db: Kysely<unknown>): Promise<void> {
  const big = isPostgres(db) ? 'bigint' : 'integer';

  await db.schema
    .createTable('webauthn_credentials')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    // The authenticator's credential id, base64url.
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    // COSE public key, base64url.
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('counter', big, (c) => c.notNull().check(sql`counter >= 0`))
    // JSON array of transports the client reported (usb, nfc, ble, internal, hybrid).
    .addColumn('transports', 'text', (c) => c.notNull())
    .addColumn('hardware', 'integer', (c) => c.notNull().check(sql`hardware in (0, 1)`))
    .addColumn('attachment', 'text')
    .addColumn('aaguid', 'text', (c) => c.notNull())
    .addColumn('backed_up', 'integer', (c) => c.notNull().check(sql`backed_up in (0, 1)`))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('last_used_at', big)
    .addPrimaryKeyConstraint('webauthn_credentials_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('webauthn_credentials_principal', ['tenant_id', 'principal_id'], 'principals', ['tenant_id', 'id'])
    .execute();
  await db.schema.createIndex('webauthn_credentials_principal').on('webauthn_credentials').columns(['tenant_id', 'principal_id']).execute();

  await db.schema
    .createTable('webauthn_challenges')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    // The challenge itself (base64url, 256 random bits): the client echoes it in clientDataJSON.
    .addColumn('challenge', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('registration', 'authentication')`))
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('webauthn_challenges_pk', ['tenant_id', 'challenge'])
    .addForeignKeyConstraint('webauthn_challenges_principal', ['tenant_id', 'principal_id'], 'principals', ['tenant_id', 'id'])
    .execute();
  await db.schema.createIndex('webauthn_challenges_expiry').on('webauthn_challenges').columns(['expires_at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('0007-webauthn cannot be reverted: restore from a backup instead.');
}
