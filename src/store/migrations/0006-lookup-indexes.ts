/**
 * Indexes for lookups the benchmark found scanning (bench/REPORT.md, T3/T4). FROZEN once shipped.
 * - A member's groups, on every authenticated request: without statistics SQLite preferred the
 *   covering primary key (tenant, group, member) over (tenant, member) and scanned the tenant's
 *   memberships; (tenant, member, group) is covering and leads with the member.
 * - Holders of a role at a scope (approvers, notification recipients, the last-owner and
 *   safeguard counts) and a group's timed members (`member` at `/groups/{id}`).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('group_members_member').execute();
  await db.schema.createIndex('group_members_by_member').on('group_members').columns(['tenant_id', 'member_id', 'group_id']).execute();
  await db.schema
    .createIndex('schedules_role_scope')
    .on('schedules')
    .columns(['tenant_id', 'role_definition_id', 'directory_scope_id', 'kind'])
    .where(sql.ref('closed'), '=', 0)
    .execute();
}
