import type { Kysely, Selectable } from 'kysely';
import type { ScheduleRepository } from '../../app/ports/repositories.ts';
import { DomainError } from '../../domain/errors.ts';
import { GROUP_ROLE, groupScope } from '../../domain/group-access.ts';
import type { Schedule } from '../../domain/model.ts';
import { RENEW_WINDOW } from '../../domain/requests/hard-rules.ts';
import type { StandingGrant } from '../../domain/safeguards.ts';
import type { Instant } from '../../domain/time.ts';
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

/**
 * Whether a group has an enabled user or service principal among its lasting members: static ones,
 * and PIM for Groups `member` assignments that have started and never end, through nested groups.
 */
function lastingMembers(db: Kysely<Database>) {
  return async (tenantId: string, groupId: string, at: Instant): Promise<boolean> => {
    const seen = new Set([groupId]);
    let frontier = [groupId];
    while (frontier.length > 0) {
      const [fixed, pim] = await Promise.all([
        db.selectFrom('group_members').select('member_id').where('tenant_id', '=', tenantId).where('group_id', 'in', frontier).execute(),
        db
          .selectFrom('schedules')
          .select('principal_id as member_id')
          .where('tenant_id', '=', tenantId)
          .where('kind', '=', 'assignment')
          .where('closed', '=', 0)
          .where('role_definition_id', '=', GROUP_ROLE.member)
          .where('directory_scope_id', 'in', frontier.map(groupScope))
          .where('end_at', 'is', null)
          .where('start_at', '<=', at)
          .execute(),
      ]);
      const ids = [...new Set([...fixed, ...pim].map((r) => r.member_id))].filter((id) => !seen.has(id));
      if (ids.length === 0) return false;
      const members = await db
        .selectFrom('principals')
        .select(['id', 'type', 'account_enabled'])
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', ids)
        .execute();
      if (members.some((m) => m.type !== 'group' && bool(m.account_enabled))) return true;
      frontier = members.filter((m) => m.type === 'group').map((m) => m.id);
      for (const id of frontier) seen.add(id);
    }
    return false;
  };
}

