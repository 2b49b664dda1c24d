/**
 * The database as Kysely sees it. Instants are integer epoch milliseconds, booleans integers 0/1,
 * JSON is text: the same columns mean the same on SQLite and PostgreSQL (docs/decisions/0002).
 * The tables' interfaces are in tables/, one file per area; this file names every table.
 */
import type { TenantsTable, PrincipalsTable, GroupMembersTable, RoleDefinitionsTable, ScopesTable } from './tables/directory.ts';
import type {
  PoliciesTable,
  PolicyRulesTable,
  ScheduleRequestsTable,
  SchedulesTable,
  TimelineTable,
  ApprovalsTable,
  ApprovalDecisionsTable,
  ApprovalApproversTable,
} from './tables/pim.ts';
import type { AuditEventsTable, ChainHeadTable, ChangeFeedTable, FeedCursorsTable } from './tables/audit-feed.ts';
import type { NotificationDeliveriesTable, ApprovalLinkUsesTable } from './tables/notifications.ts';
import type {
  SigningKeysTable,
  PasswordCredentialsTable,
  SignInStatesTable,
  TotpFactorsTable,
  RecoveryCodesTable,
  ClientSecretsTable,
  ClientKeysTable,
  ClientAssertionUsesTable,
  WebAuthnCredentialsTable,
  WebAuthnChallengesTable,
  ScimTokensTable,
  BreakGlassUsesTable,
  SessionsTable,
  FederatedIdentitiesTable,
  OidcFlowsTable,
} from './tables/sign-in.ts';

export type * from './tables/directory.ts';
export type * from './tables/pim.ts';
export type * from './tables/audit-feed.ts';
export type * from './tables/notifications.ts';
export type * from './tables/sign-in.ts';

export interface Database {
  // the directory (tables/directory.ts)
  tenants: TenantsTable;
  principals: PrincipalsTable;
  group_members: GroupMembersTable;
  role_definitions: RoleDefinitionsTable;
  scopes: ScopesTable;

  // privileged access (tables/pim.ts)
  policies: PoliciesTable;
  policy_rules: PolicyRulesTable;
  schedule_requests: ScheduleRequestsTable;
  schedules: SchedulesTable;
  timeline: TimelineTable;
  approvals: ApprovalsTable;
  approval_decisions: ApprovalDecisionsTable;
  approval_approvers: ApprovalApproversTable;

  // audit chain and change feed (tables/audit-feed.ts)
  audit_events: AuditEventsTable;
  chain_head: ChainHeadTable;
  change_feed: ChangeFeedTable;
  feed_cursors: FeedCursorsTable;

  // notifications (tables/notifications.ts)
  notification_deliveries: NotificationDeliveriesTable;
  approval_link_uses: ApprovalLinkUsesTable;

  // sign-in and credentials (tables/sign-in.ts)
  signing_keys: SigningKeysTable;
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
  break_glass_uses: BreakGlassUsesTable;
  sessions: SessionsTable;
  federated_identities: FederatedIdentitiesTable;
  oidc_flows: OidcFlowsTable;
}
