/**
 * OpenID Connect federation (docs/decisions/0012): the provider accounts linked to principals, the
 * sign-ins sent to the provider and not yet back (each usable once until it expires), and an index
 * to match users by email. FROZEN once shipped.
 */
import { sql, type Kysely } from 'kysely';

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter.constructor.name.startsWith('Postgres');

export async function up(db: Kysely<unknown>): Promise<void> {
  const big = isPostgres(db) ? 'bigint' : 'integer';

  await db.schema
    .createTable('federated_identities')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    // The provider's issuer identifier and its id for the user: the pair names one account, for good.
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('last_sign_in_at', big)
    .addPrimaryKeyConstraint('federated_identities_pk', ['tenant_id', 'issuer', 'subject'])
    .addForeignKeyConstraint('federated_identities_principal', ['tenant_id', 'principal_id'], 'principals', ['tenant_id', 'id'])
    .execute();
  await db.schema.createIndex('federated_identities_principal').on('federated_identities').columns(['tenant_id', 'principal_id']).execute();

  await db.schema
    .createTable('oidc_flows')
    // SHA-256 of the state the browser carries: the database alone cannot answer for a browser.
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('return_to', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .addCheckConstraint('oidc_flows_window', sql`expires_at > created_at`)
    .execute();
  await db.schema.createIndex('oidc_flows_expiry').on('oidc_flows').column('expires_at').execute();

  // Matching a provider's verified email against users' mail, case-insensitively (UPNs have upn_key).
  await db.schema
    .createIndex('principals_mail_key')
    .on('principals')
    .columns(['tenant_id'])
    .expression(sql`lower(mail)`)
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('0010-federation cannot be reverted: restore from a backup instead.');
}