export function schedulesRepository(db: Kysely<Database>): ScheduleRepository {
  const byKey = (key: Parameters<ScheduleRepository['findOpen']>[0]) =>
    db
      .selectFrom('schedules')
      .selectAll()
      .where('tenant_id', '=', key.tenantId)
      .where('kind', '=', key.kind)
      .where('principal_id', '=', key.principalId)
      .where('role_definition_id', '=', key.roleDefinitionId)
      .where('directory_scope_id', '=', key.directoryScopeId);

  /** Active assignments at the tenant root in effect at `at` — the end compared here, not trusted to the timeline. */
  const activeAtRootWhere = (tenantId: string, at: number) =>
    db
      .selectFrom('schedules')
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
    async deleteClosedOfRole(tenantId, roleDefinitionId) {
      const deleted = await db
        .deleteFrom('schedules')
        .where('tenant_id', '=', tenantId)
        .where('role_definition_id', '=', roleDefinitionId)
        .where('closed', '=', 1)
        .executeTakeFirst();
      return Number(deleted.numDeletedRows);
    },
    async activationsFrom(tenantId, eligibilityScheduleId) {
      const rows = await db
        .selectFrom('schedules')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('source_schedule_id', '=', eligibilityScheduleId)
        .where('closed', '=', 0)
        .execute();
      return rows.map(toSchedule);
    },
    async activeOf(tenantId, principalIds, at) {
      if (principalIds.length === 0) return [];
      const rows = await db
        .selectFrom('schedules')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('kind', '=', 'assignment')
        .where('closed', '=', 0)
        .where('principal_id', 'in', principalIds)
        .where('start_at', '<=', at)
        .where((eb) => eb.or([eb('end_at', 'is', null), eb('end_at', '>', at)]))
        .execute();
      return rows.map(toSchedule);
    },
    async countActiveAt(tenantId, roleDefinitionId, scopeId, at, exceptScheduleId) {
      const row = await db
        .selectFrom('schedules')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('kind', '=', 'assignment')
        .where('closed', '=', 0)
        .where('directory_scope_id', '=', scopeId)
        .where('role_definition_id', '=', roleDefinitionId)
        .where('start_at', '<=', at)
        .where((eb) => eb.or([eb('end_at', 'is', null), eb('end_at', '>', at)]))
        .where('id', '!=', exceptScheduleId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async eligibilitiesAt(tenantId, principalIds, roleDefinitionId, scopeIds, at) {
      if (principalIds.length === 0 || scopeIds.length === 0) return [];
      const rows = await db
        .selectFrom('schedules')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('kind', '=', 'eligibility')
        .where('closed', '=', 0)
        .where('principal_id', 'in', principalIds)
        .where('role_definition_id', '=', roleDefinitionId)
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
    async standingGrants(tenantId, roleDefinitionIds, at) {
      if (roleDefinitionIds.length === 0) return [];
      const rows = await db
        .selectFrom('schedules as s')
        .innerJoin('principals as p', (j) => j.onRef('p.tenant_id', '=', 's.tenant_id').onRef('p.id', '=', 's.principal_id'))
        .select(['s.id', 's.role_definition_id', 'p.id as holder_id', 'p.type', 'p.account_enabled'])
        .where('s.tenant_id', '=', tenantId)
        .where('s.kind', '=', 'assignment')
        .where('s.closed', '=', 0)
        .where('s.directory_scope_id', '=', '/')
        .where('s.role_definition_id', 'in', [...roleDefinitionIds])
        .where('s.end_at', 'is', null)
        .where('s.start_at', '<=', at)
        .execute();
      const lasting = lastingMembers(db);
      const grants: StandingGrant[] = [];
      for (const r of rows) {
        grants.push({
          scheduleId: r.id,
          roleDefinitionId: r.role_definition_id,
          holderType: r.type,
          holderEnabled: bool(r.account_enabled),
          holderHasLastingMember: r.type === 'group' && (await lasting(tenantId, r.holder_id, at)),
        });
      }
      return grants;
    },
    list(tenantId, options, query) {
      let base = db.selectFrom('schedules as s').selectAll('s').where('s.tenant_id', '=', tenantId).where('s.kind', '=', options.kind);
      if (options.view === 'expired') {
        base = base
          .where('s.source_schedule_id', 'is', null)
          .where('s.end_at', '>', options.at - RENEW_WINDOW)
          // Ended by its time, whether or not the timeline has closed it yet.
          .where((eb) =>
            eb.or([eb.and([eb('s.closed', '=', 1), eb('s.close_reason', '=', 'expired')]), eb.and([eb('s.closed', '=', 0), eb('s.end_at', '<=', options.at)])]),
          )
          // The last of its key: nothing open since, nothing closed after it.
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('schedules as later')
                  .select('later.id')
                  .whereRef('later.tenant_id', '=', 's.tenant_id')
                  .whereRef('later.kind', '=', 's.kind')
                  .whereRef('later.principal_id', '=', 's.principal_id')
                  .whereRef('later.role_definition_id', '=', 's.role_definition_id')
                  .whereRef('later.directory_scope_id', '=', 's.directory_scope_id')
                  .whereRef('later.id', '<>', 's.id')
                  .where((eb) => eb.or([eb('later.closed', '=', 0), eb('later.closed_at', '>', eb.ref('s.closed_at'))])),
              ),
            ),
          );
      } else {
        base = base
          .where('s.closed', '=', 0)
          // Compared with the clock here, not trusted to the timeline: nothing ended is listed.
          .where((eb) => eb.or([eb('s.end_at', 'is', null), eb('s.end_at', '>', options.at)]));
      }
      if (options.view === 'instances') base = base.where('s.start_at', '<=', options.at);
      if (options.principalIds) {
        if (options.principalIds.length === 0) return Promise.resolve({ items: [], hasMore: false, count: query.count ? 0 : undefined });
        base = base.where('s.principal_id', 'in', options.principalIds);
      }
      return listPage(base, query, FIELDS, toSchedule);
    },
  };
}
