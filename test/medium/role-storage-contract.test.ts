/**
 * The storage contract of changing and deleting role definitions (src/app/ports/repositories.ts:
 * `roles.update`, `roles.delete`, `roles.usage`, `policies.deleteForRole`,
 * `schedules.deleteClosedOfRole`), the same on SQLite and PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newRolePolicy } from '../../src/app/policies/new-policy.ts';
import type { Repositories } from '../../src/app/ports/repositories.ts';
import { DomainError } from '../../src/domain/errors.ts';
import type { Principal, RoleDefinition } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { aRequest, aSchedule, T0 } from '../support/storage-fixtures.ts';

const aRole = (tenantId: string, fields: Partial<RoleDefinition> = {}): RoleDefinition => {
  const id = fields.id ?? randomUUID();
  return {
    tenantId,
    id,
    templateId: id,
    displayName: `Role ${id.slice(0, 8)}`,
    description: 'd',
    isBuiltIn: false,
    isEnabled: true,
    isPrivileged: false,
    kind: 'directory',
    allowedActions: ['contoso.app/things/read'],
    excludedActions: [],
    version: '1',
    ...fields,
  };
};

describe.each(TEST_DATABASES)('role definition storage on $name', (db) => {
  let h: Harness;
  let alice: Principal;
  let role: RoleDefinition;
  const run = <T>(work: (tx: Repositories) => Promise<T>) => h.store.run(work);
  const read = () => h.store.read;

  beforeEach(async () => {
    h = await openHarness(db);
    alice = await h.user('alice@contoso.test');
    role = aRole(h.tenantId);
    await run(async (tx) => {
      await tx.roles.insert(role);
      await tx.policies.insert(newRolePolicy(role, randomUUID()));
    });
  });
  afterEach(async () => h?.close());

  it('update replaces the mutable fields, round-trips them, and leaves the rest', async () => {
    const changed: RoleDefinition = {
      ...role,
      displayName: 'Renamed',
      description: 'Line one\nline two',
      isEnabled: false,
      allowedActions: ['a.b/*', 'c.d/e/f'],
      excludedActions: ['a.b/x'],
      version: '2',
    };
    await run((tx) => tx.roles.update({ ...changed, isBuiltIn: true, kind: 'resource', templateId: 'other' }));
    expect(await read().roles.get(h.tenantId, role.id)).toEqual(changed);
  });

  it('update to a display name another role has → ObjectConflict, and nothing changes', async () => {
    const error = await run((tx) => tx.roles.update({ ...role, displayName: 'Global Administrator' })).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('ObjectConflict');
    expect(await read().roles.get(h.tenantId, role.id)).toEqual(role);
  });

  it('usage counts open schedules (eligible or active, any scope or principal, future ones too) and pending requests only', async () => {
    expect(await read().roles.usage(h.tenantId, role.id)).toEqual({ openSchedules: 0, pendingRequests: 0 });
    await run(async (tx) => {
      await tx.schedules.insert(aSchedule(h.tenantId, alice.id, { roleDefinitionId: role.id }));
      await tx.schedules.insert(
        aSchedule(h.tenantId, alice.id, {
          roleDefinitionId: role.id,
          kind: 'eligibility',
          assignmentType: null,
          directoryScopeId: '/administrativeUnits/x',
          startAt: T0 + 86_400_000,
        }),
      );
      await tx.schedules.insert(aSchedule(h.tenantId, h.admin.principal.id, { roleDefinitionId: role.id, closed: true, closeReason: 'removed', closedAt: T0 }));
      await tx.schedules.insert(aSchedule(h.tenantId, alice.id, { roleDefinitionId: ROLE.userAdministrator }));
      await tx.requests.insert(aRequest(h.tenantId, alice.id, { roleDefinitionId: role.id, status: 'PendingApproval', completedAt: null }));
      await tx.requests.insert(aRequest(h.tenantId, h.admin.principal.id, { roleDefinitionId: role.id, status: 'Denied' }));
      await tx.requests.insert(
        aRequest(h.tenantId, h.admin.principal.id, { roleDefinitionId: ROLE.userAdministrator, status: 'PendingApproval', completedAt: null }),
      );
    });
    expect(await read().roles.usage(h.tenantId, role.id)).toEqual({ openSchedules: 2, pendingRequests: 1 });
    expect(await read().roles.usage(h.tenantId, randomUUID())).toEqual({ openSchedules: 0, pendingRequests: 0 });
  });

  it('a role goes after its policies (every scope, with their rules) and its closed schedules; other roles keep theirs', async () => {
    const other = aRole(h.tenantId);
    await run(async (tx) => {
      await tx.roles.insert(other);
      await tx.policies.insert(newRolePolicy(other, randomUUID()));
      await tx.policies.insert({ ...newRolePolicy(role, randomUUID()), scopeId: '/administrativeUnits/x' });
      await tx.schedules.insert(aSchedule(h.tenantId, alice.id, { roleDefinitionId: role.id, closed: true, closeReason: 'expired', closedAt: T0 }));
      await tx.schedules.insert(aSchedule(h.tenantId, h.admin.principal.id, { roleDefinitionId: role.id, closed: true, closeReason: 'removed', closedAt: T0 }));
      await tx.schedules.insert(aSchedule(h.tenantId, alice.id, { roleDefinitionId: other.id, closed: true, closeReason: 'removed', closedAt: T0 }));
    });
    // The database refuses while anything refers to the role.
    await expect(run((tx) => tx.roles.delete(h.tenantId, role.id))).rejects.toThrow();
    expect(await read().roles.get(h.tenantId, role.id)).toEqual(role);

    const counts = await run(async (tx) => {
      const policies = await tx.policies.deleteForRole(h.tenantId, role.id);
      const schedules = await tx.schedules.deleteClosedOfRole(h.tenantId, role.id);
      await tx.roles.delete(h.tenantId, role.id);
      return { policies, schedules };
    });
    expect(counts).toEqual({ policies: 2, schedules: 2 });
    expect(await read().roles.get(h.tenantId, role.id)).toBeNull();
    expect(await read().policies.forRoleAt(h.tenantId, role.id, '/')).toBeNull();
    const rules = await h.store.db.selectFrom('policy_rules').select('policy_id').execute();
    const policyIds = new Set((await h.store.db.selectFrom('policies').select('id').execute()).map((p) => p.id));
    expect(rules.every((r) => policyIds.has(r.policy_id))).toBe(true);
    expect((await read().policies.forRoleAt(h.tenantId, other.id, '/'))?.rules).toBeDefined();
    expect(await h.store.db.selectFrom('schedules').select('role_definition_id').where('role_definition_id', 'in', [role.id, other.id]).execute()).toEqual([
      { role_definition_id: other.id },
    ]);
  });

  it('deleteClosedOfRole leaves open schedules, and the role cannot go while one is open', async () => {
    const open = aSchedule(h.tenantId, alice.id, { roleDefinitionId: role.id });
    await run((tx) => tx.schedules.insert(open));
    expect(await run((tx) => tx.schedules.deleteClosedOfRole(h.tenantId, role.id))).toBe(0);
    await run((tx) => tx.policies.deleteForRole(h.tenantId, role.id));
    await expect(run((tx) => tx.roles.delete(h.tenantId, role.id))).rejects.toThrow();
    expect(await read().schedules.get(h.tenantId, open.id)).toEqual(open);
  });
});
