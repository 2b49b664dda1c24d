import type { Kysely, Selectable } from 'kysely';
import type { AuditLog } from '../../app/ports/repositories.ts';
import type { ListQuery, Page } from '../../app/query.ts';
import { chainHash } from '../../domain/audit/chain.ts';
import type { AuditActor, AuditEvent } from '../../domain/audit/event.ts';
import { listPage, type FieldMap } from '../query/apply-list-query.ts';
import type { AuditEventsTable, Database } from '../schema.ts';
import { splitTargetConditions, targetsMention } from './audit-targets.ts';
import { fromJson, toJson } from './json.ts';

const FIELDS: FieldMap = {
  id: { column: 'a.id', type: 'string' },
  activityDateTime: { column: 'a.activity_at', type: 'instant' },
  activityDisplayName: { column: 'a.activity', type: 'string' },
  category: { column: 'a.category', type: 'string' },
  operationType: { column: 'a.operation_type', type: 'string' },
  result: { column: 'a.result', type: 'string' },
  correlationId: { column: 'a.correlation_id', type: 'string' },
  'initiatedBy/user/id': { column: 'a.actor_id', type: 'string' },
};

export const toAuditEvent = (r: Selectable<AuditEventsTable>): AuditEvent => ({
  seq: r.seq,
  id: r.id,
  tenantId: r.tenant_id,
  activityAt: r.activity_at,
  activity: r.activity,
  category: r.category as AuditEvent['category'],
  operationType: r.operation_type as AuditEvent['operationType'],
  result: r.result as AuditEvent['result'],
  resultReason: r.result_reason,
  correlationId: r.correlation_id,
  // actor_id repeats initiatedBy.id for filtering; reading the event through it makes the column
  // part of what the hash covers, so rewriting it (to hide an actor's events from a filtered
  // listing) breaks the chain at that event instead of passing verification.
  initiatedBy: { ...fromJson<AuditActor>(r.initiated_by), id: r.actor_id },
  targets: fromJson(r.targets),
  details: fromJson(r.details),
  prevHash: r.prev_hash,
  hash: r.hash,
});

/**
 * A page of the tenant's events, of those `involving` initiated or is a target of when given.
 * `targetResources/id eq '…'` conditions read the stored targets; the rest goes through FIELDS.
 */
function listEvents(db: Kysely<Database>, tenantId: string, query: ListQuery, involving?: string): Promise<Page<AuditEvent>> {
  const { targetIds, rest } = splitTargetConditions(query.filter);
  let base = db.selectFrom('audit_events as a').selectAll('a').where('a.tenant_id', '=', tenantId);
  // No index serves "involving": the walk follows (tenant_id, activity_at) newest first and stops at
  // a full page, so it is quick for someone active lately and scans further for someone who is not.
  if (involving !== undefined) base = base.where((eb) => eb.or([eb('a.actor_id', '=', involving), targetsMention('a.targets', involving)]));
  for (const id of targetIds) base = base.where(targetsMention('a.targets', id));
  return listPage(base, { ...query, filter: rest }, FIELDS, toAuditEvent);
}

/**
 * Appends to the hash chain. Taking the next number from the chain head with an UPDATE locks the
 * head row until commit (PostgreSQL) — so concurrent writers queue there and the chain stays a
 * line; SQLite transactions are serial anyway.
 */
export function auditRepository(db: Kysely<Database>, newId: () => string): AuditLog {
  return {
    async append(record) {
      const head = await db
        .updateTable('chain_head')
        .set((eb) => ({ audit_seq: eb('audit_seq', '+', 1) }))
        .where('id', '=', 1)
        .returning(['audit_seq', 'audit_hash'])
        .executeTakeFirstOrThrow();
      // Round-trip through JSON so the hashed value is exactly what is stored and read back.
      const body = JSON.parse(JSON.stringify({ ...record, id: newId(), seq: Number(head.audit_seq) })) as Omit<AuditEvent, 'hash' | 'prevHash'>;
      const hash = chainHash(head.audit_hash, body);
      await db
        .insertInto('audit_events')
        .values({
          seq: body.seq,
          id: body.id,
          tenant_id: body.tenantId,
          activity_at: body.activityAt,
          activity: body.activity,
          category: body.category,
          operation_type: body.operationType,
          result: body.result,
          result_reason: body.resultReason,
          correlation_id: body.correlationId,
          actor_id: body.initiatedBy.id,
          initiated_by: toJson(body.initiatedBy),
          targets: toJson(body.targets),
          details: toJson(body.details),
          prev_hash: head.audit_hash,
          hash,
        })
        .execute();
      await db.updateTable('chain_head').set({ audit_hash: hash }).where('id', '=', 1).execute();
      return { ...body, prevHash: head.audit_hash, hash };
    },
    list(tenantId, query) {
      return listEvents(db, tenantId, query);
    },
    listInvolving(tenantId, principalId, query) {
      return listEvents(db, tenantId, query, principalId);
    },
    async get(tenantId, id) {
      const row = await db.selectFrom('audit_events').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return row ? toAuditEvent(row) : null;
    },
    async head() {
      const row = await db.selectFrom('chain_head').select(['audit_seq', 'audit_hash']).where('id', '=', 1).executeTakeFirstOrThrow();
      return { seq: Number(row.audit_seq), hash: row.audit_hash };
    },
    async range(afterSeq, limit) {
      const rows = await db.selectFrom('audit_events').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
      return rows.map(toAuditEvent);
    },
  };
}
