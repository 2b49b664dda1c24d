/**
 * Break-glass accounts (docs/guide.md): each use of one — a token or session seen for the first time
 * — is audited and alerted once. The primary key makes "first time" hold across every node
 * sharing the database. FROZEN once shipped.
 */
import type { Kysely } from 'kysely';

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter.constructor.name.startsWith('Postgres');

export async function up(db: Kysely<unknown>): Promise<void> {
  const big = isPostgres(db) ? 'bigint' : 'integer';

  await db.schema
    .createTable('break_glass_uses')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    // A digest of the token id or session id: never the key itself (a session id can be a credential).
    .addColumn('use_key', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('first_used_at', big, (c) => c.notNull())
    // Invariant: one use is recorded (audited, alerted) once, whichever node sees it first.
    .addPrimaryKeyConstraint('break_glass_uses_pk', ['tenant_id', 'use_key'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('0011-break-glass cannot be reverted: restore from a backup instead.');
}
