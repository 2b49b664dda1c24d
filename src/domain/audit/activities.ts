/**
 * Activity names, worded as Microsoft Entra words its PIM audit events so that reports and
 * SIEM rules written for Entra keep matching.
 */
import type { RequestAction, ScheduleKind } from '../model.ts';

const span = (permanent: boolean) => (permanent ? 'permanent' : 'timebound');

/** The activity of a completed request. */
export function requestActivity(kind: ScheduleKind, action: RequestAction, permanent: boolean): string {
  const member = kind === 'eligibility' ? 'eligible member' : 'member';
  switch (action) {
    case 'adminAssign':
      return `Add ${member} to role in PIM completed (${span(permanent)})`;
    case 'adminUpdate':
      return `Update ${member} in role in PIM completed (${span(permanent)})`;
    case 'adminRemove':
      return `Remove ${member} from role in PIM completed (${span(permanent)})`;
    case 'adminExtend':
      return `Extend ${member} role assignment in PIM completed`;
    case 'adminRenew':
      return `Renew ${member} role assignment in PIM completed`;
    case 'selfActivate':
      return 'Add member to role completed (PIM activation)';
    case 'selfDeactivate':
      return kind === 'eligibility' ? 'Remove eligible member from role completed (PIM deactivate)' : 'Remove member from role completed (PIM deactivate)';
    case 'selfExtend':
      return `Extend ${member} role assignment requested`;
    case 'selfRenew':
      return `Renew ${member} role assignment requested`;
  }
}

export const ACTIVITY = {
  activationRequested: 'Add member to role requested (PIM activation)',
  activationCompleted: 'Add member to role completed (PIM activation)',
  activationStarted: 'Add member to role completed (PIM activation starts)',
  activationExpired: 'Remove member from role (PIM activation expired)',
  assignmentExpired: 'Remove member from role in PIM (assignment expired)',
  eligibilityExpired: 'Remove eligible member from role in PIM (expired)',
  endedWithEligibility: 'Remove member from role (PIM eligibility ended)',
  shortenedWithEligibility: 'Update member in role (PIM eligibility shortened)',
  scheduleStarted: 'Add member to role in PIM completed (scheduled start)',
  eligibilityStarted: 'Add eligible member to role in PIM completed (scheduled start)',
  requestCanceled: 'Cancel request for role in PIM completed',
  requestCanceledWithEligibility: 'Cancel request for role in PIM (eligibility ended)',
  requestTimedOut: 'PIM activation request expired',
  requestApproved: 'Add member to role request approved',
  requestDenied: 'Add member to role request denied',
  stageApproved: 'Add member to role request approved (stage)',
  approvalRecorded: 'Approve request for role in PIM (decision recorded)',
  requestEscalated: 'PIM activation request escalated',
  approvedRequestFailed: 'Add member to role request failed after approval',
  managerSet: 'Update user manager',
  policyUpdated: 'Update role setting in PIM',
  policyAdded: 'Add role setting in PIM at a scope',
  organizationDefaultAdded: 'Add tenant default role settings in PIM',
  roleDefinitionAdded: 'Add role definition',
  roleDefinitionUpdated: 'Update role definition',
  roleDefinitionDeleted: 'Delete role definition',
  userAdded: 'Add user',
  groupAdded: 'Add group',
  groupMemberAdded: 'Add member to group',
  groupMemberRemoved: 'Remove member from group',
  scopeAdded: 'Add administrative unit',
  resourceScopeAdded: 'Register resource scope',
  tenantCreated: 'Create tenant',
  // Identity (Entra's words where Entra audits the same thing)
  passwordReset: 'Reset user password',
  accountDisabled: 'Disable account',
  accountEnabled: 'Enable account',
  accountLocked: 'User account locked (too many failed sign-in attempts)',
  securityInfoRegistered: 'User registered security info',
  securityInfoDeletedByUser: 'User deleted security info',
  securityInfoDeletedByAdmin: 'Admin deleted security info',
  recoveryCodesRegenerated: 'User regenerated recovery codes',
  recoveryCodeUsed: 'User signed in with a recovery code',
  // OpenPIM's words: Graph's revokeSignInSessions; also done by a password reset.
  signInSessionsRevoked: 'Revoke sign-in sessions',
  // Not an Entra activity: Entra leaves break-glass monitoring to sign-in log alerts.
  breakGlassUsed: 'Break-glass account used',
  servicePrincipalAdded: 'Add service principal',
  servicePrincipalCredentialsAdded: 'Add service principal credentials',
  servicePrincipalCredentialsRemoved: 'Remove service principal credentials',
  // SCIM provisioning (docs/decisions/0009)
  userUpdated: 'Update user',
  userDeleted: 'Delete user',
  groupUpdated: 'Update group',
  groupDeleted: 'Delete group',
  assignmentDeprovisioned: 'Remove member from role in PIM (user deprovisioned)',
  eligibilityDeprovisioned: 'Remove eligible member from role in PIM (user deprovisioned)',
  requestCanceledDeprovisioned: 'Cancel request for role in PIM (user deprovisioned)',
  groupAccessEndedWithGroup: 'Remove member from group in PIM (group deleted)',
  scimTokenAdded: 'Add SCIM provisioning token',
  scimTokenRevoked: 'Revoke SCIM provisioning token',
  // OpenID Connect federation (docs/decisions/0012)
  federatedSignIn: 'User signed in with the identity provider',
  federatedIdentityLinked: 'Link identity provider account to user',
} as const;
