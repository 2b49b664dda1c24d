import type { Kysely, Selectable } from 'kysely';
import type { ScheduleRepository } from '../../app/ports/repositories.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Schedule } from '../../domain/model.ts';
import { isUniqueViolation } from '../driver-errors.ts';
import { listPage, type FieldMap } from '../query/apply-list-query.ts';
import type { Database, SchedulesTable } from '../schema.ts';
import { bool, int } from './json.ts';

const FIELDS: FieldMap = {
  id: { column: 's.id', type: 'string' },
  principalId: { column: 's.principal_id', type: 'string' },
  roleDefinitionId: { column: 's.role_definition_id', type: 'string' },
  directoryScopeId: { column: 's.directory_scope_id', type: 'string' },
  assignmentType: { column: 's.assignment_type', type: 'string', nullable: true },
  memberType: { column: 's.member_type', type: 'string' },
  startDateTime: { column: 's.start_at', type: 'instant' },
  endDateTime: { column: 's.end_at', type: 'instant', nullable: true },
  createdDateTime: { column: 's.created_at', type: 'instant' },
  modifiedDateTime: { column: 's.modified_at', type: 'instant' },
  roleAssignmentScheduleId: { column: 's.id', type: 'string' },
  roleEligibilityScheduleId: { column: 's.id', type: 'string' },
};

export const toSchedule = (r: Selectable<SchedulesTable>): Schedule => ({
  tenantId: r.tenant_id,
  id: r.id,
  kind: r.kind,
  principalId: r.principal_id,
  roleDefinitionId: r.role_definition_id,
  directoryScopeId: r.directory_scope_id,
  assignmentType: r.assignment_type,
  memberType: r.member_type,
  startAt: r.start_at,
  endAt: r.end_at,
  closed: bool(r.closed),
  closeReason: r.close_reason as Schedule['closeReason'],
  closedAt: r.closed_at,
  createdUsing: r.created_using,
  sourceScheduleId: r.source_schedule_id,
  createdAt: r.created_at,
  modifiedAt: r.modified_at,
});

const toRow = (s: Schedule) => ({
  tenant_id: s.tenantId,
  id: s.id,
  kind: s.kind,
  principal_id: s.principalId,
  role_definition_id: s.roleDefinitionId,
  directory_scope_id: s.directoryScopeId,
  assignment_type: s.assignmentType,
  member_type: s.memberType,
  start_at: s.startAt,
  end_at: s.endAt,
  closed: int(s.closed),
  close_reason: s.closeReason,
  closed_at: s.closedAt,
  created_using: s.createdUsing,
  source_schedule_id: s.sourceScheduleId,
  created_at: s.createdAt,
  modified_at: s.modifiedAt,
});

