/**
 * One approver's decision on the current stage, as a pure function. The named rules of separation
 * of duties live here: no self-approval, one decision per approver per stage, deny beats approve
 * (the first deny ends the request), quorum counted over this stage's approvals, no decision after
 * the outcome. Whether the caller may decide at all is resolved by the use case *at decision time*
 * and passed in.
 */
import { DomainError } from '../errors.ts';
import type { Instant } from '../time.ts';
import { currentStage, replaceStage, type Approval, type ApprovalDecision } from './approval.ts';

export interface DecisionInput {
  readonly approverId: string;
  readonly stage: number;
  readonly result: 'Approve' | 'Deny';
  readonly justification: string | null;
}

export type Outcome =
  /** Counted; the stage still needs more approvals. */
  | { readonly kind: 'recorded'; readonly approval: Approval; readonly approvals: number }
  /** This stage reached its quorum and the next one started. */
  | { readonly kind: 'stageApproved'; readonly approval: Approval }
  /** The last stage reached its quorum: grant the request. */
  | { readonly kind: 'approved'; readonly approval: Approval }
  /** Denied: the request ends. */
  | { readonly kind: 'denied'; readonly approval: Approval };

export function decide(approval: Approval, earlier: readonly ApprovalDecision[], input: DecisionInput, isApprover: boolean, now: Instant): Outcome {
  const stage = currentStage(approval);
  if (!stage || stage.index !== input.stage) {
    throw new DomainError(
      'ApprovalStepNotActive',
      'This approval step is not waiting for decisions: it was already decided, has timed out, was canceled, or has not started.',
    );
  }
  if (input.approverId === approval.requesterId) {
    throw new DomainError('SelfApprovalNotAllowed', 'A requester cannot approve or deny their own request.');
  }
  if (!isApprover) {
    throw new DomainError('Authorization_RequestDenied', 'You are not an approver of this step.');
  }
  const ofStage = earlier.filter((d) => d.stage === stage.index);
  if (ofStage.some((d) => d.approverId === input.approverId)) {
    throw new DomainError('ApproverAlreadyDecided', 'You have already decided on this step.');
  }
  if (stage.isApproverJustificationRequired && !input.justification?.trim()) {
    throw new DomainError('Request_BadRequest', 'This step requires a justification from the approver.');
  }
  if (input.result === 'Deny') {
    const denied = { ...stage, status: 'Completed' as const, result: 'Deny' as const, completedAt: now };
    const after = replaceStage(approval, denied);
    return { kind: 'denied', approval: { ...after, stages: after.stages.map((s) => (s.status === 'NotStarted' ? { ...s, status: 'Canceled' as const } : s)) } };
  }
  const approvals = ofStage.filter((d) => d.result === 'Approve').length + 1;
  if (approvals < stage.approvalsRequired) return { kind: 'recorded', approval, approvals };
  const done = replaceStage(approval, { ...stage, status: 'Completed', result: 'Approve', completedAt: now });
  const next = done.stages[stage.index + 1];
  if (!next) return { kind: 'approved', approval: done };
  return { kind: 'stageApproved', approval: replaceStage(done, { ...next, status: 'InProgress', startedAt: now }) };
}
