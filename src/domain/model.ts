/**
 * The model of docs/guide.md ("The model", "Requests") as plain values. Instants are epoch
 * milliseconds; nothing here reads the clock or makes ids.
 */
import type { Instant } from './time.ts';

export type PrincipalType = 'user' | 'group' | 'servicePrincipal';

export interface Principal {
  readonly tenantId: string;
  readonly id: string;
  readonly type: PrincipalType;
  readonly displayName: string;
  /** Users only. */
  readonly userPrincipalName: string | null;
  readonly mail: string | null;
  readonly accountEnabled: boolean;
  /** Break-glass accounts keep standing Global Administrator; every use of one is alerted. */
  readonly isBreakGlass: boolean;
  /** Groups only: may the group receive role assignments? */
  readonly isAssignableToRole: boolean;
  readonly description: string | null;
  /** Users only: their manager (an approver when a policy names the requester's manager). */
  readonly managerId: string | null;
  readonly createdAt: Instant;
}

export type RoleKind = 'directory' | 'resource' | 'group';

export interface RoleDefinition {
  readonly tenantId: string;
  readonly id: string;
  readonly templateId: string;
  readonly displayName: string;
  readonly description: string;
  readonly isBuiltIn: boolean;
  readonly isEnabled: boolean;
  readonly isPrivileged: boolean;
  /**
   * 'directory' roles live at `/` and administrative units; 'resource' roles at resource scopes;
   * 'group' roles (`member`, `owner`) at group scopes `/groups/{id}` (PIM for Groups).
   */
  readonly kind: RoleKind;
  readonly allowedActions: readonly string[];
  readonly excludedActions: readonly string[];
  readonly version: string;
}

export interface Scope {
  readonly tenantId: string;
  /** The path: `/`, `/administrativeUnits/{id}` or a resource path. */
  readonly id: string;
  readonly type: 'tenant' | 'administrativeUnit' | 'resource';
  readonly displayName: string;
  readonly parentId: string | null;
}

/** Eligibility (may activate) or assignment (holds the role). */
export type ScheduleKind = 'eligibility' | 'assignment';
export type AssignmentType = 'Assigned' | 'Activated';
export type MemberType = 'Direct' | 'Group' | 'Inherited';
/** Why a schedule stopped being current. */
export type CloseReason = 'expired' | 'removed' | 'deactivated' | 'sourceEnded' | 'canceled';

/** Who, what, where: the key of "one at a time" rules. */
export interface AssignmentKey {
  readonly tenantId: string;
  readonly kind: ScheduleKind;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
}

/** A granted eligibility or assignment, current or future (Graph's *Schedule). */
export interface Schedule extends AssignmentKey {
  readonly id: string;
  /** Assignments only: given by an admin, or activated from an eligibility. */
  readonly assignmentType: AssignmentType | null;
  readonly memberType: MemberType;
  readonly startAt: Instant;
  /** null = permanent. */
  readonly endAt: Instant | null;
  /** Closed schedules are history: ended by expiry, removal or deactivation. */
  readonly closed: boolean;
  readonly closeReason: CloseReason | null;
  readonly closedAt: Instant | null;
  /** The request that created it. */
  readonly createdUsing: string;
  /** Activations: the eligibility schedule they came from. */
  readonly sourceScheduleId: string | null;
  readonly createdAt: Instant;
  readonly modifiedAt: Instant;
}

/** Is the schedule in effect at `at`? The end is compared here, never trusted to a job. */
export const isInEffect = (s: Schedule, at: Instant): boolean => !s.closed && s.startAt <= at && (s.endAt === null || at < s.endAt);

/** Has the schedule's time run out, whether or not the timeline closed it yet? */
export const hasEnded = (s: Pick<Schedule, 'endAt'>, at: Instant): boolean => s.endAt !== null && at >= s.endAt;

export const REQUEST_ACTIONS = [
  'adminAssign',
  'adminUpdate',
  'adminRemove',
  'adminExtend',
  'adminRenew',
  'selfActivate',
  'selfDeactivate',
  'selfExtend',
  'selfRenew',
] as const;
export type RequestAction = (typeof REQUEST_ACTIONS)[number];

export const REQUEST_STATUSES = [
  'PendingApproval',
  'PendingScheduleCreation',
  'Granted',
  'Provisioned',
  'PendingProvisioning',
  'Denied',
  'Canceled',
  'Revoked',
  'Failed',
  'TimedOut',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Statuses a request never leaves. */
export const TERMINAL_STATUSES: ReadonlySet<RequestStatus> = new Set(['Provisioned', 'Denied', 'Canceled', 'Revoked', 'Failed', 'TimedOut']);

export type Expiration =
  | { readonly type: 'noExpiration' }
  | { readonly type: 'afterDateTime'; readonly endDateTime: Instant }
  | { readonly type: 'afterDuration'; readonly duration: string }
  | { readonly type: 'notSpecified' };

export interface RequestSchedule {
  /** Absent: start when the request is processed. */
  readonly startDateTime: Instant | null;
  readonly expiration: Expiration;
}

export interface TicketInfo {
  readonly ticketNumber: string | null;
  readonly ticketSystem: string | null;
}

/** A schedule request: the only way anything changes. Kept forever as history. */
export interface ScheduleRequest extends AssignmentKey {
  readonly id: string;
  readonly action: RequestAction;
  readonly status: RequestStatus;
  readonly justification: string | null;
  readonly ticketInfo: TicketInfo;
  readonly scheduleInfo: RequestSchedule;
  readonly isValidationOnly: boolean;
  readonly targetScheduleId: string | null;
  readonly approvalId: string | null;
  readonly createdById: string;
  readonly createdAt: Instant;
  readonly completedAt: Instant | null;
  /** When a pending request times out if nobody decides. */
  readonly expiresAt: Instant | null;
}

export const isPending = (status: RequestStatus): boolean => status === 'PendingApproval' || status === 'PendingScheduleCreation';
