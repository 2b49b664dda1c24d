/**
 * Turns committed change-feed rows into recorded deliveries. The rows are read and planned
 * outside any transaction; recording the deliveries and advancing the cursor past the rows then
 * happen in one transaction, which first checks that the cursor has not moved (another node took
 * the batch). A crash therefore neither loses an event nor records it twice, and the dedupe key
 * makes a replay harmless anyway.
 */
import type { Clock } from '../ports/clock.ts';
import type { NewDelivery } from '../ports/notifications.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { interpret, type EventReads } from './interpret.ts';
import { plan, type PlanOptions } from './plan.ts';

/** The notification consumer's cursor in feed_cursors (set to the feed head by migration 0003). */
export const FEED_CONSUMER = 'notifications';
const BATCH = 200;

export interface RecordDeps {
  readonly uow: UnitOfWork<keyof EventReads | 'feedReader' | 'deliveries'>;
  readonly clock: Clock;
  readonly onError?: (error: unknown, context: string) => void;
}

/** Plans every feed row after the cursor; returns how many deliveries were recorded. */
export async function recordNotifications(deps: RecordDeps, channels: Omit<PlanOptions, 'at'>): Promise<number> {
  let recorded = 0;
  for (;;) {
    const read = deps.uow.read;
    const cursor = (await read.feedReader.cursor(FEED_CONSUMER)) ?? 0;
    const rows = await read.feedReader.after(cursor, BATCH);
    if (rows.length === 0) return recorded;
    const now = deps.clock.now();
    const planned: NewDelivery[] = [];
    for (const row of rows) {
      try {
        const found = await interpret(read, row, now);
        if (found) planned.push(...plan(found.event, found.rules, { ...channels, at: now }));
      } catch (error) {
        // A row that cannot be read as an event must not stop every notification after it.
        deps.onError?.(error, `notification planning of change-feed row ${row.seq} (${row.topic})`);
      }
    }
    const last = rows.at(-1)!.seq;
    const added = await deps.uow.run(async (tx) => {
      if (((await tx.feedReader.cursor(FEED_CONSUMER)) ?? 0) !== cursor) return null;
      let n = 0;
      for (const d of planned) if (await tx.deliveries.add(d)) n++;
      await tx.feedReader.advance(FEED_CONSUMER, last);
      return n;
    });
    if (added === null) continue;
    recorded += added;
    if (rows.length < BATCH) return recorded;
  }
}
