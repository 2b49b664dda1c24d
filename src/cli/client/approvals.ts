/**
 * Approvals over the API: an approval's steps (one per stage, with every decision), the decisions
 * flattened for printing ("approved by Bob: …"), and deciding the step that waits for the caller
 * (`PATCH …/steps/{id}` `{reviewResult, justification}`).
 */
import type { ApiClient } from './api-client.ts';
import { CliError } from './cli-error.ts';
import { approvalPath, type Provider } from './targets.ts';

export interface ApprovalStep {
  readonly id: string;
  readonly displayName: string | null;
  readonly status: string;
  readonly reviewResult: string;
  readonly assignedToMe: boolean;
  readonly approvalsRequired?: number;
  readonly decisions?: readonly {
    readonly reviewedBy: { id: string; displayName: string | null } | null;
    readonly reviewResult: string;
    readonly justification: string | null;
    readonly reviewedDateTime: string;
  }[];
}

/** One approver's decision, the `--output json` shape. */
export interface Decision {
  readonly stage: string;
  readonly result: string;
  readonly reviewer: { id: string | null; displayName: string | null };
  readonly justification: string | null;
  readonly dateTime: string;
}

export async function approvalSteps(client: ApiClient, provider: Provider, approvalId: string): Promise<ApprovalStep[]> {
  const approval = await client.call<{ steps?: ApprovalStep[]; stages?: ApprovalStep[] }>('GET', approvalPath(provider, approvalId));
  return approval.steps ?? approval.stages ?? [];
}

/** Every decision of every step, in order. */
export const decisionsOf = (steps: readonly ApprovalStep[]): Decision[] =>
  steps.flatMap((s) =>
    (s.decisions ?? []).map((d) => ({
      stage: s.id,
      result: d.reviewResult,
      reviewer: { id: d.reviewedBy?.id ?? null, displayName: d.reviewedBy?.displayName ?? null },
      justification: d.justification,
      dateTime: d.reviewedDateTime,
    })),
  );

/** `approved by Bob at 2026-05-01T10:00:00.000Z: "looks right"`. */
export const decisionText = (d: Decision): string =>
  `${d.result === 'Deny' ? 'denied' : 'approved'} by ${d.reviewer.displayName ?? d.reviewer.id ?? 'someone'} at ${d.dateTime}${d.justification ? `: "${d.justification}"` : ' (no reason given)'}`;

/** Approves or denies the step that waits for the caller; the step's id. */
export async function decide(
  client: ApiClient,
  provider: Provider,
  approvalId: string,
  result: 'Approve' | 'Deny',
  justification: string | null,
): Promise<string> {
  const steps = await approvalSteps(client, provider, approvalId);
  const step = steps.find((s) => s.assignedToMe);
  if (!step) {
    const current = steps.find((s) => s.status === 'InProgress' || s.status === 'NotStarted');
    throw new CliError(
      current ? 'this request is not waiting for your decision (another stage, or you decided already)' : 'this request is no longer waiting for a decision',
    );
  }
  await client.call('PATCH', `${approvalPath(provider, approvalId)}/steps/${step.id}`, { reviewResult: result, ...(justification ? { justification } : {}) });
  return step.id;
}
