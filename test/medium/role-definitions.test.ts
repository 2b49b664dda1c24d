/**
 * Custom role definitions changed and deleted through the use cases (app/roles/update-role-definition.ts,
 * delete-role-definition.ts) on both databases: what a change does to the role's holders at once
 * (OpenPIM's own authorization and the live access index), what is refused (built-in roles, a taken
 * name, a role still granted or asked for), what a delete takes with it (policies at every scope,
 * ended schedules), and what is recorded (audit events with old and new values, `role.updated` and
 * `role.deleted` on the change feed).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { AccessService } from '../../src/access/access-service.ts';
import { createAdministrativeUnit } from '../../src/app/directory/create-administrative-unit.ts';
import { createScopedPolicy } from '../../src/app/policies/create-scoped-policy.ts';
import type { FeedEvent } from '../../src/app/ports/change-feed.ts';
import { cancelRequest } from '../../src/app/requests/cancel-request.ts';
import { createRoleDefinition } from '../../src/app/roles/create-role-definition.ts';
import { deleteRoleDefinition } from '../../src/app/roles/delete-role-definition.ts';
import { updateRoleDefinition } from '../../src/app/roles/update-role-definition.ts';
import type { Principal, RoleDefinition } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { liveAccess, openHarness, type Harness } from '../support/harness.ts';
import {
  activitiesSince,
  adminAssign,
  ALL,
  auditMark,
  closeVerifiedAfterEach,
  failureOf,
  requireApproval,
  rolesHeld,
  rowCounts,
  selfActivate,
} from '../support/scenario.ts';

const READ = 'contoso.app/things/read';
const WRITE = 'contoso.app/things/write';
const DELETE = 'contoso.app/things/delete';

describe.each(TEST_DATABASES)('custom role definitions changed and deleted on $name', (database) => {
  let h: Harness;
  let access: AccessService;
  let bob: Principal;
  let role: RoleDefinition;
  closeVerifiedAfterEach(() => h);

  beforeEach(async () => {
    h = await openHarness(database);
    access = await liveAccess(h);
    bob = await h.user('bob@contoso.test');
    role = await createRoleDefinition(h.deps, h.admin, {
      displayName: 'Things Reader',
      description: 'Reads things',
      isEnabled: true,
      allowedActions: [READ],
      excludedActions: [],
    });
  });

  const may = async (who: Principal, action: string, scope = '/') => (await access.check(h.tenantId, who.id, action, scope, h.clock.now())).allowed;
  const feed = async (topic: FeedEvent['topic']) => (await h.store.read.feedReader.after(0, 10_000)).filter((e) => e.topic === topic && e.entityId === role.id);
  const lastEvent = async () => (await h.store.read.audit.range((await auditMark(h)) - 1, 1))[0]!;
  const removeAssignment = (who: Principal, kind: 'assignment' | 'eligibility', scope = '/') =>
    h.submit(h.admin, { kind, action: 'adminRemove', principalId: who.id, roleDefinitionId: role.id, directoryScopeId: scope });

  it("a change applies to the role's holders at once, is audited with old and new values, and is on the feed", async () => {
    await adminAssign(h, 'assignment', bob, role.id);
    expect([await may(bob, READ), await may(bob, WRITE)]).toEqual([true, false]);

    const changed = await updateRoleDefinition(h.deps, h.admin, role.id, {
      displayName: 'Things Writer',
      permissions: { allowedActions: ['contoso.app/things/*'], excludedActions: [DELETE] },
    });
    expect(changed).toMatchObject({
      displayName: 'Things Writer',
      description: 'Reads things',
      allowedActions: ['contoso.app/things/*'],
      excludedActions: [DELETE],
      isBuiltIn: false,
    });
    expect(await h.store.read.roles.get(h.tenantId, role.id)).toEqual(changed);
    // The live index follows the feed: the new permissions, and the exclusion, decide the very next check.
    expect([await may(bob, READ), await may(bob, WRITE), await may(bob, DELETE)]).toEqual([true, true, false]);
    const event = await lastEvent();
    expect(event).toMatchObject({ activity: 'Update role definition', operationType: 'Update', initiatedBy: { id: h.admin.principal.id } });
    expect(event.targets[0]).toMatchObject({
      id: role.id,
      type: 'Role',
      displayName: 'Things Writer',
      modifiedProperties: [
        { displayName: 'DisplayName', oldValue: 'Things Reader', newValue: 'Things Writer' },
        {
          displayName: 'RolePermissions',
          oldValue: JSON.stringify({ allowedResourceActions: [READ], excludedResourceActions: [] }),
          newValue: JSON.stringify({ allowedResourceActions: ['contoso.app/things/*'], excludedResourceActions: [DELETE] }),
        },
      ],
    });
    expect((await feed('role.updated')).map((e) => e.topic === 'role.updated' && e.payload.role.displayName)).toEqual(['Things Writer']);

    // Disabled: neither OpenPIM's authorization nor the index counts it; enabled again, both do.
    await updateRoleDefinition(h.deps, h.admin, role.id, { isEnabled: false });
    expect(await may(bob, READ)).toBe(false);
    expect(await rolesHeld(h, bob)).not.toContain(role.id);
    expect((await lastEvent()).targets[0]!.modifiedProperties).toEqual([{ displayName: 'IsEnabled', oldValue: 'true', newValue: 'false' }]);
    await updateRoleDefinition(h.deps, h.admin, role.id, { isEnabled: true });
    expect(await may(bob, READ)).toBe(true);
    expect(await rolesHeld(h, bob)).toContain(role.id);

    // A change that changes nothing writes nothing.
    const before = await rowCounts(h);
    await updateRoleDefinition(h.deps, h.admin, role.id, { displayName: 'Things Writer', description: 'Reads things' });
    expect(await rowCounts(h)).toEqual(before);
  });

  it('a rename to a name another role has is ObjectConflict, and changes nothing', async () => {
    await createRoleDefinition(h.deps, h.admin, {
      displayName: 'Things Auditor',
      description: '',
      isEnabled: true,
      allowedActions: [READ],
      excludedActions: [],
    });
    const mark = await auditMark(h);
    expect(await failureOf(updateRoleDefinition(h.deps, h.admin, role.id, { displayName: 'Things Auditor' }))).toMatchObject({ code: 'ObjectConflict' });
    expect(await failureOf(updateRoleDefinition(h.deps, h.admin, role.id, { displayName: 'Global Administrator', description: 'mine now' }))).toMatchObject({
      code: 'ObjectConflict',
    });
    expect(await h.store.read.roles.get(h.tenantId, role.id)).toEqual(role);
    expect(await activitiesSince(h, mark)).toEqual([]);
    // Its own name, in another case, is a rename like any other.
    expect((await updateRoleDefinition(h.deps, h.admin, role.id, { displayName: 'things reader' })).displayName).toBe('things reader');
  });

  it('refuses built-in roles, unknown ids, callers without the right, and actions that are not valid', async () => {
    const mark = await auditMark(h);
    for (const builtIn of [ROLE.userAdministrator, ROLE.globalAdministrator, ROLE.reader]) {
      expect(await failureOf(updateRoleDefinition(h.deps, h.admin, builtIn, { description: 'x' }))).toMatchObject({
        code: 'Request_BadRequest',
        message: expect.stringContaining('built-in'),
      });
      expect(await failureOf(deleteRoleDefinition(h.deps, h.admin, builtIn))).toMatchObject({
        code: 'Request_BadRequest',
        message: expect.stringContaining('built-in'),
      });
    }
    for (const missing of ['member', 'owner', '00000000-0000-0000-0000-00000000dead']) {
      expect(await failureOf(updateRoleDefinition(h.deps, h.admin, missing, { description: 'x' }))).toMatchObject({ code: 'Request_ResourceNotFound' });
      expect(await failureOf(deleteRoleDefinition(h.deps, h.admin, missing))).toMatchObject({ code: 'Request_ResourceNotFound' });
    }
    const asBob = await h.caller(bob);
    expect(await failureOf(updateRoleDefinition(h.deps, asBob, role.id, { description: 'x' }))).toMatchObject({ code: 'Authorization_RequestDenied' });
    expect(await failureOf(deleteRoleDefinition(h.deps, asBob, role.id))).toMatchObject({ code: 'Authorization_RequestDenied' });
    // A Privileged Role Administrator may, as for create.
    await adminAssign(h, 'assignment', bob, ROLE.privilegedRoleAdministrator);
    expect((await updateRoleDefinition(h.deps, await h.caller(bob), role.id, { description: 'by Bob' })).description).toBe('by Bob');
    const afterBob = await auditMark(h);
    for (const permissions of [
      { allowedActions: [], excludedActions: [] },
      { allowedActions: [READ], excludedActions: ['not an action'] },
    ]) {
      expect(await failureOf(updateRoleDefinition(h.deps, h.admin, role.id, { permissions }))).toMatchObject({ code: 'Request_BadRequest' });
    }
    expect(await activitiesSince(h, afterBob)).toEqual([]);
    expect((await activitiesSince(h, mark)).filter((a) => a.endsWith('role definition'))).toEqual(['Update role definition']);
  });

  it('refuses to delete a role anyone is eligible for, assigned, or asking for, at any scope', async () => {
    const unit = await createAdministrativeUnit(h.deps, h.admin, { displayName: 'Paris' });
    const carol = await h.user('carol@contoso.test');
    await requireApproval(h, role.id);

    await adminAssign(h, 'assignment', bob, role.id);
    const active = await failureOf(deleteRoleDefinition(h.deps, h.admin, role.id));
    expect(active).toMatchObject({ code: 'RoleDefinitionHasAssignments', details: { openSchedules: 1, pendingRequests: 0 } });
    expect(active.message).toContain("'Things Reader' is in use");

    await h.submit(h.admin, {
      kind: 'eligibility',
      action: 'adminAssign',
      principalId: carol.id,
      roleDefinitionId: role.id,
      directoryScopeId: unit.id,
      scheduleInfo: { startDateTime: null, expiration: { type: 'noExpiration' } },
    });
    const pending = await h.submit(await h.caller(carol), {
      action: 'selfActivate',
      principalId: carol.id,
      roleDefinitionId: role.id,
      directoryScopeId: unit.id,
      scheduleInfo: { startDateTime: null, expiration: { type: 'afterDuration', duration: 'PT1H' } },
    });
    expect(pending.status).toBe('PendingApproval');
    expect((await failureOf(deleteRoleDefinition(h.deps, h.admin, role.id))).details).toEqual({ openSchedules: 2, pendingRequests: 1 });

    h.clock.advance('PT6M');
    await removeAssignment(bob, 'assignment');
    expect((await failureOf(deleteRoleDefinition(h.deps, h.admin, role.id))).details).toEqual({ openSchedules: 1, pendingRequests: 1 });
    await cancelRequest(h.deps, await h.caller(carol), 'assignment', pending.id);
    expect((await failureOf(deleteRoleDefinition(h.deps, h.admin, role.id))).details).toEqual({ openSchedules: 1, pendingRequests: 0 });
    // Granted for later is open too.
    await removeAssignment(carol, 'eligibility', unit.id);
    await adminAssign(h, 'eligibility', bob, role.id, 'permanent', 'P7D');
    expect((await failureOf(deleteRoleDefinition(h.deps, h.admin, role.id))).details).toEqual({ openSchedules: 1, pendingRequests: 0 });
    expect(await h.store.read.roles.get(h.tenantId, role.id)).toEqual(role);
  });

  it('deletes a role no longer in use with its policies at every scope and its ended schedules, in one transaction', async () => {
    const unit = await createAdministrativeUnit(h.deps, h.admin, { displayName: 'Lyon' });
    await createScopedPolicy(h.deps, h.admin, { roleDefinitionId: role.id, scopeId: unit.id });
    const policiesOf = async () =>
      (await h.store.read.policies.list(h.tenantId, ALL)).items.filter((p) => p.roleDefinitionId === role.id).map((p) => p.scopeId);
    expect((await policiesOf()).sort()).toEqual(['/', unit.id].sort());
    await adminAssign(h, 'eligibility', bob, role.id);
    await selfActivate(h, bob, role.id, 'PT1H');
    expect(await may(bob, READ)).toBe(true);
    h.clock.advance('PT6M');
    await removeAssignment(bob, 'eligibility'); // ends the activation made from it too
    expect(await may(bob, READ)).toBe(false);
    const ended = await h.store.db.selectFrom('schedules').select('id').where('role_definition_id', '=', role.id).execute();
    expect(ended).toHaveLength(2);

    const mark = await auditMark(h);
    const deleted = await deleteRoleDefinition(h.deps, h.admin, role.id);
    expect(deleted).toEqual(role);
    expect(await h.store.read.roles.get(h.tenantId, role.id)).toBeNull();
    expect(await policiesOf()).toEqual([]);
    expect(
      await h.store.db.selectFrom('policy_rules').select('rule_id').where('policy_id', 'not in', h.store.db.selectFrom('policies').select('id')).execute(),
    ).toEqual([]);
    expect(await h.store.db.selectFrom('schedules').select('id').where('role_definition_id', '=', role.id).execute()).toEqual([]);
    expect(await activitiesSince(h, mark)).toEqual(['Delete role definition']);
    expect(await lastEvent()).toMatchObject({
      operationType: 'Delete',
      targets: [{ id: role.id, displayName: 'Things Reader', type: 'Role' }],
      details: { PoliciesDeleted: '2', EndedSchedulesDeleted: '2' },
    });
    expect((await feed('role.deleted')).map((e) => e.topic === 'role.deleted' && e.payload.role)).toEqual([role]);
    // The requests stay, for the record; the role can no longer be granted, and its name is free again.
    expect((await h.store.read.requests.list(h.tenantId, 'assignment', [bob.id], ALL)).items.map((r) => r.roleDefinitionId)).toContain(role.id);
    expect(await failureOf(adminAssign(h, 'assignment', bob, role.id))).toMatchObject({ code: 'Request_BadRequest' });
    expect(await may(bob, READ)).toBe(false);
    await createRoleDefinition(h.deps, h.admin, {
      displayName: 'Things Reader',
      description: '',
      isEnabled: true,
      allowedActions: [WRITE],
      excludedActions: [],
    });
  });

  it('the index built afresh after a change agrees with the one that followed the feed', async () => {
    await adminAssign(h, 'assignment', bob, role.id);
    await updateRoleDefinition(h.deps, h.admin, role.id, { permissions: { allowedActions: [WRITE], excludedActions: [] } });
    const other = await createRoleDefinition(h.deps, h.admin, {
      displayName: 'Spare',
      description: '',
      isEnabled: true,
      allowedActions: [DELETE],
      excludedActions: [],
    });
    await deleteRoleDefinition(h.deps, h.admin, other.id);
    const fresh = await liveAccess(h);
    for (const action of [READ, WRITE, DELETE]) {
      const [followed, rebuilt] = [await may(bob, action), (await fresh.check(h.tenantId, bob.id, action, '/', h.clock.now())).allowed];
      expect(followed, action).toBe(rebuilt);
    }
    expect(await may(bob, WRITE)).toBe(true);
  });
});
