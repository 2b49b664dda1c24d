import type { Kysely, Selectable } from 'kysely';
import type { Delivery, DeliveryRepository } from '../../app/ports/notifications.ts';
import type { Database, NotificationDeliveriesTable } from '../schema.ts';
import { fromJson, toJson } from './json.ts';

const map = (r: Selectable<NotificationDeliveriesTable>): Delivery => ({
  id: Number(r.id),
  tenantId: r.tenant_id,
  dedupeKey: r.dedupe_key,
  channel: r.channel,
  recipient: r.recipient,
  template: r.template,
  params: fromJson<Record<string, unknown>>(r.params),
  subject: r.subject,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: Number(r.next_attempt_at),
  lastError: r.last_error,
  createdAt: Number(r.created_at),
  sentAt: r.sent_at === null ? null : Number(r.sent_at),
});

/** Notification deliveries: the outbox the sender works through, and the record of what went out. */
export function deliveriesRepository(db: Kysely<Database>): DeliveryRepository {
  return {
    async add(d) {
      const result = await db
        .insertInto('notification_deliveries')
        .values({
          tenant_id: d.tenantId,
          dedupe_key: d.dedupeKey,
          channel: d.channel,
          recipient: d.recipient,
          template: d.template,
          params: toJson(d.params),
          subject: d.subject,
          status: 'pending',
          attempts: 0,
          next_attempt_at: d.createdAt,
          created_at: d.createdAt,
        })
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async due(at, limit) {
      const rows = await db
        .selectFrom('notification_deliveries')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', at)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(map);
    },
    async claim(id, at, leaseUntil) {
      const result = await db
        .updateTable('notification_deliveries')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: leaseUntil }))
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', at)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async sent(id, at) {
      await db.updateTable('notification_deliveries').set({ status: 'sent', sent_at: at, last_error: null }).where('id', '=', id).execute();
    },
    async postpone(id, reason, at, retryAt) {
      await db
        .updateTable('notification_deliveries')
        .set({ last_error: reason.slice(0, 2000), next_attempt_at: retryAt })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', at)
        .execute();
    },
    async retry(id, error, retryAt) {
      await db
        .updateTable('notification_deliveries')
        .set({ last_error: error.slice(0, 2000), next_attempt_at: retryAt })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },
    async fail(id, error) {
      await db
        .updateTable('notification_deliveries')
        .set({ status: 'failed', last_error: error.slice(0, 2000) })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },
    async skip(id, reason) {
      await db
        .updateTable('notification_deliveries')
        .set({ status: 'skipped', last_error: reason.slice(0, 2000) })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },
    async nextAttempt() {
      const row = await db
        .selectFrom('notification_deliveries')
        .select((eb) => eb.fn.min('next_attempt_at').as('next'))
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return row?.next == null ? null : Number(row.next);
    },
    async list(filter, limit) {
      let query = db.selectFrom('notification_deliveries').selectAll();
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.tenantId) query = query.where('tenant_id', '=', filter.tenantId);
      return (await query.orderBy('id', 'desc').limit(limit).execute()).map(map);
    },
  };
}
