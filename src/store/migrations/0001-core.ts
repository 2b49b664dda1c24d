/**
 * Core schema. FROZEN: never edit a migration that has shipped; add a new one. Migrations import
 * nothing from the application, so they mean the same forever.
 */
import { sql, type Kysely } from 'kysely';

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter.constructor.name.startsWith('Postgres');

export async function up(db: Kysely<unknown>): Promise<void> {
  const big = isPostgres(db) ? 'bigint' : 'integer';
  const serial = isPostgres(db) ? 'bigserial' : 'integer';

  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('principals')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('user', 'group', 'servicePrincipal')`))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('user_principal_name', 'text')
    .addColumn('upn_key', 'text')
    .addColumn('mail', 'text')
    .addColumn('account_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('is_break_glass', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_assignable_to_role', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('description', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('principals_pk', ['tenant_id', 'id'])
    .execute();
  await db.schema.createIndex('principals_upn').unique().on('principals').columns(['tenant_id', 'upn_key']).execute();
  await db.schema.createIndex('principals_type').on('principals').columns(['tenant_id', 'type', 'display_name']).execute();

  await db.schema
    .createTable('group_members')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('group_members_pk', ['tenant_id', 'group_id', 'member_id'])
    .addForeignKeyConstraint('group_members_group', ['tenant_id', 'group_id'], 'principals', ['tenant_id', 'id'])
    .addForeignKeyConstraint('group_members_member', ['tenant_id', 'member_id'], 'principals', ['tenant_id', 'id'])
    .execute();
  await db.schema.createIndex('group_members_member').on('group_members').columns(['tenant_id', 'member_id']).execute();

  await db.schema
    .createTable('role_definitions')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('is_built_in', 'integer', (c) => c.notNull())
    .addColumn('is_enabled', 'integer', (c) => c.notNull())
    .addColumn('is_privileged', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('directory', 'resource')`))
    .addColumn('allowed_actions', 'text', (c) => c.notNull())
    .addColumn('excluded_actions', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('role_definitions_pk', ['tenant_id', 'id'])
    .execute();
  await db.schema.createIndex('role_definitions_name').unique().on('role_definitions').columns(['tenant_id', 'display_name']).execute();

  await db.schema
    .createTable('scopes')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text')
    .addPrimaryKeyConstraint('scopes_pk', ['tenant_id', 'id'])
    .execute();

  await db.schema
    .createTable('policies')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addColumn('scope_type', 'text', (c) => c.notNull())
    .addColumn('role_definition_id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('is_organization_default', 'integer', (c) => c.notNull())
    .addColumn('last_modified_by', 'text')
    .addColumn('last_modified_at', big)
    .addPrimaryKeyConstraint('policies_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('policies_role', ['tenant_id', 'role_definition_id'], 'role_definitions', ['tenant_id', 'id'])
    .execute();
  await db.schema.createIndex('policies_role_scope').unique().on('policies').columns(['tenant_id', 'role_definition_id', 'scope_id']).execute();

  await db.schema
    .createTable('policy_rules')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('policy_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('policy_rules_pk', ['tenant_id', 'policy_id', 'rule_id'])
    .addForeignKeyConstraint('policy_rules_policy', ['tenant_id', 'policy_id'], 'policies', ['tenant_id', 'id'])
    .execute();

  await db.schema
    .createTable('schedules')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('eligibility', 'assignment')`))
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('role_definition_id', 'text', (c) => c.notNull())
    .addColumn('directory_scope_id', 'text', (c) => c.notNull())
    .addColumn('assignment_type', 'text')
    .addColumn('member_type', 'text', (c) => c.notNull())
    .addColumn('start_at', big, (c) => c.notNull())
    .addColumn('end_at', big)
    .addColumn('closed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('close_reason', 'text')
    .addColumn('closed_at', big)
    .addColumn('created_using', 'text', (c) => c.notNull())
    .addColumn('source_schedule_id', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('modified_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('schedules_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('schedules_principal', ['tenant_id', 'principal_id'], 'principals', ['tenant_id', 'id'])
    .addForeignKeyConstraint('schedules_role', ['tenant_id', 'role_definition_id'], 'role_definitions', ['tenant_id', 'id'])
    .addCheckConstraint('schedules_end_after_start', sql`end_at is null or end_at > start_at`)
    .addCheckConstraint('schedules_assignment_type', sql`(kind = 'eligibility') = (assignment_type is null)`)
    .execute();
  // Invariant: one open (current or future) grant per principal, role, scope and kind.
  await db.schema
    .createIndex('schedules_one_open')
    .unique()
    .on('schedules')
    .columns(['tenant_id', 'kind', 'principal_id', 'role_definition_id', 'directory_scope_id'])
    .where(sql.ref('closed'), '=', 0)
    .execute();
  await db.schema.createIndex('schedules_principal').on('schedules').columns(['tenant_id', 'principal_id', 'kind']).execute();
  await db.schema.createIndex('schedules_source').on('schedules').columns(['tenant_id', 'source_schedule_id']).execute();

  await db.schema
    .createTable('schedule_requests')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('eligibility', 'assignment')`))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('role_definition_id', 'text', (c) => c.notNull())
    .addColumn('directory_scope_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('is_pending', 'integer', (c) => c.notNull())
    .addColumn('justification', 'text')
    .addColumn('ticket_number', 'text')
    .addColumn('ticket_system', 'text')
    .addColumn('start_at', big)
    .addColumn('expiration_type', 'text', (c) => c.notNull())
    .addColumn('expiration_end_at', big)
    .addColumn('expiration_duration', 'text')
    .addColumn('is_validation_only', 'integer', (c) => c.notNull())
    .addColumn('target_schedule_id', 'text')
    .addColumn('approval_id', 'text')
    .addColumn('created_by_id', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('completed_at', big)
    .addColumn('expires_at', big)
    .addPrimaryKeyConstraint('schedule_requests_pk', ['tenant_id', 'id'])
    .execute();
  // Invariant: one pending request per principal, role, scope and kind.
  await db.schema
    .createIndex('schedule_requests_one_pending')
    .unique()
    .on('schedule_requests')
    .columns(['tenant_id', 'kind', 'principal_id', 'role_definition_id', 'directory_scope_id'])
    .where(sql.ref('is_pending'), '=', 1)
    .execute();
  await db.schema.createIndex('schedule_requests_principal').on('schedule_requests').columns(['tenant_id', 'kind', 'principal_id', 'created_at']).execute();
  await db.schema.createIndex('schedule_requests_target').on('schedule_requests').columns(['tenant_id', 'target_schedule_id']).execute();

  await db.schema
    .createTable('timeline')
    .addColumn('id', serial, (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ref_id', 'text', (c) => c.notNull())
    .addColumn('due_at', big, (c) => c.notNull())
    .addColumn('pending', 'integer', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('done_at', big)
    .execute();
  await db.schema.createIndex('timeline_item').unique().on('timeline').columns(['kind', 'ref_id']).execute();
  await db.schema.createIndex('timeline_due').on('timeline').columns(['pending', 'due_at']).execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('seq', big, (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('activity_at', big, (c) => c.notNull())
    .addColumn('activity', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('operation_type', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('result_reason', 'text')
    .addColumn('correlation_id', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('initiated_by', 'text', (c) => c.notNull())
    .addColumn('targets', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_events_tenant_time').on('audit_events').columns(['tenant_id', 'activity_at']).execute();

  await db.schema
    .createTable('chain_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('audit_seq', big, (c) => c.notNull())
    .addColumn('audit_hash', 'text', (c) => c.notNull())
    .addColumn('feed_seq', big, (c) => c.notNull())
    .execute();
  await sql`insert into chain_head (id, audit_seq, audit_hash, feed_seq) values (1, 0, ${'0'.repeat(64)}, 0)`.execute(db);

  await db.schema
    .createTable('change_feed')
    .addColumn('seq', big, (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('feed_cursors')
    .addColumn('consumer', 'text', (c) => c.primaryKey())
    .addColumn('position', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('private_jwk', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('0001-core cannot be reverted: restore from a backup instead.');
}
