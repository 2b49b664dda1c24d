import type { Kysely } from 'kysely';
import type { FeedEvent } from '../../app/ports/change-feed.ts';
import type { FeedReader } from '../../app/ports/notifications.ts';
import type { Database } from '../schema.ts';

/**
 * Reads the change feed after commit. Sequence numbers are handed out under the chain-head lock
 * and so become visible in order: a cursor never jumps over a row that commits later.
 */
export function feedReaderRepository(db: Kysely<Database>): FeedReader {
  return {
    async after(afterSeq, limit) {
      const rows = await db.selectFrom('change_feed').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
      // Rows are written only through ChangeFeed.append, typed by the topic map: the cast restores that type.
      return rows.map(
        (r) =>
          ({
            seq: Number(r.seq),
            tenantId: r.tenant_id,
            topic: r.topic,
            entityId: r.entity_id,
            payload: JSON.parse(r.payload) as unknown,
            createdAt: Number(r.created_at),
          }) as FeedEvent,
      );
    },
    async head() {
      const row = await db.selectFrom('chain_head').select('feed_seq').where('id', '=', 1).executeTakeFirstOrThrow();
      return Number(row.feed_seq);
    },
    async cursor(consumer) {
      const row = await db.selectFrom('feed_cursors').select('position').where('consumer', '=', consumer).executeTakeFirst();
      return row ? Number(row.position) : null;
    },
    async advance(consumer, position) {
      await db
        .insertInto('feed_cursors')
        .values({ consumer, position })
        .onConflict((oc) => oc.column('consumer').doUpdateSet({ position }))
        .execute();
    },
  };
}
