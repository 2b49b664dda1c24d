/**
 * Role management policy rules (docs/guide.md, "Policies (role settings)"), in the shape Microsoft
 * Graph gives them so the API maps them one to one; `kind` stands in for Graph's `@odata.type`.
 */
export type Caller = 'Admin' | 'EndUser';
export type Level = 'Eligibility' | 'Assignment';

export interface RuleTarget {
  readonly caller: Caller;
  readonly operations: readonly string[];
  readonly level: Level;
  readonly inheritableSettings: readonly string[];
  readonly enforcedSettings: readonly string[];
}

export type EnablementOption = 'MultiFactorAuthentication' | 'Justification' | 'Ticketing';

/** A Graph subjectSet: `#microsoft.graph.singleUser`, `groupMembers` or `requestorManager`. */
export type SubjectSet =
  | { readonly '@odata.type': '#microsoft.graph.singleUser'; readonly userId: string; readonly description?: string | null }
  | { readonly '@odata.type': '#microsoft.graph.groupMembers'; readonly groupId: string; readonly description?: string | null }
  | { readonly '@odata.type': '#microsoft.graph.requestorManager'; readonly managerLevel: number };

export interface ApprovalStage {
  readonly approvalStageTimeOutInDays: number;
  readonly isApproverJustificationRequired: boolean;
  readonly escalationTimeInMinutes: number;
  readonly isEscalationEnabled: boolean;
  readonly primaryApprovers: readonly SubjectSet[];
  readonly escalationApprovers: readonly SubjectSet[];
  /** OpenPIM: how many approvals the stage needs (a quorum of its approvers). Default 1. */
  readonly approvalsRequired?: number;
}

export interface ApprovalSettings {
  readonly isApprovalRequired: boolean;
  readonly isApprovalRequiredForExtension: boolean;
  readonly isRequestorJustificationRequired: boolean;
  readonly approvalMode: 'SingleStage' | 'Serial' | 'Parallel' | 'NoApproval';
  readonly approvalStages: readonly ApprovalStage[];
  /** OpenPIM: does granted time start when the final approval lands (default) or at the request? */
  readonly grantStartsAt?: 'approval' | 'request';
}

interface RuleBase {
  readonly id: RuleId;
  readonly target: RuleTarget;
}

export interface ExpirationRule extends RuleBase {
  readonly kind: 'expiration';
  readonly isExpirationRequired: boolean;
  readonly maximumDuration: string;
}
export interface EnablementRule extends RuleBase {
  readonly kind: 'enablement';
  readonly enabledRules: readonly EnablementOption[];
}
export interface ApprovalRule extends RuleBase {
  readonly kind: 'approval';
  readonly setting: ApprovalSettings;
}
export interface AuthenticationContextRule extends RuleBase {
  readonly kind: 'authenticationContext';
  readonly isEnabled: boolean;
  readonly claimValue: string | null;
}
export interface NotificationRule extends RuleBase {
  readonly kind: 'notification';
  readonly notificationType: 'Email';
  readonly recipientType: 'Requestor' | 'Approver' | 'Admin';
  readonly notificationLevel: 'None' | 'Critical' | 'All';
  readonly isDefaultRecipientsEnabled: boolean;
  readonly notificationRecipients: readonly string[];
}

export type PolicyRule = ExpirationRule | EnablementRule | ApprovalRule | AuthenticationContextRule | NotificationRule;
export type RuleKind = PolicyRule['kind'];

export const RULE_IDS = [
  'Expiration_Admin_Eligibility',
  'Expiration_Admin_Assignment',
  'Expiration_EndUser_Assignment',
  'Enablement_Admin_Eligibility',
  'Enablement_Admin_Assignment',
  'Enablement_EndUser_Assignment',
  'Approval_EndUser_Assignment',
  'AuthenticationContext_EndUser_Assignment',
  'Notification_Admin_Admin_Eligibility',
  'Notification_Requestor_Admin_Eligibility',
  'Notification_Approver_Admin_Eligibility',
  'Notification_Admin_Admin_Assignment',
  'Notification_Requestor_Admin_Assignment',
  'Notification_Approver_Admin_Assignment',
  'Notification_Admin_EndUser_Assignment',
  'Notification_Requestor_EndUser_Assignment',
  'Notification_Approver_EndUser_Assignment',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export const isRuleId = (id: string): id is RuleId => (RULE_IDS as readonly string[]).includes(id);

/** The kind each rule id must have (Graph refuses a PATCH whose @odata.type does not match). */
export function kindOfRule(id: RuleId): RuleKind {
  if (id.startsWith('Expiration_')) return 'expiration';
  if (id.startsWith('Enablement_')) return 'enablement';
  if (id.startsWith('Approval_')) return 'approval';
  if (id.startsWith('AuthenticationContext_')) return 'authenticationContext';
  return 'notification';
}

/** The rules of one policy, by id; every policy holds all 17. */
export type PolicyRules = { readonly [K in RuleId]: PolicyRule };

/** A typed accessor: the rule with that id, narrowed to its kind. */
export function ruleOf<K extends RuleKind>(rules: PolicyRules, id: RuleId, kind: K): Extract<PolicyRule, { kind: K }> {
  const rule = rules[id];
  if (rule.kind !== kind) throw new Error(`policy rule ${id} is a ${rule.kind} rule, not ${kind}`);
  return rule as Extract<PolicyRule, { kind: K }>;
}
