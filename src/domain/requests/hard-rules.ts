/**
 * Rules that hold whatever the policy says (docs/guide.md, "Rules that always hold" and
 * "Requests"): the five-minute floor before an activation may be ended, and the windows in which
 * one's own grant may be extended or renewed.
 */
import { DomainError } from '../errors.ts';
import { hasEnded, type Schedule } from '../model.ts';
import { DAY, type Instant } from '../time.ts';
import { MINIMUM_DURATION } from './evaluate-policy.ts';

/** A grant can be extended by its holder only in its last 14 days. */
export const EXTEND_WINDOW = 14 * DAY;
/** A grant can be renewed by its holder up to 30 days after it ended. */
export const RENEW_WINDOW = 30 * DAY;

/** Refuses ending an active grant in its first five minutes. */
export function assertMayEnd(schedule: Schedule, now: Instant): void {
  if (schedule.kind === 'assignment' && schedule.startAt <= now && now - schedule.startAt < MINIMUM_DURATION) {
    const waitSeconds = Math.ceil((schedule.startAt + MINIMUM_DURATION - now) / 1000);
    throw new DomainError('ActiveDurationTooShort', `The assignment started less than 5 minutes ago and cannot be ended yet; retry in ${waitSeconds} s.`, {
      retryAfterSeconds: waitSeconds,
    });
  }
}

/** Refuses a selfExtend outside the last 14 days of a time-bound grant. */
export function assertExtendWindow(schedule: Schedule, now: Instant): void {
  if (schedule.endAt === null) {
    throw new DomainError('ExtendWindowNotOpen', 'A permanent grant has nothing to extend.');
  }
  if (schedule.endAt - now > EXTEND_WINDOW) {
    throw new DomainError('ExtendWindowNotOpen', 'A grant can be extended only in its last 14 days.');
  }
}

/** Refuses a selfRenew of a grant still running or ended more than 30 days ago. */
export function assertRenewWindow(schedule: Schedule, now: Instant): void {
  if (!hasEnded(schedule, now) && !schedule.closed) {
    throw new DomainError('RenewWindowClosed', 'The grant has not expired; extend it instead.');
  }
  const endedAt = schedule.endAt ?? schedule.closedAt ?? now;
  if (now - endedAt > RENEW_WINDOW) {
    throw new DomainError('RenewWindowClosed', 'A grant can be renewed only within 30 days of its end.');
  }
}
