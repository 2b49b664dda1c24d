/**
 * Privileged access: policies and their rules, schedule requests, schedules (eligibilities and
 * assignments), the timeline and approvals.
 * Column conventions and the `Database` that names every table: ../schema.ts.
 */
import type { Generated } from 'kysely';

export interface PoliciesTable {
  tenant_id: string;
  id: string;
  scope_id: string;
  scope_type: 'DirectoryRole' | 'Directory' | 'Group';
  /** Null only for the tenant default (is_organization_default = 1). */
  role_definition_id: string | null;
  display_name: string;
  description: string;
  is_organization_default: number;
  last_modified_by: string | null;
  last_modified_at: number | null;
}

export interface PolicyRulesTable {
  tenant_id: string;
  policy_id: string;
  rule_id: string;
  body: string;
}

export interface ScheduleRequestsTable {
  tenant_id: string;
  id: string;
  kind: 'eligibility' | 'assignment';
  action: string;
  principal_id: string;
  role_definition_id: string;
  directory_scope_id: string;
  status: string;
  /** 1 while PendingApproval / PendingScheduleCreation: a partial unique index allows one. */
  is_pending: number;
  justification: string | null;
  ticket_number: string | null;
  ticket_system: string | null;
  start_at: number | null;
  expiration_type: string;
  expiration_end_at: number | null;
  expiration_duration: string | null;
  is_validation_only: number;
  target_schedule_id: string | null;
  approval_id: string | null;
  created_by_id: string;
  created_at: number;
  completed_at: number | null;
  expires_at: number | null;
}

export interface SchedulesTable {
  tenant_id: string;
  id: string;
  kind: 'eligibility' | 'assignment';
  principal_id: string;
  role_definition_id: string;
  directory_scope_id: string;
  assignment_type: 'Assigned' | 'Activated' | null;
  member_type: 'Direct' | 'Group' | 'Inherited';
  start_at: number;
  end_at: number | null;
  /** 0 while current or future: a partial unique index allows one open schedule per key. */
  closed: number;
  close_reason: string | null;
  closed_at: number | null;
  created_using: string;
  source_schedule_id: string | null;
  created_at: number;
  modified_at: number;
}

export interface TimelineTable {
  id: Generated<number>;
  tenant_id: string;
  kind: 'scheduleStart' | 'scheduleEnd' | 'requestTimeout' | 'approvalEscalation' | 'expiryReminder';
  ref_id: string;
  due_at: number;
  /** 1 while waiting: the timeline reads only these. */
  pending: number;
  attempts: number;
  last_error: string | null;
  done_at: number | null;
}

export interface ApprovalsTable {
  tenant_id: string;
  id: string;
  request_id: string;
  kind: 'eligibility' | 'assignment';
  requester_id: string;
  grant_starts_at: 'approval' | 'request';
  fallback_to_admins: number;
  /** The stages as JSON (a snapshot of the policy with their progress). */
  stages: string;
  created_at: number;
  modified_at: number;
}

export interface ApprovalDecisionsTable {
  tenant_id: string;
  approval_id: string;
  stage: number;
  approver_id: string;
  result: 'Approve' | 'Deny';
  justification: string | null;
  decided_at: number;
}

/** Who may decide a stage, resolved when it starts (and on escalation); feeds the approver inbox. */
export interface ApprovalApproversTable {
  tenant_id: string;
  approval_id: string;
  stage: number;
  approver_id: string;
  source: 'primary' | 'escalation' | 'fallback';
  /** 1 while the stage waits for decisions. */
  active: number;
}
