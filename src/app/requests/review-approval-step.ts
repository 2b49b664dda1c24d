/**
 * An approver approves or denies the current step of a request (Graph: PATCH
 * /beta/roleManagement/directory/roleAssignmentApprovals/{id}/steps/{stepId}). The approver's right
 * is re-resolved now, not trusted from when the step started. Concurrent decisions queue on the
 * store's write lock and the one-decision-per-approver key, so a request gets exactly one outcome.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { currentStage, stepIdOf } from '../../domain/approvals/approval.ts';
import { decide } from '../../domain/approvals/decide.ts';
import { DomainError } from '../../domain/errors.ts';
import type { ScheduleRequest } from '../../domain/model.ts';
import { actorOf, auditRecord, requestTarget } from '../audit/record.ts';
import type { Caller } from '../caller.ts';
import { requestFacts } from '../ports/change-feed.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { transition } from '../../domain/requests/lifecycle.ts';
import { isApproverNow } from '../approvals/approvers.ts';
import { loadApproval } from '../approvals/load-approval.ts';
import { startStage, stopWaiting } from '../approvals/open-approval.ts';
import { grantApproved } from '../grants/grant-approved.ts';
import { grantContextOf } from '../grants/grant-context.ts';
import { resolvePolicy } from '../policies/resolve-policy.ts';
import type { RequestRepositories } from './request-context.ts';

export interface ReviewInput {
  readonly reviewResult: 'Approve' | 'Deny';
  readonly justification: string | null;
}

export async function reviewApprovalStep(
  deps: { uow: UnitOfWork<keyof RequestRepositories>; clock: Clock; ids: Ids },
  caller: Caller,
  approvalId: string,
  stepId: string,
  input: ReviewInput,
): Promise<ScheduleRequest> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const { approval, request } = await loadApproval(tx, caller, approvalId);
    const stageIndex = Number(stepId) - 1;
    if (!Number.isInteger(stageIndex) || !approval.stages[stageIndex]) throw new DomainError('Request_ResourceNotFound', `Step '${stepId}' does not exist.`);
    const stage = currentStage(approval);
    // The time-out is the clock's: past its deadline a request takes no decision, even before the timeline records it.
    const waiting = request.status === 'PendingApproval' && stage !== null && (request.expiresAt === null || now < request.expiresAt);
    const isApprover = waiting && stage.index === stageIndex ? await isApproverNow(tx, approval, stage, caller.principal.id, now) : false;
    const outcome = decide(
      waiting ? approval : { ...approval, stages: approval.stages.map((s) => ({ ...s, status: s.status === 'InProgress' ? ('Expired' as const) : s.status })) },
      await tx.approvals.decisions(caller.tenantId, approval.id),
      { approverId: caller.principal.id, stage: stageIndex, result: input.reviewResult, justification: input.justification },
      isApprover,
      now,
    );
    await tx.approvals.addDecision({
      tenantId: caller.tenantId,
      approvalId: approval.id,
      stage: stageIndex,
      approverId: caller.principal.id,
      result: input.reviewResult,
      justification: input.justification,
      decidedAt: now,
    });
    const actor = actorOf(caller);
    const audit = (activity: string, details: Record<string, string> = {}) =>
      tx.audit.append(
        auditRecord(caller.tenantId, actor, caller.correlationId, now, {
          activity,
          operationType: 'Update',
          targets: [
            requestTarget(request),
            { id: request.roleDefinitionId, displayName: null, type: 'Role' },
            { id: request.principalId, displayName: null, type: 'User' },
          ],
          details: {
            RequestId: request.id,
            Stage: stepIdOf(stageIndex),
            Decision: input.reviewResult,
            ...(input.justification ? { ApproverJustification: input.justification } : {}),
            ...details,
          },
        }),
      );
    switch (outcome.kind) {
      case 'recorded':
        await audit(ACTIVITY.approvalRecorded, { Approvals: `${outcome.approvals} of ${approval.stages[stageIndex]!.approvalsRequired}` });
        return request;
      case 'stageApproved': {
        await tx.approvals.update(outcome.approval, now);
        await tx.approvals.deactivateApprovers(caller.tenantId, approval.id);
        await tx.timeline.unschedule('approvalEscalation', `${approval.id}:${stageIndex}`);
        await audit(ACTIVITY.stageApproved);
        return startStage(tx, outcome.approval, currentStage(outcome.approval)!, request, now, false);
      }
      case 'denied': {
        await tx.approvals.update(outcome.approval, now);
        await stopWaiting(tx, outcome.approval);
        const denied = await tx.requests.applyTransition(transition(request, 'Denied', now));
        await audit(ACTIVITY.requestDenied);
        await tx.feed.append(caller.tenantId, 'request.denied', request.id, {
          ...requestFacts(denied),
          approverId: caller.principal.id,
          justification: input.justification,
        });
        return denied;
      }
      case 'approved': {
        await tx.approvals.update(outcome.approval, now);
        await stopWaiting(tx, outcome.approval);
        await audit(ACTIVITY.requestApproved);
        const [principal, role, policy] = await Promise.all([
          tx.principals.get(request.tenantId, request.principalId),
          tx.roles.get(request.tenantId, request.roleDefinitionId),
          resolvePolicy(tx, request.tenantId, request.roleDefinitionId, request.directoryScopeId),
        ]);
        const granted = await grantApproved(grantContextOf(tx, deps.ids, now, caller), {
          request,
          approval: outcome.approval,
          principal: principal!,
          role: role!,
          rules: policy.rules,
        });
        if (granted.status !== 'Failed') {
          await tx.feed.append(caller.tenantId, 'request.approved', request.id, { ...requestFacts(granted), approverId: caller.principal.id });
        }
        return granted;
      }
    }
  });
}
