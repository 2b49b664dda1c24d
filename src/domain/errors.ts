/**
 * Typed error codes of the core. Where Microsoft Graph has a code for the situation we use it,
 * so that scripts written against Entra PIM recognise our errors. The http layer maps every code
 * to a status in one exhaustive table (src/http/errors.ts).
 */
export const ERROR_CODES = [
  // Input
  'Request_BadRequest',
  'Request_UnsupportedQuery',
  'RequestBodyTooLarge',
  'InvalidScheduleInfo',
  // Identity and authorization
  'InvalidAuthenticationToken',
  'Authorization_RequestDenied',
  'SelfApprovalNotAllowed',
  // Lookup
  'Request_ResourceNotFound',
  'RoleAssignmentDoesNotExist',
  // Policy and hard rules
  'RoleAssignmentRequestPolicyValidationFailed',
  'RoleAssignmentRequestAcrsValidationFailed',
  'ActiveDurationTooShort',
  'ExtendWindowNotOpen',
  'RenewWindowClosed',
  'PrincipalCannotBeEligible',
  'GroupNotAssignableToRole',
  'LastPrivilegedRoleHolder',
  'LastGroupOwner',
  // Conflicts
  'RoleAssignmentExists',
  'PendingRoleAssignmentRequest',
  'RequestCannotBeCanceled',
  'ApproverAlreadyDecided',
  'ApprovalStepNotActive',
  'ObjectConflict',
  'ConcurrencyConflict',
  // A custom role still granted or asked for cannot be deleted (Azure RBAC's code for the same refusal)
  'RoleDefinitionHasAssignments',
  // Signed approval links (notifications)
  'ApprovalLinkInvalid',
  'ApprovalLinkExpired',
  'ApprovalLinkUsed',
  // Sign-in and credentials (local accounts, TOTP, client secrets)
  'InvalidCredentials',
  'AuthenticationMethodNotEnrolled',
  'TooManyRequests',
  // Sessions: a code for the CLI that is invalid, used or expired; a cookie request without its CSRF token
  'InvalidGrant',
  'InvalidCsrfToken',
  // OIDC federation: the organisation's identity provider cannot be reached or discovered
  'IdentityProviderUnavailable',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** An expected failure with a code the API reports as it is. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  /** Extra machine-readable facts (for example the failing policy rules). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
