/**
 * Who calls /scim/v2: not a principal but a tenant's SCIM token (an IdP's provisioning agent).
 * Holding a valid token is the authorization; audit events name the token as their actor.
 */
import type { AuditActor } from '../../domain/audit/event.ts';
import type { Instant } from '../../domain/time.ts';
import type { GrantContext, GrantRepositories } from '../grants/grant-context.ts';
import type { Ids } from '../ports/clock.ts';
import type { Repositories } from '../ports/repositories.ts';

export interface ScimClient {
  readonly tenantId: string;
  readonly tokenId: string;
  readonly tokenName: string;
  /** Ties the audit events of one SCIM call together. */
  readonly correlationId: string;
}

export const scimActor = (client: ScimClient): AuditActor => ({
  id: client.tokenId,
  displayName: `SCIM provisioning: ${client.tokenName}`,
  userPrincipalName: null,
  type: 'servicePrincipal',
});

/** Grant mechanics over SCIM's whole transaction (its paths also change accounts and the SCIM side of principals). */
/** What SCIM's use cases touch: grant mechanics, and the directory and accounts they provision. */
export type ScimRepositories = GrantRepositories & Pick<Repositories, 'principals' | 'provisioning' | 'accounts'>;

export interface ScimContext extends GrantContext {
  readonly tx: ScimRepositories;
}

export const scimContext = (tx: ScimRepositories, ids: Ids, client: ScimClient, now: Instant): ScimContext => ({
  tx,
  ids,
  now,
  actor: scimActor(client),
  correlationId: client.correlationId,
});
