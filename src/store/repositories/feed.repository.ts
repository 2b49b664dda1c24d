import type { Kysely } from 'kysely';
import type { ChangeFeed } from '../../app/ports/change-feed.ts';
import type { Database } from '../schema.ts';

/**
 * The change feed (outbox): consumers read it after commit, in order, with durable cursors.
 * Sequence numbers come from the chain head, which every write transaction locks, so they are
 * assigned in commit order and a reader never skips a row committed late.
 */
export function feedRepository(db: Kysely<Database>, now: () => number): ChangeFeed {
  return {
    async append(tenantId, topic, entityId, payload) {
      const head = await db
        .updateTable('chain_head')
        .set((eb) => ({ feed_seq: eb('feed_seq', '+', 1) }))
        .where('id', '=', 1)
        .returning('feed_seq')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('change_feed')
        .values({
          seq: Number(head.feed_seq),
          tenant_id: tenantId,
          topic,
          entity_id: entityId,
          payload: JSON.stringify(payload),
          created_at: now(),
        })
        .execute();
    },
  };
}
