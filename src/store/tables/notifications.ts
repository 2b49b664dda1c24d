/**
 * Notifications (docs/decisions/0006): deliveries by email and chat, and the approval
 * links already used.
 * Column conventions and the `Database` that names every table: ../schema.ts.
 */
import type { Generated } from 'kysely';

export interface NotificationDeliveriesTable {
  id: Generated<number>;
  tenant_id: string;
  dedupe_key: string;
  channel: 'email' | 'chat';
  /** An email address or a configured webhook's name (never its URL: those are secrets). */
  recipient: string;
  template: string;
  /** JSON: what the template renders from. */
  params: string;
  subject: string;
  status: 'pending' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

export interface ApprovalLinkUsesTable {
  jti: string;
  tenant_id: string;
  approval_id: string;
  approver_id: string;
  used_at: number;
}
