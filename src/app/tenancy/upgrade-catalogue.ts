/**
 * A database made by an earlier version gets what later versions add to the built-in catalogue:
 * the tenant default role settings (policies/organization-default.ts), missing built-in roles (with
 * their policy at `/`), and each group's two PIM for Groups policies.
 * Idempotent; runs at every start inside the bootstrap transaction, and does nothing once current.
 * A new built-in whose name a custom role already has is left out — audited, so an administrator
 * can rename the custom role and restart — rather than failing the start or renaming what the
 * tenant made.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { SYSTEM_ACTOR } from '../../domain/audit/event.ts';
import { builtInRoles } from '../../domain/roles/catalogue.ts';
import type { Instant } from '../../domain/time.ts';
import { auditRecord, roleTarget } from '../audit/record.ts';
import type { Ids } from '../ports/clock.ts';
import type { ReadRepositories, Repositories } from '../ports/repositories.ts';
import { ensureGroupPolicies, newRolePolicy } from '../policies/new-policy.ts';
import { ensureOrganizationDefault } from '../policies/organization-default.ts';

const ALL = { orderBy: [], top: 1_000_000, skip: 0, count: false } as const;

/** What adding the catalogue's new roles touches: the roles and their policies, and the groups it reads. */
export type CatalogueRepositories = Pick<Repositories, 'roles' | 'policies' | 'audit' | 'feed'> & ReadRepositories<'principals' | 'scopes'>;

export async function upgradeCatalogue(tx: CatalogueRepositories, tenantId: string, ids: Ids, now: Instant): Promise<void> {
  await ensureOrganizationDefault(tx, tenantId, ids, now);
  const builtIns = builtInRoles(tenantId);
  const present = new Set(
    (
      await tx.roles.getMany(
        tenantId,
        builtIns.map((r) => r.id),
      )
    ).map((r) => r.id),
  );
  const missing = builtIns.filter((r) => !present.has(r.id));
  if (missing.length === 0) return;
  const taken = new Set((await tx.roles.list(tenantId, ALL)).items.map((r) => r.displayName));
  const correlationId = ids.uuid();
  const added = missing.filter((r) => !taken.has(r.displayName));
  for (const role of missing.filter((r) => taken.has(r.displayName))) {
    await tx.audit.append(
      auditRecord(tenantId, SYSTEM_ACTOR, correlationId, now, {
        activity: ACTIVITY.roleDefinitionAdded,
        operationType: 'Add',
        targets: [roleTarget(role)],
        result: 'failure',
        resultReason: `A custom role is named '${role.displayName}': rename it and restart to add the built-in role.`,
        details: { Reason: 'Built-in role not added by an upgrade: its name is taken' },
      }),
    );
  }
  for (const role of added) {
    await tx.roles.insert(role);
    await tx.policies.insert(newRolePolicy(role, ids.uuid()));
    await tx.audit.append(
      auditRecord(tenantId, SYSTEM_ACTOR, correlationId, now, {
        activity: ACTIVITY.roleDefinitionAdded,
        operationType: 'Add',
        targets: [roleTarget(role)],
        details: { Reason: 'Built-in role added by an upgrade' },
      }),
    );
    await tx.feed.append(tenantId, 'role.created', role.id, { role });
  }
  if (added.length === 0) return;
  for (const group of (await tx.principals.list(tenantId, 'group', ALL)).items) await ensureGroupPolicies(tx, tenantId, group.id, ids.uuid);
}