export function schedulesRepository(db: Kysely<Database>): ScheduleRepository {
  const byKey = (key: Parameters<ScheduleRepository['findOpen']>[0]) =>
    db.selectFrom('schedules').selectAll()
      .where('tenant_id', '=', key.tenantId)
      .where('kind', '=', key.kind)
      .where('principal_id', '=', key.principalId)
      .where('role_definition_id', '=', key.roleDefinitionId)
      .where('directory_scope_id', '=', key.directoryScopeId);

  /** Active assignments at the tenant root in effect at `at` — the end compared here, not trusted to the timeline. */
  const activeAtRootWhere = (tenantId: string, at: number) =>
    db.selectFrom('schedules')
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', 'assignment')
      .where('closed', '=', 0)
      .where('directory_scope_id', '=', '/')
      .where('start_at', '<=', at)
      .where((eb) => eb.or([eb('end_at', 'is', null), eb('end_at', '>', at)]));

  return {
    async get(tenantId, id) {
      const row = await db.selectFrom('schedules').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return row ? toSchedule(row) : null;
    },
    async findOpen(key) {
      const row = await byKey(key).where('closed', '=', 0).executeTakeFirst();
      return row ? toSchedule(row) : null;
    },
    async findLastClosed(key) {
      const row = await byKey(key).where('closed', '=', 1).orderBy('closed_at', 'desc').limit(1).executeTakeFirst();
      return row ? toSchedule(row) : null;
    },
    async insert(schedule) {
      try {
        await db.insertInto('schedules').values(toRow(schedule)).execute();
      } catch (error) {
        if (isUniqueViolation(error, 'schedules', 'schedules_one_open')) {
          throw new DomainError('RoleAssignmentExists', 'The role assignment already exists.');
        }
        throw error;
      }
    },
    async update(schedule) {
      const { tenant_id, id, ...rest } = toRow(schedule);
      await db.updateTable('schedules').set(rest).where('tenant_id', '=', tenant_id).where('id', '=', id).execute();
    },
    async activationsFrom(tenantId, eligibilityScheduleId) {
      const rows = await db.selectFrom('schedules').selectAll()
        .where('tenant_id', '=', tenantId).where('source_schedule_id', '=', eligibilityScheduleId).where('closed', '=', 0).execute();
      return rows.map(toSchedule);
    },
    async activeOf(tenantId, principalIds, at) {
      if (principalIds.length === 0) return [];
      const rows = await db.selectFrom('schedules').selectAll()
        .where('tenant_id', '=', tenantId).where('kind', '=', 'assignment').where('closed', '=', 0)
        .where('principal_id', 'in', principalIds)
        .where('start_at', '<=', at).where((eb) => eb.or([eb('end_at', 'is', null), eb('end_at', '>', at)]))
        .execute();
      return rows.map(toSchedule);
    },
    async countActiveAt(tenantId, roleDefinitionId, scopeId, at, exceptScheduleId) {
      const row = await db.selectFrom('schedules')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('tenant_id', '=', tenantId).where('kind', '=', 'assignment').where('closed', '=', 0)
        .where('directory_scope_id', '=', scopeId).where('role_definition_id', '=', roleDefinitionId)
        .where('start_at', '<=', at).where((eb) => eb.or([eb('end_at', 'is', null), eb('end_at', '>', at)]))
        .where('id', '!=', exceptScheduleId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async eligibilitiesAt(tenantId, principalIds, roleDefinitionId, scopeIds, at) {
      if (principalIds.length === 0 || scopeIds.length === 0) return [];
      const rows = await db.selectFrom('schedules').selectAll()
        .where('tenant_id', '=', tenantId).where('kind', '=', 'eligibility').where('closed', '=', 0)
        .where('principal_id', 'in', principalIds).where('role_definition_id', '=', roleDefinitionId)
        .where('directory_scope_id', 'in', scopeIds)
        .where((eb) => eb.or([eb('end_at', 'is', null), eb('end_at', '>', at)]))
        .execute();
      return rows.map(toSchedule);
    },
    async activeAtRoot(tenantId, principalIds, at) {
      if (principalIds.length === 0) return [];
      const rows = await activeAtRootWhere(tenantId, at).selectAll().where('principal_id', 'in', principalIds).execute();
      return rows.map(toSchedule);
    },
    async holdersAtRoot(tenantId, roleDefinitionIds, at) {
      if (roleDefinitionIds.length === 0) return [];
      const rows = await activeAtRootWhere(tenantId, at).select('principal_id').distinct().where('role_definition_id', 'in', roleDefinitionIds).execute();
      return rows.map((r) => r.principal_id);
    },
    async countStanding(tenantId, roleDefinitionId, exceptScheduleId) {
      const row = await db.selectFrom('schedules')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('kind', '=', 'assignment')
        .where('closed', '=', 0)
        .where('directory_scope_id', '=', '/')
        .where('role_definition_id', '=', roleDefinitionId)
        .where('end_at', 'is', null)
        .where('id', '!=', exceptScheduleId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    list(tenantId, options, query) {
      let base = db.selectFrom('schedules as s').selectAll('s')
        .where('s.tenant_id', '=', tenantId)
        .where('s.kind', '=', options.kind)
        .where('s.closed', '=', 0)
        // Compared with the clock here, not trusted to the timeline: nothing ended is listed.
        .where((eb) => eb.or([eb('s.end_at', 'is', null), eb('s.end_at', '>', options.at)]));
      if (options.view === 'instances') base = base.where('s.start_at', '<=', options.at);
      if (options.principalIds) {
        if (options.principalIds.length === 0) return Promise.resolve({ items: [], hasMore: false, count: query.count ? 0 : undefined });
        base = base.where('s.principal_id', 'in', options.principalIds);
      }
      return listPage(base, query, FIELDS, toSchedule);
    },
  };
}
