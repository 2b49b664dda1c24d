/**
 * First start on an empty database: the tenant, its root scope, the built-in roles with their
 * policies, and one bootstrap user holding permanent active Global Administrator, marked
 * break-glass — so there is always someone who can manage the tenant (docs/guide.md, "Rules that
 * always hold" and "Break-glass accounts").
 */
import { ACTIVITY, requestActivity } from '../../domain/audit/activities.ts';
import { SYSTEM_ACTOR } from '../../domain/audit/event.ts';
import type { Principal, Schedule, ScheduleRequest } from '../../domain/model.ts';
import { builtInRoles, ROLE } from '../../domain/roles/catalogue.ts';
import { auditRecord, principalTarget, requestTarget, roleTarget } from '../audit/record.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { Tenant, UnitOfWork } from '../ports/repositories.ts';
import { newRolePolicy } from '../policies/new-policy.ts';
import { newOrganizationDefault } from '../policies/organization-default.ts';
import { upgradeCatalogue, type CatalogueRepositories } from './upgrade-catalogue.ts';

export interface BootstrapResult {
  readonly tenant: Tenant;
  readonly admin: Principal;
  /** False when the database already had a tenant (nothing was changed). */
  readonly created: boolean;
}

export async function bootstrapTenant(
  deps: { uow: UnitOfWork<keyof CatalogueRepositories | 'tenants' | 'scopes' | 'requests' | 'schedules'>; clock: Clock; ids: Ids },
  input: { tenantName: string; adminUpn: string; adminDisplayName?: string },
): Promise<BootstrapResult | null> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const existing = await tx.tenants.first();
    if (existing) {
      await upgradeCatalogue(tx, existing.id, deps.ids, now);
      const admin = await tx.principals.getByUpn(existing.id, input.adminUpn);
      return admin ? { tenant: existing, admin, created: false } : null;
    }
    const tenant: Tenant = { id: deps.ids.uuid(), displayName: input.tenantName, createdAt: now };
    await tx.tenants.insert(tenant);
    await tx.scopes.insert({ tenantId: tenant.id, id: '/', type: 'tenant', displayName: input.tenantName, parentId: null });
    await tx.policies.insert(newOrganizationDefault(tenant.id, deps.ids.uuid()));
    for (const role of builtInRoles(tenant.id)) {
      await tx.roles.insert(role);
      await tx.policies.insert(newRolePolicy(role, deps.ids.uuid()));
    }
    const admin: Principal = {
      tenantId: tenant.id,
      id: deps.ids.uuid(),
      type: 'user',
      displayName: input.adminDisplayName ?? 'Bootstrap Administrator',
      userPrincipalName: input.adminUpn,
      mail: input.adminUpn,
      accountEnabled: true,
      isBreakGlass: true,
      isAssignableToRole: false,
      managerId: null,
      description: 'Break-glass account created at first start.',
      createdAt: now,
    };
    await tx.principals.insert(admin);
    const request: ScheduleRequest = {
      tenantId: tenant.id,
      kind: 'assignment',
      principalId: admin.id,
      roleDefinitionId: ROLE.globalAdministrator,
      directoryScopeId: '/',
      id: deps.ids.uuid(),
      action: 'adminAssign',
      status: 'Provisioned',
      justification: 'Bootstrap administrator',
      ticketInfo: { ticketNumber: null, ticketSystem: null },
      scheduleInfo: { startDateTime: now, expiration: { type: 'noExpiration' } },
      isValidationOnly: false,
      targetScheduleId: null,
      approvalId: null,
      createdById: SYSTEM_ACTOR.id,
      createdAt: now,
      completedAt: now,
      expiresAt: null,
    };
    const schedule: Schedule = {
      tenantId: tenant.id,
      kind: 'assignment',
      principalId: admin.id,
      roleDefinitionId: ROLE.globalAdministrator,
      directoryScopeId: '/',
      id: deps.ids.uuid(),
      assignmentType: 'Assigned',
      memberType: 'Direct',
      startAt: now,
      endAt: null,
      closed: false,
      closeReason: null,
      closedAt: null,
      createdUsing: request.id,
      sourceScheduleId: null,
      createdAt: now,
      modifiedAt: now,
    };
    await tx.requests.insert({ ...request, targetScheduleId: schedule.id });
    await tx.schedules.insert(schedule);
    const correlationId = deps.ids.uuid();
    await tx.audit.append(
      auditRecord(tenant.id, SYSTEM_ACTOR, correlationId, now, {
        activity: ACTIVITY.tenantCreated,
        category: 'Other',
        operationType: 'Add',
        targets: [{ id: tenant.id, displayName: tenant.displayName, type: 'Other' }],
      }),
    );
    await tx.audit.append(
      auditRecord(tenant.id, SYSTEM_ACTOR, correlationId, now, {
        activity: ACTIVITY.userAdded,
        category: 'UserManagement',
        operationType: 'Add',
        targets: [principalTarget(admin)],
        details: { BreakGlass: 'true' },
      }),
    );
    await tx.audit.append(
      auditRecord(tenant.id, SYSTEM_ACTOR, correlationId, now, {
        activity: requestActivity('assignment', 'adminAssign', true),
        operationType: 'Assign',
        targets: [roleTarget({ id: ROLE.globalAdministrator, displayName: 'Global Administrator' }), principalTarget(admin), requestTarget(request)],
        details: { RequestId: request.id, Justification: 'Bootstrap administrator', BreakGlass: 'true' },
      }),
    );
    await tx.feed.append(tenant.id, 'tenant.created', tenant.id, { adminId: admin.id });
    return { tenant, admin, created: true };
  });
}
