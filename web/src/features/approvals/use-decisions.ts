/**
 * Deciding one or several requests with one justification: each goes through the step-up dialog
 * when the server asks for MFA (once: the session then has it), and each outcome is kept as the API
 * answered it. A 409 (someone decided first, or the caller already did) is an outcome of its own,
 * not a failure: the lists refresh and the person reads what happened.
 */
import { useState } from 'react';
import { messageOf } from '../../components/error-message.tsx';
import { ApiError } from '../../lib/api-client.ts';
import { useWithStepUp } from '../auth/step-up.tsx';
import { isConflict, useDecide, type ApprovableRequest, type Decision, type DecisionResult } from './api.ts';

export type Outcome =
  | { readonly kind: 'decided'; readonly result: DecisionResult }
  | { readonly kind: 'conflict'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string };

type Decidable = Pick<ApprovableRequest, 'id' | 'provider' | 'approvalId'>;

const canceledStepUp = (e: unknown) => e instanceof ApiError && e.code === 'StepUpCanceled';

export function useDecisions() {
  const withStepUp = useWithStepUp();
  const decide = useDecide();
  const [outcomes, setOutcomes] = useState<ReadonlyMap<string, Outcome>>(new Map());
  const [busy, setBusy] = useState(false);

  /** Decides each request not yet decided here; stops when the person cancels the step-up. */
  const run = async (requests: readonly Decidable[], decision: Decision, justification: string): Promise<ReadonlyMap<string, Outcome>> => {
    setBusy(true);
    const results = new Map(outcomes);
    try {
      for (const request of requests) {
        if (results.get(request.id)?.kind === 'decided') continue;
        try {
          const result = await withStepUp(() => decide.mutateAsync({ request, decision, justification }));
          results.set(request.id, { kind: 'decided', result });
        } catch (e) {
          results.set(request.id, isConflict(e) ? { kind: 'conflict', message: messageOf(e) } : { kind: 'failed', message: messageOf(e) });
          if (canceledStepUp(e)) break;
        } finally {
          setOutcomes(new Map(results));
        }
      }
    } finally {
      setBusy(false);
    }
    return results;
  };

  return { outcomes, busy, run, reset: () => setOutcomes(new Map()) };
}

/** An outcome in a few words: "Approved", "Approval recorded: 1 more needed", "Denied". */
export function outcomeLabel(o: Outcome): string {
  if (o.kind !== 'decided') return o.kind === 'conflict' ? 'Already decided' : 'Not decided';
  if (o.result.decision === 'Deny') return 'Denied';
  const more = o.result.approvalsStillNeeded;
  if (more > 0) return `Approval recorded: ${more} more needed`;
  return o.result.laterStage ? 'Approved: on to the next stage' : 'Approved';
}
