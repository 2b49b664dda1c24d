import type { Kysely, Selectable } from 'kysely';
import type { ApprovalRepository } from '../../app/ports/repositories.ts';
import type { Approval, ApprovalStage } from '../../domain/approvals/approval.ts';
import { DomainError } from '../../domain/errors.ts';
import { isUniqueViolation } from '../driver-errors.ts';
import type { ApprovalsTable, Database } from '../schema.ts';
import { bool, fromJson, int, toJson } from './json.ts';

const map = (r: Selectable<ApprovalsTable>): Approval => ({
  tenantId: r.tenant_id,
  id: r.id,
  requestId: r.request_id,
  kind: r.kind,
  requesterId: r.requester_id,
  grantStartsAt: r.grant_starts_at,
  fallbackToAdmins: bool(r.fallback_to_admins),
  stages: fromJson<ApprovalStage[]>(r.stages),
  createdAt: r.created_at,
});

export function approvalsRepository(db: Kysely<Database>): ApprovalRepository {
  return {
    async get(tenantId, id) {
      const row = await db.selectFrom('approvals').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return row ? map(row) : null;
    },
    async insert(a) {
      await db
        .insertInto('approvals')
        .values({
          tenant_id: a.tenantId,
          id: a.id,
          request_id: a.requestId,
          kind: a.kind,
          requester_id: a.requesterId,
          grant_starts_at: a.grantStartsAt,
          fallback_to_admins: int(a.fallbackToAdmins),
          stages: toJson(a.stages),
          created_at: a.createdAt,
          modified_at: a.createdAt,
        })
        .execute();
    },
    async update(a, at) {
      await db
        .updateTable('approvals')
        .set({ stages: toJson(a.stages), modified_at: at })
        .where('tenant_id', '=', a.tenantId)
        .where('id', '=', a.id)
        .execute();
    },
    async decisions(tenantId, approvalId) {
      const rows = await db
        .selectFrom('approval_decisions')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('approval_id', '=', approvalId)
        .orderBy('decided_at')
        .orderBy('approver_id')
        .execute();
      return rows.map((r) => ({
        tenantId: r.tenant_id,
        approvalId: r.approval_id,
        stage: r.stage,
        approverId: r.approver_id,
        result: r.result,
        justification: r.justification,
        decidedAt: r.decided_at,
      }));
    },
    async addDecision(d) {
      try {
        await db
          .insertInto('approval_decisions')
          .values({
            tenant_id: d.tenantId,
            approval_id: d.approvalId,
            stage: d.stage,
            approver_id: d.approverId,
            result: d.result,
            justification: d.justification,
            decided_at: d.decidedAt,
          })
          .execute();
      } catch (error) {
        if (isUniqueViolation(error, 'approval_decisions')) throw new DomainError('ApproverAlreadyDecided', 'You have already decided on this step.');
        throw error;
      }
    },
    async addApprovers(tenantId, approvalId, stage, approverIds, source) {
      if (approverIds.length === 0) return;
      await db
        .insertInto('approval_approvers')
        .values(approverIds.map((id) => ({ tenant_id: tenantId, approval_id: approvalId, stage, approver_id: id, source, active: 1 })))
        .onConflict((oc) => oc.columns(['tenant_id', 'approval_id', 'stage', 'approver_id']).doUpdateSet({ active: 1 }))
        .execute();
    },
    async deactivateApprovers(tenantId, approvalId) {
      await db.updateTable('approval_approvers').set({ active: 0 }).where('tenant_id', '=', tenantId).where('approval_id', '=', approvalId).execute();
    },
    async approvers(tenantId, approvalId) {
      const rows = await db
        .selectFrom('approval_approvers')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('approval_id', '=', approvalId)
        .orderBy('stage')
        .orderBy('approver_id')
        .execute();
      return rows.map((r) => ({ stage: r.stage, approverId: r.approver_id, source: r.source, active: bool(r.active) }));
    },
  };
}
