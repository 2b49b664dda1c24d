/**
 * The request status machine: which status may follow which; terminal statuses are never left.
 * Not yet the one gate it is meant to be: today the use cases set statuses through the requests
 * repository, which checks only the old status (compare-and-swap) and decides `completedAt`;
 * routing every change through `transition` is the next step of the contracts work.
 */
import { DomainError } from '../errors.ts';
import { TERMINAL_STATUSES, type RequestStatus } from '../model.ts';

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

/** The new status, or a conflict when the request can no longer move there. */
export function transition(from: RequestStatus, to: RequestStatus): RequestStatus {
  if (canTransition(from, to)) return to;
  const why = TERMINAL_STATUSES.has(from) ? `it is already ${from}` : `it is ${from}`;
  throw new DomainError('ConcurrencyConflict', `The request cannot become ${to}: ${why}.`);
}

/** Requests that `cancel` may still stop: not decided yet, or granted but not started. */
export const isCancelable = (status: RequestStatus): boolean =>
  status === 'PendingApproval' || status === 'PendingScheduleCreation' || status === 'Granted';
