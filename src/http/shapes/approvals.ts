/**
 * Graph's approval (beta: roleAssignmentApprovals/{id}) with one step per stage. OpenPIM adds to
 * each step its quorum (`approvalsRequired`) and every decision taken on it (`decisions`).
 */
import { z } from 'zod';
import type { ApprovalView } from '../../app/queries/approvals.ts';
import { stepIdOf } from '../../domain/approvals/approval.ts';
import { toIso } from '../../domain/time.ts';

export const APPROVAL_STEP_PROPERTIES = [
  'id',
  'displayName',
  'status',
  'reviewResult',
  'reviewedBy',
  'reviewedDateTime',
  'justification',
  'assignedToMe',
  'approvalsRequired',
  'decisions',
] as const;

export function stepsShape(view: ApprovalView, callerId: string, names: ReadonlyMap<string, string | null>) {
  return view.approval.stages.map((stage) => {
    const decisions = view.decisions.filter((d) => d.stage === stage.index);
    const mine = decisions.find((d) => d.approverId === callerId);
    // A completed step was settled by its deny, or by the approval that made the quorum; decisions
    // in the same millisecond are ordered by approver id, so the latest alone could name someone else.
    const last = (stage.status === 'Completed' ? decisions.filter((d) => d.result === stage.result) : decisions).at(-1);
    const assigned = view.approvers.some((a) => a.stage === stage.index && a.approverId === callerId && a.active);
    return {
      id: stepIdOf(stage.index),
      displayName: `Stage ${stage.index + 1} of ${view.approval.stages.length}`,
      status: stage.status,
      reviewResult: stage.result,
      reviewedBy: last ? { id: last.approverId, displayName: names.get(last.approverId) ?? null } : null,
      reviewedDateTime: stage.completedAt === null ? null : toIso(stage.completedAt),
      justification: mine?.justification ?? last?.justification ?? null,
      assignedToMe: assigned && !mine && stage.status === 'InProgress',
      approvalsRequired: stage.approvalsRequired,
      decisions: decisions.map((d) => ({
        reviewedBy: { id: d.approverId, displayName: names.get(d.approverId) ?? null },
        reviewResult: d.result,
        justification: d.justification,
        reviewedDateTime: toIso(d.decidedAt),
      })),
    };
  });
}

export const approvalShape = (view: ApprovalView, callerId: string, names: ReadonlyMap<string, string | null>) => ({
  id: view.approval.id,
  steps: stepsShape(view, callerId, names),
});

export const reviewBody = z.strictObject({
  reviewResult: z.enum(['Approve', 'Deny']),
  justification: z.string().max(500).nullish(),
});
