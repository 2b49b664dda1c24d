/**
 * Notifications: every delivery recorded (deduplicated, retried, sent once) and the approval
 * links already used. FROZEN once shipped.
 */
import { sql, type Kysely } from 'kysely';

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter.constructor.name.startsWith('Postgres');

export async function up(db: Kysely<unknown>): Promise<void> {
  const big = isPostgres(db) ? 'bigint' : 'integer';
  const serial = isPostgres(db) ? 'bigserial' : 'integer';

  await db.schema
    .createTable('notification_deliveries')
    .addColumn('id', serial, (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    // Invariant: one delivery per notification and recipient, however often its event is read.
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('email', 'chat')`))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'sent', 'failed', 'skipped')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', big, (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('sent_at', big)
    .execute();
  await db.schema.createIndex('notification_deliveries_due').on('notification_deliveries').columns(['status', 'next_attempt_at']).execute();

  await db.schema
    .createTable('approval_link_uses')
    // Invariant: a signed approval link decides once.
    .addColumn('jti', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('approval_id', 'text', (c) => c.notNull())
    .addColumn('approver_id', 'text', (c) => c.notNull())
    .addColumn('used_at', big, (c) => c.notNull())
    .execute();

  // Notifications cover what happens from now on: an upgraded database does not mail its history.
  await sql`insert into feed_cursors (consumer, position) select 'notifications', feed_seq from chain_head where id = 1`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0003-notifications cannot be reverted: restore from a backup instead.');
}
