/**
 * Turns a request's scheduleInfo into the instants a schedule will hold. Starts in the past are
 * taken as "now": a grant never begins before it was made.
 */
import { DomainError } from '../errors.ts';
import type { RequestSchedule } from '../model.ts';
import { parseDuration, type Instant } from '../time.ts';

export interface Window {
  readonly startAt: Instant;
  /** null = permanent. */
  readonly endAt: Instant | null;
}

/**
 * @param whenUnspecified what `notSpecified` (or a missing expiration) means for this action:
 *   a duration in ms (activations default to the policy maximum) or null for permanent.
 */
export function windowOf(schedule: RequestSchedule, now: Instant, whenUnspecified: number | null): Window {
  const startAt = schedule.startDateTime !== null && schedule.startDateTime > now ? schedule.startDateTime : now;
  const e = schedule.expiration;
  switch (e.type) {
    case 'noExpiration':
      return { startAt, endAt: null };
    case 'notSpecified':
      return { startAt, endAt: whenUnspecified === null ? null : startAt + whenUnspecified };
    case 'afterDuration':
      return { startAt, endAt: startAt + parseDuration(e.duration) };
    case 'afterDateTime':
      if (e.endDateTime <= startAt) {
        throw new DomainError('InvalidScheduleInfo', 'scheduleInfo.expiration.endDateTime must be after the start.');
      }
      return { startAt, endAt: e.endDateTime };
  }
}
