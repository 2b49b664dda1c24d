/**
 * An approval: the stages a request must pass, in series, each needing a quorum of its approvers
 * (docs/guide.md, "Approvals"). The stages are a snapshot of the policy when the request was made,
 * so a later policy change does not move the goalposts of a request already waiting.
 */
import type { ScheduleKind } from '../model.ts';
import type { ApprovalSettings, SubjectSet } from '../policy/rules.ts';
import { DAY, MINUTE, type Instant } from '../time.ts';

/** Graph's approvalStep.status, plus NotStarted and Canceled for stages never reached. */
export type StageStatus = 'NotStarted' | 'InProgress' | 'Completed' | 'Expired' | 'Canceled';
export type ReviewResult = 'NotReviewed' | 'Approve' | 'Deny';

export interface ApprovalStage {
  readonly index: number;
  readonly approvalsRequired: number;
  readonly isApproverJustificationRequired: boolean;
  readonly timeoutMs: number;
  /** null: no escalation. */
  readonly escalateAfterMs: number | null;
  readonly primaryApprovers: readonly SubjectSet[];
  readonly escalationApprovers: readonly SubjectSet[];
  readonly status: StageStatus;
  readonly result: ReviewResult;
  readonly escalated: boolean;
  readonly startedAt: Instant | null;
  readonly completedAt: Instant | null;
}

export interface Approval {
  readonly tenantId: string;
  /** Also the request's approvalId. */
  readonly id: string;
  readonly requestId: string;
  readonly kind: ScheduleKind;
  readonly requesterId: string;
  readonly grantStartsAt: 'approval' | 'request';
  /** Directory roles with no approvers listed fall back to Privileged Role and Global Administrators. */
  readonly fallbackToAdmins: boolean;
  readonly stages: readonly ApprovalStage[];
  readonly createdAt: Instant;
}

export interface ApprovalDecision {
  readonly tenantId: string;
  readonly approvalId: string;
  readonly stage: number;
  readonly approverId: string;
  readonly result: 'Approve' | 'Deny';
  readonly justification: string | null;
  readonly decidedAt: Instant;
}

/** A new approval from the policy's settings, with its first stage started at `now`. */
export function newApproval(
  fields: Pick<Approval, 'tenantId' | 'id' | 'requestId' | 'kind' | 'requesterId' | 'fallbackToAdmins'>,
  settings: ApprovalSettings,
  now: Instant,
): Approval {
  const stages = settings.approvalStages.map((s, index): ApprovalStage => ({
    index,
    approvalsRequired: s.approvalsRequired ?? 1,
    isApproverJustificationRequired: s.isApproverJustificationRequired,
    timeoutMs: s.approvalStageTimeOutInDays * DAY,
    escalateAfterMs: s.isEscalationEnabled && s.escalationTimeInMinutes > 0 ? s.escalationTimeInMinutes * MINUTE : null,
    primaryApprovers: s.primaryApprovers,
    escalationApprovers: s.escalationApprovers,
    status: index === 0 ? 'InProgress' : 'NotStarted',
    result: 'NotReviewed',
    escalated: false,
    startedAt: index === 0 ? now : null,
    completedAt: null,
  }));
  return { ...fields, grantStartsAt: settings.grantStartsAt ?? 'approval', stages, createdAt: now };
}

/** The stage waiting for decisions, if any. */
/** Step ids (Graph's approval steps) are the stage numbers, from "1". */
export const stepIdOf = (stageIndex: number): string => String(stageIndex + 1);

export const currentStage = (a: Approval): ApprovalStage | null => a.stages.find((s) => s.status === 'InProgress') ?? null;

/** When the current stage times out, and when it escalates. */
export function stageDeadlines(stage: ApprovalStage): { timeoutAt: Instant; escalateAt: Instant | null } {
  const started = stage.startedAt ?? 0;
  return { timeoutAt: started + stage.timeoutMs, escalateAt: stage.escalateAfterMs === null ? null : started + stage.escalateAfterMs };
}

const replaceStage = (a: Approval, stage: ApprovalStage): Approval => ({ ...a, stages: a.stages.map((s) => (s.index === stage.index ? stage : s)) });

/** Ends the approval where it stands: the current stage gets `status`, later ones are canceled. */
export function closeApproval(a: Approval, status: 'Expired' | 'Canceled', now: Instant): Approval {
  return {
    ...a,
    stages: a.stages.map((s) =>
      s.status === 'InProgress' ? { ...s, status, completedAt: now } : s.status === 'NotStarted' ? { ...s, status: 'Canceled' } : s,
    ),
  };
}

export const markEscalated = (a: Approval, stage: ApprovalStage): Approval => replaceStage(a, { ...stage, escalated: true });

export { replaceStage };
