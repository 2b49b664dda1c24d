/**
 * The database as Kysely sees it. Instants are integer epoch milliseconds, booleans integers 0/1,
 * JSON is text: the same columns mean the same on SQLite and PostgreSQL (docs/decisions/0002).
 */
import type { Generated } from 'kysely';

export interface TenantsTable {
  id: string;
  display_name: string;
  created_at: number;
}

export interface PrincipalsTable {
  tenant_id: string;
  id: string;
  type: 'user' | 'group' | 'servicePrincipal';
  display_name: string;
  user_principal_name: string | null;
  /** Lower-cased UPN for the unique index and lookups. */
  upn_key: string | null;
  mail: string | null;
  account_enabled: number;
  is_break_glass: number;
  is_assignable_to_role: number;
  description: string | null;
  manager_id: string | null;
  created_at: number;
  /** SCIM (0008): the IdP's id for the principal, and the name parts it sends. */
  external_id: string | null;
  given_name: string | null;
  family_name: string | null;
  /** SCIM (0008): when a SCIM client deleted (deprovisioned) the principal; it is kept for the audit trail. */
  scim_deleted_at: number | null;
}

export interface GroupMembersTable {
  tenant_id: string;
  group_id: string;
  member_id: string;
  created_at: number;
}

export interface RoleDefinitionsTable {
  tenant_id: string;
  id: string;
  template_id: string;
  display_name: string;
  description: string;
  is_built_in: number;
  is_enabled: number;
  is_privileged: number;
  kind: 'directory' | 'resource' | 'group';
  allowed_actions: string;
  excluded_actions: string;
  version: string;
}

export interface ScopesTable {
  tenant_id: string;
  id: string;
  type: 'tenant' | 'administrativeUnit' | 'resource';
  display_name: string;
  parent_id: string | null;
}

export interface PoliciesTable {
  tenant_id: string;
  id: string;
  scope_id: string;
  scope_type: 'DirectoryRole' | 'Directory' | 'Group';
  role_definition_id: string;
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

export interface SigningKeysTable {
  kid: string;
  private_jwk: string;
  public_jwk: string;
  created_at: number;
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

/** A user's password as a PHC string (argon2id with its parameters). */
export interface PasswordCredentialsTable {
  tenant_id: string;
  principal_id: string;
  hash: string;
  set_at: number;
  set_by: string;
}

/** Lockout back-off and the last successful sign-in. */
export interface SignInStatesTable {
  tenant_id: string;
  principal_id: string;
  failures: number;
  lockouts: number;
  locked_until: number | null;
  last_failure_at: number | null;
  last_sign_in_at: number | null;
}

export interface TotpFactorsTable {
  tenant_id: string;
  id: string;
  principal_id: string;
  secret: string;
  /** 0 while waiting for the first code; a unique index allows one of each per principal. */
  active: number;
  created_at: number;
  confirmed_at: number | null;
  last_used_step: number | null;
}

export interface RecoveryCodesTable {
  tenant_id: string;
  principal_id: string;
  code_hash: string;
  created_at: number;
  used_at: number | null;
}

export interface ClientSecretsTable {
  tenant_id: string;
  key_id: string;
  principal_id: string;
  display_name: string | null;
  hint: string;
  secret_hash: string;
  start_at: number;
  end_at: number;
  created_at: number;
}

export interface ClientKeysTable {
  tenant_id: string;
  key_id: string;
  principal_id: string;
  display_name: string | null;
  key_kind: string;
  thumbprint: string;
  thumbprint_sha256: string;
  certificate: string;
  start_at: number;
  end_at: number;
  created_at: number;
}

export interface ClientAssertionUsesTable {
  tenant_id: string;
  principal_id: string;
  jti: string;
  expires_at: number;
}

export interface WebAuthnCredentialsTable {
  tenant_id: string;
  id: string;
  principal_id: string;
  public_key: string;
  counter: number;
  /** JSON array. */
  transports: string;
  hardware: number;
  attachment: string | null;
  aaguid: string;
  backed_up: number;
  display_name: string;
  created_at: number;
  last_used_at: number | null;
}

export interface WebAuthnChallengesTable {
  tenant_id: string;
  challenge: string;
  principal_id: string;
  purpose: string;
  created_at: number;
  expires_at: number;
}

export interface ScimTokensTable {
  tenant_id: string;
  id: string;
  display_name: string;
  hint: string;
  token_hash: string;
  created_by: string;
  created_at: number;
  end_at: number;
  revoked_at: number | null;
}

/** Uses of break-glass accounts already recorded: one row per token or session (its key's digest). */
export interface BreakGlassUsesTable {
  tenant_id: string;
  use_key: string;
  principal_id: string;
  first_used_at: number;
}

/** Sign-in sessions (0009): browser cookies, CLI logins and sign-in tokens name one. */
export interface SessionsTable {
  tenant_id: string;
  id: string;
  principal_id: string;
  kind: string;
  method: string;
  secret_hash: string | null;
  /** JSON arrays. */
  amr: string;
  acrs: string;
  auth_time: number | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
  source_ip: string | null;
  code_hash: string | null;
  code_challenge: string | null;
  code_redirect_uri: string | null;
  code_expires_at: number | null;
}

/** OIDC federation (0010): provider accounts linked to principals. */
export interface FederatedIdentitiesTable {
  tenant_id: string;
  issuer: string;
  subject: string;
  principal_id: string;
  created_at: number;
  last_sign_in_at: number | null;
}

/** OIDC federation (0010): sign-ins sent to the provider, each usable once. */
export interface OidcFlowsTable {
  state_hash: string;
  tenant_id: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  created_at: number;
  expires_at: number;
}

export interface Database {
  tenants: TenantsTable;
  principals: PrincipalsTable;
  group_members: GroupMembersTable;
  role_definitions: RoleDefinitionsTable;
  scopes: ScopesTable;
  policies: PoliciesTable;
  policy_rules: PolicyRulesTable;
  schedule_requests: ScheduleRequestsTable;
  schedules: SchedulesTable;
  timeline: TimelineTable;
  audit_events: AuditEventsTable;
  chain_head: ChainHeadTable;
  change_feed: ChangeFeedTable;
  feed_cursors: FeedCursorsTable;
  signing_keys: SigningKeysTable;
  approvals: ApprovalsTable;
  approval_decisions: ApprovalDecisionsTable;
  approval_approvers: ApprovalApproversTable;
  notification_deliveries: NotificationDeliveriesTable;
  approval_link_uses: ApprovalLinkUsesTable;
  password_credentials: PasswordCredentialsTable;
  sign_in_states: SignInStatesTable;
  totp_factors: TotpFactorsTable;
  recovery_codes: RecoveryCodesTable;
  client_secrets: ClientSecretsTable;
  client_keys: ClientKeysTable;
  client_assertion_uses: ClientAssertionUsesTable;
  webauthn_credentials: WebAuthnCredentialsTable;
  webauthn_challenges: WebAuthnChallengesTable;
  scim_tokens: ScimTokensTable;
  federated_identities: FederatedIdentitiesTable;
  oidc_flows: OidcFlowsTable;
  sessions: SessionsTable;
  break_glass_uses: BreakGlassUsesTable;
}
