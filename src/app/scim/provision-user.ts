/**
 * SCIM POST /Users: create a user from the IdP (userName → userPrincipalName). No password: a
 * provisioned user signs in through the IdP (OIDC). Audited as any user creation, by the token.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import type { Principal } from '../../domain/model.ts';
import type { ScimUserState } from '../../domain/scim/patch.ts';
import { auditRecord, principalTarget } from '../audit/record.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { ProvisionedPrincipal } from '../ports/provisioning.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { scimActor, type ScimClient } from './scim-client.ts';
import { directoryAttributesOf } from './scim-user-state.ts';

export async function provisionUser(
  deps: { uow: UnitOfWork<'principals' | 'provisioning' | 'audit' | 'feed'>; clock: Clock; ids: Ids },
  client: ScimClient,
  input: ScimUserState,
): Promise<ProvisionedPrincipal> {
  const attributes = directoryAttributesOf(input);
  const now = deps.clock.now();
  const user: Principal = {
    tenantId: client.tenantId,
    id: deps.ids.uuid(),
    type: 'user',
    displayName: attributes.displayName,
    userPrincipalName: attributes.userPrincipalName,
    mail: attributes.mail,
    accountEnabled: input.active,
    isBreakGlass: false,
    isAssignableToRole: false,
    managerId: null,
    description: null,
    createdAt: now,
  };
  return deps.uow.run(async (tx) => {
    await tx.principals.insert(user);
    await tx.provisioning.update(user.tenantId, user.id, {
      externalId: attributes.externalId,
      givenName: attributes.givenName,
      familyName: attributes.familyName,
    });
    await tx.audit.append(
      auditRecord(user.tenantId, scimActor(client), client.correlationId, now, {
        activity: ACTIVITY.userAdded,
        category: 'UserManagement',
        operationType: 'Add',
        targets: [principalTarget(user)],
        details: { Source: 'SCIM', ...(attributes.externalId ? { ExternalId: attributes.externalId } : {}) },
      }),
    );
    await tx.feed.append(user.tenantId, 'principal.created', user.id, { type: 'user', principal: user });
    return (await tx.provisioning.get(user.tenantId, 'user', user.id))!;
  });
}
