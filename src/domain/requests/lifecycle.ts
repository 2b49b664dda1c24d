/**
 * The request status machine, and the one way a stored request's status changes: `transition`
 * decides whether the move is allowed and what the request becomes (its `completedAt`, the schedule
 * it targets); the requests repository persists the transition it is given, compare-and-swap on the
 * old status, so a concurrent change makes it fail rather than overwrite (docs/architecture.md,
 * "Request lifecycle"). Terminal statuses are never left.
 */
import { DomainError } from '../errors.ts';
import { isPending, TERMINAL_STATUSES, type RequestStatus, type ScheduleRequest } from '../model.ts';
import type { Instant } from '../time.ts';

const NEXT: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = {
  PendingApproval: ['Granted', 'Provisioned', 'PendingProvisioning', 'Denied', 'Canceled', 'TimedOut', 'Failed'],
  PendingScheduleCreation: ['Granted', 'Provisioned', 'PendingProvisioning', 'Canceled', 'Failed'],
  Granted: ['Provisioned', 'PendingProvisioning', 'Canceled', 'Revoked', 'Failed'],
  PendingProvisioning: ['Provisioned', 'Failed', 'Revoked'],
  Provisioned: [],
  Denied: [],
  Canceled: [],
  Revoked: [],
  Failed: [],
  TimedOut: [],
};

export const canTransition = (from: RequestStatus, to: RequestStatus): boolean => NEXT[from].includes(to);

/** A status change decided: the request as it was read, and as it is to be stored. */
export interface RequestTransition {
  readonly from: ScheduleRequest;
  readonly to: ScheduleRequest;
}

/**
 * The request moved to `status` at `at`: completed then unless the new status is still pending (a
 * request granted for later completes when granted and again when it starts). `targetScheduleId`:
 * the schedule the move made, when it made one. Refused, naming both statuses, when the machine
 * does not allow the move.
 */
export function transition(request: ScheduleRequest, status: RequestStatus, at: Instant, targetScheduleId?: string): RequestTransition {
  if (!canTransition(request.status, status)) {
    const why = TERMINAL_STATUSES.has(request.status) ? `it is already ${request.status}` : `it is ${request.status}`;
    throw new DomainError('ConcurrencyConflict', `Request '${request.id}' cannot become ${status}: ${why}.`);
  }
  return {
    from: request,
    to: {
      ...request,
      status,
      completedAt: isPending(status) ? request.completedAt : at,
      targetScheduleId: targetScheduleId ?? request.targetScheduleId,
    },
  };
}

/** Requests that `cancel` may still stop: not decided yet, or granted but not started. */
export const isCancelable = (status: RequestStatus): boolean => status === 'PendingApproval' || status === 'PendingScheduleCreation' || status === 'Granted';
