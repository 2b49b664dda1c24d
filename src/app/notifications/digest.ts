/**
 * The weekly digest to privileged administrators: the past ISO week's activations, new permanent
 * assignments, active assignments made outside PIM, and the most activated roles. Planned once
 * per week (a cursor holds the start of the week last reported; dedupe keys name the week).
 */
import { DAY, type Instant } from '../../domain/time.ts';
import type { Clock } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import type { NewDelivery } from '../ports/notifications.ts';
import type { DigestParams } from './events.ts';
import { privilegedAdmins } from './people.ts';
import { planDigest, type PlanOptions } from './plan.ts';

export const DIGEST_CONSUMER = 'notifications.digest';
export const WEEK = 7 * DAY;

/** Monday 00:00 UTC of the week `at` falls in. */
export function weekStart(at: Instant): Instant {
  const day = Math.floor(at / DAY);
  const weekday = (new Date(day * DAY).getUTCDay() + 6) % 7; // Monday = 0
  return (day - weekday) * DAY;
}

/** The ISO-8601 week of an instant, e.g. `2026-W02`. */
export function isoWeek(at: Instant): string {
  const thursday = weekStart(at) + 3 * DAY; // the ISO year is the year of the week's Thursday
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / WEEK) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export interface DigestDeps {
  readonly uow: UnitOfWork<'feedReader' | 'activity' | 'roles' | 'principals' | 'schedules' | 'deliveries'>;
  readonly clock: Clock;
}

/** Records the digest of the last full week if it is due; returns how many deliveries were recorded. */
export async function recordDigest(deps: DigestDeps, channels: Omit<PlanOptions, 'at'>): Promise<number> {
  const now = deps.clock.now();
  const current = weekStart(now);
  const read = deps.uow.read;
  const position = await read.feedReader.cursor(DIGEST_CONSUMER);
  if (position === null) {
    // First run: the first digest covers the week now under way, sent when it ends.
    await deps.uow.run((tx) => tx.feedReader.advance(DIGEST_CONSUMER, current));
    return 0;
  }
  if (position >= current) return 0;
  // Only the week just ended: weeks missed while the server was down are not reported late.
  const from = current - WEEK;
  const planned: NewDelivery[] = [];
  for (const tenantId of await read.activity.tenantIds()) {
    const stats = await read.activity.week(tenantId, from, current, now);
    const roles = await read.roles.getMany(
      tenantId,
      stats.activationsByRole.map((r) => r.roleDefinitionId),
    );
    const digest: DigestParams = {
      week: isoWeek(from),
      from,
      to: current,
      activations: stats.activations,
      topRoles: stats.activationsByRole.map((r) => ({
        name: roles.find((x) => x.id === r.roleDefinitionId)?.displayName ?? r.roleDefinitionId,
        count: r.count,
      })),
      newPermanentActive: stats.newPermanentActive,
      newPermanentEligible: stats.newPermanentEligible,
      outsidePim: stats.outsidePim,
    };
    planned.push(...planDigest(tenantId, { digest }, await privilegedAdmins(read, tenantId, now), { ...channels, at: now }));
  }
  return await deps.uow.run(async (tx) => {
    if ((await tx.feedReader.cursor(DIGEST_CONSUMER)) !== position) return 0;
    let n = 0;
    for (const d of planned) if (await tx.deliveries.add(d)) n++;
    await tx.feedReader.advance(DIGEST_CONSUMER, current);
    return n;
  });
}
