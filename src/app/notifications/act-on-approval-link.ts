/**
 * One-click approve/deny from an email or chat message. The signed link says which approval step,
 * which decision and for whom; it is never authority by itself: the caller must be signed in as
 * that approver, and the decision goes through reviewApprovalStep, which re-checks that they may
 * decide now. A link works once (its jti is recorded when it decides) and only until it expires.
 */
import { currentStage } from '../../domain/approvals/approval.ts';
import { DomainError } from '../../domain/errors.ts';
import type { ScheduleRequest } from '../../domain/model.ts';
import { reviewApprovalStep } from '../requests/review-approval-step.ts';
import type { RequestRepositories } from '../requests/request-context.ts';
import type { Caller } from '../caller.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { ApprovalLinkClaims, ApprovalLinks } from '../ports/notifier.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { getApproval } from '../queries/approvals.ts';

export interface ApprovalLinkDeps {
  readonly uow: UnitOfWork<keyof RequestRepositories | 'linkUses'>;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly links: ApprovalLinks;
}

/** Verifies the link and that it was sent to the caller. */
async function claimsFor(deps: ApprovalLinkDeps, caller: Caller, token: string): Promise<ApprovalLinkClaims> {
  const claims = await deps.links.verify(token);
  if (claims.tenantId !== caller.tenantId || claims.approverId !== caller.principal.id) {
    throw new DomainError('Authorization_RequestDenied', 'This approval link was sent to another approver: sign in as that approver, or decide in OpenPIM.');
  }
  return claims;
}

export interface ApprovalLinkView {
  readonly approvalId: string;
  readonly stepId: string;
  readonly decision: 'Approve' | 'Deny';
  readonly expiresAt: number;
  readonly used: boolean;
  readonly request: ScheduleRequest;
  /** Whether the step still waits for this approver's decision. */
  readonly pending: boolean;
  readonly justificationRequired: boolean;
}

/** What a link would do, for a confirmation page (GET). Changes nothing. */
export async function describeApprovalLink(deps: ApprovalLinkDeps, caller: Caller, token: string): Promise<ApprovalLinkView> {
  const claims = await claimsFor(deps, caller, token);
  const view = await getApproval(deps.uow.read, caller, null, claims.approvalId);
  const stage = currentStage(view.approval);
  const step = view.approval.stages[Number(claims.stepId) - 1];
  const decided = view.decisions.some((d) => d.stage === Number(claims.stepId) - 1 && d.approverId === caller.principal.id);
  return {
    approvalId: claims.approvalId,
    stepId: claims.stepId,
    decision: claims.decision,
    expiresAt: claims.expiresAt,
    used: await deps.uow.read.linkUses.isUsed(claims.jti),
    request: view.request,
    pending: view.request.status === 'PendingApproval' && stage?.index === Number(claims.stepId) - 1 && !decided,
    justificationRequired: step?.isApproverJustificationRequired ?? false,
  };
}

/** Decides with the link (POST). The jti is taken first and given back if the decision is refused. */
export async function actOnApprovalLink(
  deps: ApprovalLinkDeps,
  caller: Caller,
  token: string,
  justification: string | null,
): Promise<{ request: ScheduleRequest; decision: 'Approve' | 'Deny' }> {
  const claims = await claimsFor(deps, caller, token);
  const now = deps.clock.now();
  await deps.uow.run((tx) =>
    tx.linkUses.use({ jti: claims.jti, tenantId: claims.tenantId, approvalId: claims.approvalId, approverId: claims.approverId, usedAt: now }),
  );
  try {
    const request = await reviewApprovalStep(deps, caller, claims.approvalId, claims.stepId, { reviewResult: claims.decision, justification });
    return { request, decision: claims.decision };
  } catch (error) {
    await deps.uow.run((tx) => tx.linkUses.release(claims.jti));
    throw error;
  }
}
