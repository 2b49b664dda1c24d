/**
 * Sign-in sessions: one row per interactive sign-in (a browser's cookie, the CLI, a bearer token
 * from sign-in). Tokens name their session (`sid`), so signing out or revoking a user's sessions
 * stops them at once. The browser's secret and the CLI's one-time authorization code are stored
 * only as SHA-256 digests. FROZEN once shipped.
 */
import { sql, type Kysely } from 'kysely';

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter.constructor.name.startsWith('Postgres');

export async function up(db: Kysely<unknown>): Promise<void> {
  const big = isPostgres(db) ? 'bigint' : 'integer';

  await db.schema
    .createTable('sessions')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('browser', 'cli', 'api')`))
    // How the user signed in: password, oidc, or the session a CLI login came from (session).
    .addColumn('method', 'text', (c) => c.notNull())
    // SHA-256 (base64url) of the browser's cookie secret; null for sessions that only back tokens.
    .addColumn('secret_hash', 'text', (c) => c.unique())
    // JSON arrays: the authentication methods (RFC 8176) and contexts the session carries.
    .addColumn('amr', 'text', (c) => c.notNull())
    .addColumn('acrs', 'text', (c) => c.notNull())
    .addColumn('auth_time', big)
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('last_seen_at', big, (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .addColumn('revoked_at', big)
    .addColumn('revoked_reason', 'text')
    .addColumn('source_ip', 'text')
    // The CLI's loopback sign-in: a one-time code (digest), its PKCE challenge and redirect URI.
    .addColumn('code_hash', 'text', (c) => c.unique())
    .addColumn('code_challenge', 'text')
    .addColumn('code_redirect_uri', 'text')
    .addColumn('code_expires_at', big)
    .addPrimaryKeyConstraint('sessions_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('sessions_principal', ['tenant_id', 'principal_id'], 'principals', ['tenant_id', 'id'])
    .addCheckConstraint('sessions_window', sql`expires_at > created_at`)
    .execute();
  await db.schema
    .createIndex('sessions_open_by_principal')
    .on('sessions')
    .columns(['tenant_id', 'principal_id'])
    .where(sql.ref('revoked_at'), 'is', null)
    .execute();
  await db.schema.createIndex('sessions_expiry').on('sessions').columns(['expires_at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('0009-sessions cannot be reverted: restore from a backup instead.');
}
