/** The rules a new role's policy starts with (the table in docs/guide.md, "Policies (role settings)"). */
import type { Caller, Level, PolicyRule, PolicyRules, RuleId, RuleTarget } from './rules.ts';

const target = (caller: Caller, level: Level): RuleTarget => ({
  caller,
  operations: ['All'],
  level,
  inheritableSettings: [],
  enforcedSettings: [],
});

const notification = (id: RuleId, recipientType: 'Requestor' | 'Approver' | 'Admin', caller: Caller, level: Level): PolicyRule => ({
  kind: 'notification',
  id,
  target: target(caller, level),
  notificationType: 'Email',
  recipientType,
  notificationLevel: 'All',
  isDefaultRecipientsEnabled: true,
  notificationRecipients: [],
});

/** Fresh default rules; callers may keep or change them. */
export function defaultPolicyRules(): PolicyRules {
  return {
    Expiration_Admin_Eligibility: {
      kind: 'expiration',
      id: 'Expiration_Admin_Eligibility',
      target: target('Admin', 'Eligibility'),
      isExpirationRequired: false,
      maximumDuration: 'P365D',
    },
    Expiration_Admin_Assignment: {
      kind: 'expiration',
      id: 'Expiration_Admin_Assignment',
      target: target('Admin', 'Assignment'),
      isExpirationRequired: false,
      maximumDuration: 'P180D',
    },
    Expiration_EndUser_Assignment: {
      kind: 'expiration',
      id: 'Expiration_EndUser_Assignment',
      target: target('EndUser', 'Assignment'),
      isExpirationRequired: true,
      maximumDuration: 'PT8H',
    },
    Enablement_Admin_Eligibility: {
      kind: 'enablement',
      id: 'Enablement_Admin_Eligibility',
      target: target('Admin', 'Eligibility'),
      enabledRules: [],
    },
    Enablement_Admin_Assignment: {
      kind: 'enablement',
      id: 'Enablement_Admin_Assignment',
      target: target('Admin', 'Assignment'),
      enabledRules: ['Justification'],
    },
    Enablement_EndUser_Assignment: {
      kind: 'enablement',
      id: 'Enablement_EndUser_Assignment',
      target: target('EndUser', 'Assignment'),
      enabledRules: ['MultiFactorAuthentication', 'Justification'],
    },
    Approval_EndUser_Assignment: {
      kind: 'approval',
      id: 'Approval_EndUser_Assignment',
      target: target('EndUser', 'Assignment'),
      setting: {
        isApprovalRequired: false,
        isApprovalRequiredForExtension: false,
        isRequestorJustificationRequired: true,
        approvalMode: 'SingleStage',
        approvalStages: [
          {
            approvalStageTimeOutInDays: 1,
            isApproverJustificationRequired: true,
            escalationTimeInMinutes: 0,
            isEscalationEnabled: false,
            primaryApprovers: [],
            escalationApprovers: [],
          },
        ],
      },
    },
    AuthenticationContext_EndUser_Assignment: {
      kind: 'authenticationContext',
      id: 'AuthenticationContext_EndUser_Assignment',
      target: target('EndUser', 'Assignment'),
      isEnabled: false,
      claimValue: null,
    },
    Notification_Admin_Admin_Eligibility: notification('Notification_Admin_Admin_Eligibility', 'Admin', 'Admin', 'Eligibility'),
    Notification_Requestor_Admin_Eligibility: notification('Notification_Requestor_Admin_Eligibility', 'Requestor', 'Admin', 'Eligibility'),
    Notification_Approver_Admin_Eligibility: notification('Notification_Approver_Admin_Eligibility', 'Approver', 'Admin', 'Eligibility'),
    Notification_Admin_Admin_Assignment: notification('Notification_Admin_Admin_Assignment', 'Admin', 'Admin', 'Assignment'),
    Notification_Requestor_Admin_Assignment: notification('Notification_Requestor_Admin_Assignment', 'Requestor', 'Admin', 'Assignment'),
    Notification_Approver_Admin_Assignment: notification('Notification_Approver_Admin_Assignment', 'Approver', 'Admin', 'Assignment'),
    Notification_Admin_EndUser_Assignment: notification('Notification_Admin_EndUser_Assignment', 'Admin', 'EndUser', 'Assignment'),
    Notification_Requestor_EndUser_Assignment: notification('Notification_Requestor_EndUser_Assignment', 'Requestor', 'EndUser', 'Assignment'),
    Notification_Approver_EndUser_Assignment: notification('Notification_Approver_EndUser_Assignment', 'Approver', 'EndUser', 'Assignment'),
  };
}
