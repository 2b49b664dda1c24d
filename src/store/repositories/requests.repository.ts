import type { Kysely, Selectable } from 'kysely';
import type { RequestRepository } from '../../app/ports/repositories.ts';
import { DomainError } from '../../domain/errors.ts';
import { isPending, type Expiration, type RequestAction, type RequestStatus, type ScheduleRequest } from '../../domain/model.ts';
import { isUniqueViolation } from '../driver-errors.ts';
import { listPage, type FieldMap } from '../query/apply-list-query.ts';
import type { Database, ScheduleRequestsTable } from '../schema.ts';
import { bool, int } from './json.ts';

const FIELDS: FieldMap = {
  id: { column: 'r.id', type: 'string' },
  action: { column: 'r.action', type: 'string' },
  status: { column: 'r.status', type: 'string' },
  principalId: { column: 'r.principal_id', type: 'string' },
  roleDefinitionId: { column: 'r.role_definition_id', type: 'string' },
  directoryScopeId: { column: 'r.directory_scope_id', type: 'string' },
  approvalId: { column: 'r.approval_id', type: 'string', nullable: true },
  targetScheduleId: { column: 'r.target_schedule_id', type: 'string', nullable: true },
  createdDateTime: { column: 'r.created_at', type: 'instant' },
  completedDateTime: { column: 'r.completed_at', type: 'instant', nullable: true },
};

function expirationOf(r: Selectable<ScheduleRequestsTable>): Expiration {
  switch (r.expiration_type) {
    case 'noExpiration':
      return { type: 'noExpiration' };
    case 'afterDateTime':
      return { type: 'afterDateTime', endDateTime: r.expiration_end_at! };
    case 'afterDuration':
      return { type: 'afterDuration', duration: r.expiration_duration! };
    default:
      return { type: 'notSpecified' };
  }
}

const map = (r: Selectable<ScheduleRequestsTable>): ScheduleRequest => ({
  tenantId: r.tenant_id,
  id: r.id,
  kind: r.kind,
  action: r.action as RequestAction,
  status: r.status as RequestStatus,
  principalId: r.principal_id,
  roleDefinitionId: r.role_definition_id,
  directoryScopeId: r.directory_scope_id,
  justification: r.justification,
  ticketInfo: { ticketNumber: r.ticket_number, ticketSystem: r.ticket_system },
  scheduleInfo: { startDateTime: r.start_at, expiration: expirationOf(r) },
  isValidationOnly: bool(r.is_validation_only),
  targetScheduleId: r.target_schedule_id,
  approvalId: r.approval_id,
  createdById: r.created_by_id,
  createdAt: r.created_at,
  completedAt: r.completed_at,
  expiresAt: r.expires_at,
});

export function requestsRepository(db: Kysely<Database>): RequestRepository {
  return {
    async get(tenantId, kind, id) {
      const row = await db
        .selectFrom('schedule_requests')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('kind', '=', kind)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? map(row) : null;
    },
    async insert(q) {
      const e = q.scheduleInfo.expiration;
      try {
        await db
          .insertInto('schedule_requests')
          .values({
            tenant_id: q.tenantId,
            id: q.id,
            kind: q.kind,
            action: q.action,
            principal_id: q.principalId,
            role_definition_id: q.roleDefinitionId,
            directory_scope_id: q.directoryScopeId,
            status: q.status,
            is_pending: int(isPending(q.status)),
            justification: q.justification,
            ticket_number: q.ticketInfo.ticketNumber,
            ticket_system: q.ticketInfo.ticketSystem,
            start_at: q.scheduleInfo.startDateTime,
            expiration_type: e.type,
            expiration_end_at: e.type === 'afterDateTime' ? e.endDateTime : null,
            expiration_duration: e.type === 'afterDuration' ? e.duration : null,
            is_validation_only: int(q.isValidationOnly),
            target_schedule_id: q.targetScheduleId,
            approval_id: q.approvalId,
            created_by_id: q.createdById,
            created_at: q.createdAt,
            completed_at: q.completedAt,
            expires_at: q.expiresAt,
          })
          .execute();
      } catch (error) {
        if (isUniqueViolation(error, 'schedule_requests', 'schedule_requests_one_pending')) {
          throw new DomainError(
            'PendingRoleAssignmentRequest',
            'There is already a pending request for this role and scope; cancel it or wait for its outcome.',
          );
        }
        throw error;
      }
    },
    async applyTransition({ from, to }) {
      const result = await db
        .updateTable('schedule_requests')
        .set({ status: to.status, is_pending: int(isPending(to.status)), completed_at: to.completedAt, target_schedule_id: to.targetScheduleId })
        .where('tenant_id', '=', from.tenantId)
        .where('id', '=', from.id)
        .where('status', '=', from.status)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) {
        throw new DomainError('ConcurrencyConflict', 'The request changed while this change was being made; reload it and retry.');
      }
      return to;
    },
    async setExpiresAt(q, expiresAt) {
      await db.updateTable('schedule_requests').set({ expires_at: expiresAt }).where('tenant_id', '=', q.tenantId).where('id', '=', q.id).execute();
      return { ...q, expiresAt };
    },
    async pendingFor(key) {
      const rows = await db
        .selectFrom('schedule_requests')
        .selectAll()
        .where('tenant_id', '=', key.tenantId)
        .where('kind', '=', key.kind)
        .where('principal_id', '=', key.principalId)
        .where('role_definition_id', '=', key.roleDefinitionId)
        .where('directory_scope_id', '=', key.directoryScopeId)
        .where('is_pending', '=', 1)
        .execute();
      return rows.map(map);
    },
    async byTargetSchedule(tenantId, scheduleId) {
      const rows = await db
        .selectFrom('schedule_requests')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('target_schedule_id', '=', scheduleId)
        .execute();
      return rows.map(map);
    },
    list(tenantId, kind, principalIds, query) {
      let base = db.selectFrom('schedule_requests as r').selectAll('r').where('r.tenant_id', '=', tenantId).where('r.kind', '=', kind);
      if (principalIds) {
        if (principalIds.length === 0) return Promise.resolve({ items: [], hasMore: false, count: query.count ? 0 : undefined });
        base = base.where('r.principal_id', 'in', principalIds);
      }
      return listPage(base, query, FIELDS, map);
    },
    listForApprover(tenantId, kind, approverId, query) {
      const base = db
        .selectFrom('schedule_requests as r')
        .selectAll('r')
        .where('r.tenant_id', '=', tenantId)
        .where('r.kind', '=', kind)
        .where('r.is_pending', '=', 1)
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('approval_approvers as aa')
              .select('aa.approver_id')
              .whereRef('aa.tenant_id', '=', 'r.tenant_id')
              .whereRef('aa.approval_id', '=', 'r.approval_id')
              .where('aa.approver_id', '=', approverId)
              .where('aa.active', '=', 1)
              // An approver who has decided this stage (a quorum still waiting on others) has nothing left to do.
              .where((inner) =>
                inner.not(
                  inner.exists(
                    inner
                      .selectFrom('approval_decisions as d')
                      .select('d.approver_id')
                      .whereRef('d.tenant_id', '=', 'aa.tenant_id')
                      .whereRef('d.approval_id', '=', 'aa.approval_id')
                      .whereRef('d.stage', '=', 'aa.stage')
                      .whereRef('d.approver_id', '=', 'aa.approver_id'),
                  ),
                ),
              ),
          ),
        );
      return listPage(base, query, FIELDS, map);
    },
  };
}
