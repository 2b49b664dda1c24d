/**
 * Turns a request's scheduleInfo into the instants a schedule will hold. Starts in the past are
 * taken as "now": a grant never begins before it was made. Every instant, given or computed, lies
 * in the supported range (time.ts): the boundary checks what it parses, and this re-checks for
 * callers that bypass it (CLI, jobs) and for ends that only a sum reveals.
 */
import { DomainError } from '../errors.ts';
import type { RequestSchedule } from '../model.ts';
import { assertSupportedInstant, endAfter, parseDuration, type Instant } from '../time.ts';

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
  if (schedule.startDateTime !== null) assertSupportedInstant(schedule.startDateTime, 'scheduleInfo.startDateTime');
  const startAt = schedule.startDateTime !== null && schedule.startDateTime > now ? schedule.startDateTime : now;
  const e = schedule.expiration;
  switch (e.type) {
    case 'noExpiration':
      return { startAt, endAt: null };
    case 'notSpecified':
      // The default length is the policy's maximum: a late start can still push it past the range.
      return { startAt, endAt: whenUnspecified === null ? null : endAfter(startAt, whenUnspecified, 'scheduleInfo.startDateTime') };
    case 'afterDuration':
      return { startAt, endAt: endAfter(startAt, parseDuration(e.duration), 'scheduleInfo.expiration.duration') };
    case 'afterDateTime':
      assertSupportedInstant(e.endDateTime, 'scheduleInfo.expiration.endDateTime');
      if (e.endDateTime <= startAt) {
        throw new DomainError('InvalidScheduleInfo', 'scheduleInfo.expiration.endDateTime must be after the start.');
      }
      return { startAt, endAt: e.endDateTime };
  }
}
