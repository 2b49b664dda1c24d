/**
 * What notifications are about, as plain values: the event kinds, who they concern, and which of
 * the nine Notification_* rules governs them (docs/guide.md, "Notifications").
 */
import type { ScheduleKind } from '../../domain/model.ts';
import type { Instant } from '../../domain/time.ts';

export const NOTIFICATION_TYPES = [
  'approvalNeeded',
  'approved',
  'denied',
  'timedOut',
  'failed',
  'activated',
  'assigned',
  'expiring',
  'expired',
  'extended',
  'breakGlassUsed',
  'digest',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Entra's rule-id suffix: which operation the rules govern (`Notification_{Recipient}_{Context}`). */
export type RuleContext = 'Admin_Eligibility' | 'Admin_Assignment' | 'EndUser_Assignment';
export type RecipientType = 'Requestor' | 'Approver' | 'Admin';
/** Who a rendered message speaks to: a person of one recipient type, or a chat channel. */
export type Audience = RecipientType | 'Channel';

/** Someone to email: a principal (with id) or an extra address from a rule (no id). */
export interface Person {
  readonly principalId: string | null;
  readonly name: string;
  readonly address: string;
}

/** What the templates render from. Stored as JSON with each delivery, so plain values only. */
export interface NotificationParams {
  readonly audience: Audience;
  readonly recipientName?: string;
  /** The subject of the notification: requester, assignee, holder. */
  readonly principalName?: string;
  readonly roleName?: string;
  readonly scopeName?: string;
  readonly kind?: ScheduleKind;
  readonly action?: string;
  readonly requestId?: string;
  readonly approvalId?: string;
  readonly stepId?: string;
  readonly stages?: number;
  readonly escalation?: boolean;
  /** Email to an approver: one-click links are signed for this principal. */
  readonly approverId?: string;
  /** Chat: links are signed for each of these approvers. */
  readonly approvers?: readonly { readonly id: string; readonly name: string }[];
  readonly justification?: string | null;
  readonly ticketNumber?: string | null;
  readonly ticketSystem?: string | null;
  readonly approverName?: string | null;
  readonly approverJustification?: string | null;
  readonly reason?: string | null;
  readonly startAt?: Instant | null;
  readonly endAt?: Instant | null;
  /** When a pending request times out. */
  readonly expiresAt?: Instant | null;
  readonly within?: '14d' | '1d';
  readonly assignmentType?: 'Assigned' | 'Activated' | null;
  readonly digest?: DigestParams;
  readonly breakGlass?: BreakGlassParams;
}

/** One use of a break-glass account (docs/guide.md, "Break-glass accounts"). */
export interface BreakGlassParams {
  /** The account's user principal name. */
  readonly account: string;
  readonly at: Instant;
  /** 'password sign-in', 'bearer token', 'session', … */
  readonly how: string;
  readonly method: string | null;
  readonly path: string | null;
  readonly sourceIp: string | null;
}

export interface DigestParams {
  readonly week: string;
  readonly from: Instant;
  readonly to: Instant;
  readonly activations: number;
  readonly topRoles: readonly { readonly name: string; readonly count: number }[];
  readonly newPermanentActive: number;
  readonly newPermanentEligible: number;
  readonly outsidePim: number;
}

/** A change worth telling people about, with everything the planner needs already looked up. */
export interface NotificationEvent {
  readonly tenantId: string;
  readonly type: Exclude<NotificationType, 'digest'>;
  /** Names the happening: two feed rows about the same happening give one notification per recipient. */
  readonly key: string;
  /** The rule group that governs it; null for a tenant alert (a break-glass use) that no role's policy governs. */
  readonly context: RuleContext | null;
  /** Activation of a privileged role counts as critical. */
  readonly privilegedRole: boolean;
  readonly params: Omit<NotificationParams, 'audience'>;
  /** Default recipients by recipient type (a rule may turn them off or add addresses). */
  readonly audiences: Readonly<Partial<Record<RecipientType, readonly Person[]>>>;
}

/**
 * Critical events — still sent when a rule says `notificationLevel: "Critical"`: an approval is
 * needed, a request was denied, a grant expired, a privileged role was activated (and a
 * break-glass account was used, which no rule governs anyway).
 */
export function isCritical(event: Pick<NotificationEvent, 'type' | 'privilegedRole'>): boolean {
  switch (event.type) {
    case 'approvalNeeded':
    case 'denied':
    case 'expired':
    case 'breakGlassUsed':
      return true;
    case 'activated':
      return event.privilegedRole;
    default:
      return false;
  }
}

/** The rule group of a request: activations are the end user's, everything else the admin's. */
export function contextOfRequest(action: string, kind: ScheduleKind): RuleContext {
  if (action === 'selfActivate') return 'EndUser_Assignment';
  return kind === 'eligibility' ? 'Admin_Eligibility' : 'Admin_Assignment';
}

/** The rule group of a grant: activations are the end user's, assigned grants the admin's. */
export function contextOfSchedule(schedule: { readonly kind: ScheduleKind; readonly assignmentType: 'Assigned' | 'Activated' | null }): RuleContext {
  if (schedule.assignmentType === 'Activated') return 'EndUser_Assignment';
  return schedule.kind === 'eligibility' ? 'Admin_Eligibility' : 'Admin_Assignment';
}
