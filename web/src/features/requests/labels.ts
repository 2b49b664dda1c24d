/** Requests in words: status, action, the window asked for, the ticket. */
import { describeMinutes, durationToMinutes, formatInstant } from '../../lib/time.ts';
import type { MyRequest } from './api.ts';

/** Request statuses in words. */
export function statusLabel(status: string): string {
  switch (status) {
    case 'Provisioned':
      return 'Active';
    case 'PendingApproval':
      return 'Waiting for approval';
    case 'PendingScheduleCreation':
      return 'Being processed';
    case 'PendingProvisioning':
      return 'Being provisioned';
    case 'Granted':
      return 'Scheduled';
    case 'Denied':
      return 'Denied';
    case 'Canceled':
      return 'Canceled';
    case 'Revoked':
      return 'Ended';
    case 'TimedOut':
      return 'Timed out';
    case 'Failed':
      return 'Failed';
    default:
      return status.replace(/([a-z])([A-Z])/g, '$1 $2');
  }
}

/**
 * A request's status in words, for its action: a request carried out says what was done
 * ("Activated", "Deactivated", "Extended"), not "Active" — the access may have ended since;
 * an administrator's request about you that went through is "Done".
 */
export function outcomeLabel(r: Pick<MyRequest, 'status' | 'action'>): string {
  if (r.status !== 'Provisioned') return statusLabel(r.status);
  switch (r.action) {
    case 'selfActivate':
      return 'Activated';
    case 'selfDeactivate':
      return 'Deactivated';
    case 'selfExtend':
    case 'adminExtend':
      return 'Extended';
    case 'selfRenew':
    case 'adminRenew':
      return 'Renewed';
    default:
      return 'Done';
  }
}

export type BadgeColor = 'brand' | 'danger' | 'important' | 'informative' | 'severe' | 'subtle' | 'success' | 'warning';

export function statusColor(status: string): BadgeColor {
  switch (status) {
    case 'Provisioned':
      return 'success';
    case 'PendingApproval':
      return 'warning';
    case 'Granted':
    case 'PendingScheduleCreation':
    case 'PendingProvisioning':
      return 'informative';
    case 'Denied':
    case 'Failed':
      return 'danger';
    case 'TimedOut':
      return 'severe';
    default:
      return 'subtle';
  }
}

/** What the request asked, in words. */
export function actionLabel(r: Pick<MyRequest, 'action' | 'kind'>): string {
  const eligibility = r.kind === 'eligibility';
  switch (r.action) {
    case 'selfActivate':
      return 'Activate';
    case 'selfDeactivate':
      return 'Deactivate';
    case 'selfExtend':
      return eligibility ? 'Extend eligibility' : 'Extend';
    case 'selfRenew':
      return eligibility ? 'Renew eligibility' : 'Renew';
    case 'adminAssign':
      return eligibility ? 'Made eligible by an administrator' : 'Assigned by an administrator';
    case 'adminUpdate':
      return 'Changed by an administrator';
    case 'adminRemove':
      return eligibility ? 'Eligibility removed by an administrator' : 'Removed by an administrator';
    case 'adminExtend':
      return 'Extended by an administrator';
    case 'adminRenew':
      return 'Renewed by an administrator';
    default:
      return r.action.replace(/([a-z])([A-Z])/g, '$1 $2');
  }
}

/** Statuses `cancel` still stops: not decided yet, or granted but not started (the API re-checks). */
export const CANCELABLE = new Set(['PendingApproval', 'PendingScheduleCreation', 'Granted']);

/** Statuses a request still moves out of. */
export const OPEN_STATUSES = ['PendingApproval', 'PendingScheduleCreation', 'Granted', 'PendingProvisioning'] as const;

/** A start within this long of the request means "at once": the API fills an unasked start with the creation time. */
const SAME_MOMENT_MS = 60_000;

/** The start the request asked for, or null when it asked for "at once" (or "when approved"). */
export function askedStart(r: Pick<MyRequest, 'startDateTime' | 'createdDateTime'>): string | null {
  if (!r.startDateTime) return null;
  return Date.parse(r.startDateTime) - Date.parse(r.createdDateTime) < SAME_MOMENT_MS ? null : r.startDateTime;
}

/** The window asked for: "At once, for 1 hour", "When approved, for 4 hours", "7 Dec 2026, 10:00, for 3 hours"; "—" for a removal. */
export function windowLabel(r: Pick<MyRequest, 'action' | 'startDateTime' | 'endDateTime' | 'duration' | 'createdDateTime' | 'approvalId'>): string {
  if (r.action === 'selfDeactivate' || r.action === 'adminRemove') return '—';
  const asked = askedStart(r);
  const start = asked ? formatInstant(asked) : r.approvalId !== null ? 'When approved' : 'At once';
  const minutes = durationToMinutes(r.duration);
  const length = r.endDateTime ? `until ${formatInstant(r.endDateTime)}` : minutes !== null ? `for ${describeMinutes(minutes)}` : 'with no end';
  return `${start}, ${length}`;
}

/** "JIRA INC-42", or null without a ticket. */
export const ticketLabel = (r: Pick<MyRequest, 'ticketNumber' | 'ticketSystem'>): string | null =>
  [r.ticketSystem, r.ticketNumber].filter(Boolean).join(' ') || null;
