/** The window a request asks for, as an approver reads it: when it starts and how long it lasts. */
import { describeMinutes, durationToMinutes, formatInstant } from '../../lib/time.ts';
import type { ApprovableRequest } from './api.ts';

/** A start within this long of the request means "now": the request gave none. */
const SAME_MOMENT_MS = 60_000;

export interface RequestedWindow {
  /** "When approved" or an instant in the viewer's time zone. */
  readonly start: string;
  /** "for 4 hours", "until 7 Dec 2026, 10:00", "permanently". */
  readonly length: string;
}

type Windowed = Pick<ApprovableRequest, 'startDateTime' | 'endDateTime' | 'duration' | 'createdDateTime' | 'status'>;

export function requestedWindow(r: Windowed): RequestedWindow {
  const startMs = r.startDateTime ? Date.parse(r.startDateTime) : null;
  const immediate = startMs === null || startMs - Date.parse(r.createdDateTime) < SAME_MOMENT_MS;
  const start = immediate ? (r.status === 'PendingApproval' ? 'When approved' : formatInstant(r.createdDateTime)) : formatInstant(r.startDateTime);
  const minutes = durationToMinutes(r.duration);
  const length = r.endDateTime ? `until ${formatInstant(r.endDateTime)}` : minutes !== null ? `for ${describeMinutes(minutes)}` : 'permanently';
  return { start, length };
}

/** "ServiceNow INC-42", or null without a ticket. */
export const ticketOf = (r: Pick<ApprovableRequest, 'ticketNumber' | 'ticketSystem'>): string | null =>
  [r.ticketSystem, r.ticketNumber].filter(Boolean).join(' ') || null;
