/**
 * "Expires in 14 days" and "in 1 day": timeline items (`expiryReminder`, ref `{scheduleId}:14d`
 * and `:1d`) set whenever a time-bound grant is stored or its end moves, and turned into a
 * `schedule.expiring` change-feed event when they come due — if the grant still ends then.
 * Activations (hours long) get none.
 */
import type { Schedule } from '../../domain/model.ts';
import { DAY, type Instant } from '../../domain/time.ts';
import type { ReadRepositories, Repositories, TimelineItem } from '../ports/repositories.ts';

/** The reminders a time-bound grant gets, by how long before its end. */
export const REMINDERS = [
  { suffix: '14d', before: 14 * DAY },
  { suffix: '1d', before: DAY },
] as const;

/** Sets, moves or drops a grant's reminders to match its end. */
export async function scheduleExpiryReminders(tx: Pick<Repositories, 'timeline'>, schedule: Schedule, now: Instant): Promise<void> {
  if (schedule.assignmentType === 'Activated') return;
  for (const r of REMINDERS) {
    const ref = `${schedule.id}:${r.suffix}`;
    const dueAt = schedule.endAt === null ? null : schedule.endAt - r.before;
    if (dueAt !== null && dueAt > now) await tx.timeline.schedule(schedule.tenantId, 'expiryReminder', ref, dueAt);
    else await tx.timeline.unschedule('expiryReminder', ref);
  }
}

/** The timeline handler: announces the coming expiry unless the grant ended or its end moved. */
export async function remindExpiry(tx: Pick<Repositories, 'feed'> & ReadRepositories<'schedules'>, item: TimelineItem, now: Instant): Promise<void> {
  const [scheduleId, suffix] = item.refId.split(':');
  const reminder = REMINDERS.find((r) => r.suffix === suffix);
  const schedule = reminder && scheduleId ? await tx.schedules.get(item.tenantId, scheduleId) : null;
  if (!reminder || !schedule || schedule.closed || schedule.endAt === null) return;
  if (schedule.endAt !== item.dueAt + reminder.before || schedule.endAt <= now) return;
  await tx.feed.append(item.tenantId, 'schedule.expiring', schedule.id, { schedule, within: reminder.suffix, endAt: schedule.endAt });
}
