/**
 * Puts a request up for approval: the approval with its stages (a snapshot of the policy), the
 * first stage's approvers in their inboxes, its time-out and escalation on the timeline, and a
 * change-feed event the notifier turns into "approval needed" messages.
 */
import { closeApproval, currentStage, newApproval, stageDeadlines, type Approval, type ApprovalStage } from '../../domain/approvals/approval.ts';
import type { ScheduleRequest } from '../../domain/model.ts';
import type { ApprovalSettings } from '../../domain/policy/rules.ts';
import type { Instant } from '../../domain/time.ts';
import { requestFacts, type ChangeTopics } from '../ports/change-feed.ts';
import type { Repositories } from '../ports/repositories.ts';
import { resolveApprovers, type ApproverReads } from './approvers.ts';

/** What putting a request up for approval touches. */
export type ApprovalRepositories = Pick<Repositories, 'approvals' | 'requests' | 'timeline' | 'feed'> & ApproverReads;

/** The stage used when the policy asks for approval but lists no stage (self extend / renew). */
const DEFAULT_STAGE = {
  approvalStageTimeOutInDays: 1,
  isApproverJustificationRequired: true,
  escalationTimeInMinutes: 0,
  isEscalationEnabled: false,
  primaryApprovers: [],
  escalationApprovers: [],
} as const;

export async function openApproval(
  tx: ApprovalRepositories,
  request: ScheduleRequest,
  settings: ApprovalSettings,
  fallbackToAdmins: boolean,
  now: Instant,
): Promise<{ approval: Approval; request: ScheduleRequest }> {
  const stages = settings.approvalStages.length > 0 ? settings.approvalStages : [DEFAULT_STAGE];
  const approval = newApproval(
    {
      tenantId: request.tenantId,
      id: request.id,
      requestId: request.id,
      kind: request.kind,
      requesterId: request.principalId,
      fallbackToAdmins,
    },
    { ...settings, approvalStages: stages },
    now,
  );
  await tx.approvals.insert(approval);
  const updated = await startStage(tx, approval, currentStage(approval)!, request, now, false);
  return { approval, request: updated };
}

/**
 * A stage begins (the first, or the next after a quorum): its approvers get it in their inbox,
 * the request's time-out moves to this stage's, and escalation is set if the stage has one.
 */
export async function startStage(
  tx: ApprovalRepositories,
  approval: Approval,
  stage: ApprovalStage,
  request: ScheduleRequest,
  now: Instant,
  escalation: boolean,
): Promise<ScheduleRequest> {
  const approvers = await resolveApprovers(tx, approval, stage, now);
  for (const [source, ids] of approvers) await tx.approvals.addApprovers(approval.tenantId, approval.id, stage.index, ids, source);
  const { timeoutAt, escalateAt } = stageDeadlines(stage);
  const updated = request.expiresAt === timeoutAt ? request : await tx.requests.setExpiresAt(request, timeoutAt);
  await tx.timeline.schedule(approval.tenantId, 'requestTimeout', request.id, timeoutAt);
  if (escalateAt !== null && !stage.escalated) await tx.timeline.schedule(approval.tenantId, 'approvalEscalation', `${approval.id}:${stage.index}`, escalateAt);
  await tx.feed.append(
    approval.tenantId,
    'approval.pending',
    approval.id,
    approvalPending(approval, stage, updated, [...new Set([...approvers.values()].flat())], escalation),
  );
  return updated;
}

/** The `approval.pending` row: a stage waits for these approvers (the escalation approvers just added, when `escalation`). */
export const approvalPending = (
  approval: Approval,
  stage: ApprovalStage,
  request: ScheduleRequest,
  approverIds: readonly string[],
  escalation: boolean,
): ChangeTopics['approval.pending'] => ({
  ...requestFacts(request),
  requestId: request.id,
  stage: stage.index + 1,
  stages: approval.stages.length,
  approverIds,
  escalation,
});

/** The approval stops waiting (decided, timed out, canceled): out of every inbox, timers dropped. */
export async function stopWaiting(tx: Pick<Repositories, 'approvals' | 'timeline'>, approval: Approval): Promise<void> {
  await tx.approvals.deactivateApprovers(approval.tenantId, approval.id);
  await tx.timeline.unschedule('requestTimeout', approval.requestId);
  for (const stage of approval.stages) await tx.timeline.unschedule('approvalEscalation', `${approval.id}:${stage.index}`);
}

/** A pending request ended without a decision (timed out, canceled): its approval ends with it. */
export async function endApprovalOf(
  tx: Pick<Repositories, 'approvals' | 'timeline'>,
  request: ScheduleRequest,
  status: 'Expired' | 'Canceled',
  now: Instant,
): Promise<void> {
  if (!request.approvalId) return;
  const approval = await tx.approvals.get(request.tenantId, request.approvalId);
  if (!approval) return;
  const closed = closeApproval(approval, status, now);
  await tx.approvals.update(closed, now);
  await stopWaiting(tx, closed);
}
