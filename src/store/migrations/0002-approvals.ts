/**
 * Approvals (stages, decisions, resolved approvers) and users' managers. FROZEN once shipped.
 */
import { sql, type Kysely } from 'kysely';

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter.constructor.name.startsWith('Postgres');

export async function up(db: Kysely<unknown>): Promise<void> {
  const big = isPostgres(db) ? 'bigint' : 'integer';

  await db.schema.alterTable('principals').addColumn('manager_id', 'text').execute();

  await db.schema
    .createTable('approvals')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('eligibility', 'assignment')`))
    .addColumn('requester_id', 'text', (c) => c.notNull())
    .addColumn('grant_starts_at', 'text', (c) => c.notNull())
    .addColumn('fallback_to_admins', 'integer', (c) => c.notNull())
    .addColumn('stages', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('modified_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('approvals_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('approvals_request', ['tenant_id', 'request_id'], 'schedule_requests', ['tenant_id', 'id'])
    .execute();

  await db.schema
    .createTable('approval_decisions')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('approval_id', 'text', (c) => c.notNull())
    .addColumn('stage', 'integer', (c) => c.notNull())
    .addColumn('approver_id', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull().check(sql`result in ('Approve', 'Deny')`))
    .addColumn('justification', 'text')
    .addColumn('decided_at', big, (c) => c.notNull())
    // Invariant: one decision per approver per stage.
    .addPrimaryKeyConstraint('approval_decisions_pk', ['tenant_id', 'approval_id', 'stage', 'approver_id'])
    .addForeignKeyConstraint('approval_decisions_approval', ['tenant_id', 'approval_id'], 'approvals', ['tenant_id', 'id'])
    .execute();

  await db.schema
    .createTable('approval_approvers')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('approval_id', 'text', (c) => c.notNull())
    .addColumn('stage', 'integer', (c) => c.notNull())
    .addColumn('approver_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('approval_approvers_pk', ['tenant_id', 'approval_id', 'stage', 'approver_id'])
    .execute();
  await db.schema.createIndex('approval_approvers_inbox').on('approval_approvers').columns(['tenant_id', 'approver_id', 'active']).execute();
}

export async function down(): Promise<void> {
  throw new Error('0002-approvals cannot be reverted: restore from a backup instead.');
}
