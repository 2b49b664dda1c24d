/**
 * The audit chain and the change feed, and the one row both take their sequence numbers
 * from (docs/architecture.md, "Audit chain and change feed").
 * Column conventions and the `Database` that names every table: ../schema.ts.
 */
export interface AuditEventsTable {
  seq: number;
  id: string;
  tenant_id: string;
  activity_at: number;
  activity: string;
  category: string;
  operation_type: string;
  result: string;
  result_reason: string | null;
  correlation_id: string;
  /** initiatedBy.id, for 'my audit' queries; events are read back through it, so the hash covers it too. */
  actor_id: string;
  initiated_by: string;
  targets: string;
  details: string;
  prev_hash: string;
  hash: string;
}

/** One row: the head of the audit chain and the change feed counter, locked by every write. */
export interface ChainHeadTable {
  id: number;
  audit_seq: number;
  audit_hash: string;
  feed_seq: number;
}

export interface ChangeFeedTable {
  seq: number;
  tenant_id: string;
  topic: string;
  entity_id: string;
  payload: string;
  created_at: number;
}

export interface FeedCursorsTable {
  consumer: string;
  position: number;
}
