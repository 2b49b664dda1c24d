/**
 * An audit event as Graph's directoryAudit describes it, plus the hash chain. Events are written
 * in the transaction of the change they describe.
 */
import type { Instant } from '../time.ts';

export interface AuditActor {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  readonly type: 'user' | 'servicePrincipal' | 'system';
  /**
   * The address the actor called from. Absent — not null — when there is none (the system, SCIM, a
   * use case not called over HTTP) and on events recorded before it was kept, so those hash as they
   * always did (the chain hashes canonical JSON, which leaves out absent keys); present, it is hashed.
   */
  readonly ipAddress?: string;
}

export interface AuditTarget {
  readonly id: string;
  readonly displayName: string | null;
  /** 'User', 'Group', 'ServicePrincipal', 'Role', 'Request', 'Policy', 'Other'. */
  readonly type: string;
  readonly userPrincipalName?: string | null;
  readonly modifiedProperties?: readonly { displayName: string; oldValue: string | null; newValue: string | null }[];
}

/** What a use case says happened; the store adds ids, order and hashes. */
export interface AuditRecord {
  readonly tenantId: string;
  readonly activityAt: Instant;
  readonly activity: string;
  readonly category: 'RoleManagement' | 'UserManagement' | 'GroupManagement' | 'Policy' | 'Other';
  readonly operationType: 'Add' | 'Update' | 'Delete' | 'Assign' | 'Unassign' | 'Other';
  readonly result: 'success' | 'failure';
  readonly resultReason: string | null;
  readonly correlationId: string;
  readonly initiatedBy: AuditActor;
  readonly targets: readonly AuditTarget[];
  readonly details: Readonly<Record<string, string>>;
}

export interface AuditEvent extends AuditRecord {
  readonly id: string;
  /** Position in the chain, from 1 without gaps. */
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

/** The system itself (the timeline) as an actor. */
export const SYSTEM_ACTOR: AuditActor = { id: '00000000-0000-0000-0000-000000000000', displayName: 'OpenPIM', userPrincipalName: null, type: 'system' };
