import type { Kysely } from 'kysely';
import type { TimelineRepository } from '../../app/ports/repositories.ts';
import type { Database } from '../schema.ts';

/**
 * @param onScheduled told of every due time written, so the runner can re-arm its timer after
 *   the transaction commits.
 */
export function timelineRepository(db: Kysely<Database>, onScheduled: (dueAt: number) => void = () => {}): TimelineRepository {
  return {
    async schedule(tenantId, kind, refId, dueAt) {
      await db
        .insertInto('timeline')
        .values({ tenant_id: tenantId, kind, ref_id: refId, due_at: dueAt, pending: 1, attempts: 0 })
        .onConflict((oc) => oc.columns(['kind', 'ref_id']).doUpdateSet({ due_at: dueAt, pending: 1, attempts: 0, last_error: null, done_at: null }))
        .execute();
      onScheduled(dueAt);
    },
    async unschedule(kind, refId) {
      await db.updateTable('timeline').set({ pending: 0 }).where('kind', '=', kind).where('ref_id', '=', refId).execute();
    },
    async due(at, limit) {
      const rows = await db
        .selectFrom('timeline')
        .select(['id', 'tenant_id', 'kind', 'ref_id', 'due_at'])
        .where('pending', '=', 1)
        .where('due_at', '<=', at)
        .orderBy('due_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, kind: r.kind, refId: r.ref_id, dueAt: r.due_at }));
    },
    async complete(item, at) {
      await db.updateTable('timeline').set({ pending: 0, done_at: at }).where('id', '=', item.id).where('due_at', '=', item.dueAt).execute();
    },
    async fail(id, error, retryAt) {
      await db
        .updateTable('timeline')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 2000), due_at: retryAt }))
        .where('id', '=', id)
        .execute();
    },
    async next() {
      const row = await db
        .selectFrom('timeline')
        .select((eb) => eb.fn.min('due_at').as('next'))
        .where('pending', '=', 1)
        .executeTakeFirst();
      return row?.next == null ? null : Number(row.next);
    },
  };
}
