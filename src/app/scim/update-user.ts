/**
 * SCIM PUT and PATCH /Users/{id}: the route says how the next state follows from the current one
 * (a full replacement, or PATCH operations applied by domain/scim/patch.ts); this stores the
 * difference in one transaction. `active: false` deprovisions (deprovision.ts) — every time it is
 * sent, so a user disabled by other means still loses what it holds; `active: true` enables the
 * account again but restores no grant.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import type { ScimUserState } from '../../domain/scim/patch.ts';
import { auditRecord, principalTarget } from '../audit/record.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { ProvisionedPrincipal, ScimChanges } from '../ports/provisioning.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { deprovision } from './deprovision.ts';
import { scimContext, type ScimClient, type ScimRepositories } from './scim-client.ts';
import { directoryAttributesOf, userStateOf } from './scim-user-state.ts';

export async function updateScimUser(
  deps: { uow: UnitOfWork<keyof ScimRepositories>; clock: Clock; ids: Ids },
  client: ScimClient,
  userId: string,
  next: (current: ScimUserState) => ScimUserState,
): Promise<ProvisionedPrincipal> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const found = await tx.provisioning.get(client.tenantId, 'user', userId);
    if (!found) throw new DomainError('Request_ResourceNotFound', `No user has the id '${userId}'.`);
    const user = found.principal;
    const before = userStateOf(found);
    const after = next(before);
    const wanted = directoryAttributesOf(after);
    const old = directoryAttributesOf({ ...before, userName: before.userName || after.userName });
    const changes: Record<string, string | null> = {};
    for (const key of Object.keys(wanted) as (keyof ScimChanges)[]) if (wanted[key] !== old[key]) changes[key] = wanted[key];
    const ctx = scimContext(tx, deps.ids, client, now);

    if (Object.keys(changes).length > 0) {
      await tx.provisioning.update(user.tenantId, user.id, changes);
      await tx.audit.append(
        auditRecord(user.tenantId, ctx.actor, ctx.correlationId, now, {
          activity: ACTIVITY.userUpdated,
          category: 'UserManagement',
          operationType: 'Update',
          targets: [
            {
              ...principalTarget(user),
              modifiedProperties: Object.entries(changes).map(([name, value]) => ({
                displayName: name,
                oldValue: old[name as keyof ScimChanges],
                newValue: value,
              })),
            },
          ],
          details: { Source: 'SCIM' },
        }),
      );
      await tx.feed.append(user.tenantId, 'principal.updated', user.id, {
        changed: Object.keys(changes),
        principal: (await tx.principals.get(user.tenantId, user.id))!,
      });
    }

    if (!after.active) {
      await deprovision(ctx, user);
    } else if (!user.accountEnabled) {
      await tx.accounts.setAccountEnabled(user.tenantId, user.id, true);
      await tx.audit.append(
        auditRecord(user.tenantId, ctx.actor, ctx.correlationId, now, {
          activity: ACTIVITY.accountEnabled,
          category: 'UserManagement',
          operationType: 'Update',
          targets: [{ ...principalTarget(user), modifiedProperties: [{ displayName: 'AccountEnabled', oldValue: 'false', newValue: 'true' }] }],
          details: { Source: 'SCIM' },
        }),
      );
      await tx.feed.append(user.tenantId, 'principal.updated', user.id, {
        changed: ['accountEnabled'],
        principal: (await tx.principals.get(user.tenantId, user.id))!,
      });
    }
    return (await tx.provisioning.get(user.tenantId, 'user', user.id))!;
  });
}
