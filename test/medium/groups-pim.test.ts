/**
 * PIM for Groups (decision 0007) as stories on a fake clock, on SQLite and PostgreSQL: activating
 * membership of a group grants what the group holds (memberType Group) until the membership's exact
 * end; nested groups cascade; role-assignable groups take no nested group; nesting cycles are
 * refused whichever way they would form; the last owner stays; owners manage their group (unless it
 * is role-assignable); each group has its own two policies. Access is asked of the real decision
 * engine and of the caller the API would build.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { AccessService } from '../../src/access/access-service.ts';
import { addGroupMember } from '../../src/app/directory/change-group-members.ts';
import { createGroup } from '../../src/app/directory/create-group.ts';
import { listSchedules } from '../../src/app/queries/schedules.ts';
import { updatePolicyRule } from '../../src/app/policies/update-policy-rule.ts';
import { GROUP_ROLE, groupScope } from '../../src/domain/group-access.ts';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { liveAccess, openHarness, type Harness } from '../support/harness.ts';
import { ALL, closeVerifiedAfterEach, failureOf, scheduleOf, type Span } from '../support/scenario.ts';

const READ_USERS = 'openpim.directory/users/read';
const MANAGE_MEMBERS = 'openpim.directory/groups/members/update';

describe.each(TEST_DATABASES)('PIM for Groups on $name', (database) => {
  let h: Harness;
  let access: AccessService;
  let bob: Principal;
  let carol: Principal;
  closeVerifiedAfterEach(() => h);

  beforeEach(async () => {
    h = await openHarness(database);
    access = await liveAccess(h);
    bob = await h.user('bob@contoso.test');
    carol = await h.user('carol@contoso.test');
  });

  const group = (name: string, isAssignableToRole = true) =>
    createGroup(h.deps, h.admin, { displayName: name, description: null, mailNickname: null, isAssignableToRole });
  const may = async (who: Principal, action = READ_USERS, scope = '/') => (await access.check(h.tenantId, who.id, action, scope, h.clock.now())).allowed;
  const grant = (who: Principal, role: string, scope: string, kind: 'assignment' | 'eligibility', span: Span = 'permanent') =>
    h.submit(h.admin, { kind, action: 'adminAssign', principalId: who.id, roleDefinitionId: role, directoryScopeId: scope, scheduleInfo: scheduleOf(h, span) });
  const activateMembership = async (who: Principal, g: Principal, span: Span) =>
    h.submit(await h.caller(who), {
      action: 'selfActivate',
      principalId: who.id,
      roleDefinitionId: GROUP_ROLE.member,
      directoryScopeId: groupScope(g.id),
      scheduleInfo: scheduleOf(h, span),
    });
  const rolesOf = async (who: Principal) => (await h.caller(who)).roles.map((r) => r.displayName);

  it('activating membership of a group grants its roles, exactly until the membership ends', async () => {
    const readers = await group('Security readers');
    await grant(readers, ROLE.securityReader, '/', 'assignment');
    await grant(bob, GROUP_ROLE.member, groupScope(readers.id), 'eligibility', 'P30D');
    expect(await may(bob)).toBe(false);
    expect(await rolesOf(bob)).toEqual([]);

    expect((await activateMembership(bob, readers, 'PT1H')).status).toBe('Provisioned');
    const decision = await access.check(h.tenantId, bob.id, READ_USERS, '/', h.clock.now());
    expect(decision.allowed).toBe(true);
    expect(decision.reasons[0]).toMatchObject({ via: 'group', groupId: readers.id, memberType: 'Group', endAt: h.clock.now() + 3_600_000 });
    expect(await rolesOf(bob)).toEqual(['Security Reader']);
    // His own view lists the group's role assignment, marked as coming through the group.
    const mine = await listSchedules(
      h.store.read,
      await h.caller(bob),
      { provider: 'directory', kind: 'assignment', view: 'instances', mine: true },
      ALL,
      h.clock.now(),
    );
    expect(mine.items.map((s) => [s.principalId, s.roleDefinitionId, s.memberType])).toEqual([[readers.id, ROLE.securityReader, 'Group']]);

    h.clock.advance(3_600_000 - 1);
    expect(await may(bob)).toBe(true);
    h.clock.advance(1); // the exact end, no timeline run
    expect(await may(bob)).toBe(false);
    expect(await rolesOf(bob)).toEqual([]);
  });

  it('nested groups cascade: membership of an inner group gives what an outer group holds (here, ownership of a team)', async () => {
    const inner = await group('On-call', false);
    const outer = await group('Operators', false);
    const team = await group('Team', false);
    await addGroupMember(h.deps, h.admin, outer.id, inner.id);
    await grant(outer, GROUP_ROLE.owner, groupScope(team.id), 'assignment');
    await grant(bob, GROUP_ROLE.member, groupScope(inner.id), 'eligibility');
    const manage = () => may(bob, MANAGE_MEMBERS, groupScope(team.id));
    expect(await manage()).toBe(false);
    await activateMembership(bob, inner, 'PT2H');
    const decision = await access.check(h.tenantId, bob.id, MANAGE_MEMBERS, groupScope(team.id), h.clock.now());
    expect(decision.reasons[0]).toMatchObject({ via: 'group', groupId: outer.id, groupPath: [inner.id, outer.id], memberType: 'Group' });
    // Deactivating the membership (after the 5-minute floor) takes it all away at once.
    h.clock.advance('PT5M');
    await h.submit(await h.caller(bob), {
      action: 'selfDeactivate',
      principalId: bob.id,
      roleDefinitionId: GROUP_ROLE.member,
      directoryScopeId: groupScope(inner.id),
    });
    expect(await manage()).toBe(false);
  });

  it('a role-assignable group takes no group as a member or owner, statically or by PIM, eligible or active', async () => {
    const admins = await group('Admins');
    for (const nested of [await group('Ordinary', false), await group('Also role-assignable')]) {
      const TABLE: [what: string, attempt: () => Promise<unknown>][] = [
        ['static member', () => addGroupMember(h.deps, h.admin, admins.id, nested.id)],
        ['eligible member', () => grant(nested, GROUP_ROLE.member, groupScope(admins.id), 'eligibility')],
        ['active member', () => grant(nested, GROUP_ROLE.member, groupScope(admins.id), 'assignment')],
        ['eligible owner', () => grant(nested, GROUP_ROLE.owner, groupScope(admins.id), 'eligibility')],
        ['active owner', () => grant(nested, GROUP_ROLE.owner, groupScope(admins.id), 'assignment')],
      ];
      for (const [what, attempt] of TABLE) {
        const failure = await failureOf(attempt());
        expect({ what, nested: nested.displayName, code: failure.code }).toEqual({ what, nested: nested.displayName, code: 'Request_BadRequest' });
        expect(failure.message).toContain('role-assignable');
      }
    }
    // People still may be, and a role-assignable group may still sit in an ordinary one.
    await addGroupMember(h.deps, h.admin, admins.id, bob.id);
    await addGroupMember(h.deps, h.admin, (await group('Everyone', false)).id, admins.id);
  });

  it('a member of a group eligible for a role may activate it for themselves (group-derived eligibility)', async () => {
    const admins = await group('Admins');
    await grant(admins, ROLE.securityReader, '/', 'eligibility', 'P30D');
    await addGroupMember(h.deps, h.admin, admins.id, bob.id);
    const mine = await listSchedules(
      h.store.read,
      await h.caller(bob),
      { provider: 'directory', kind: 'eligibility', view: 'instances', mine: true },
      ALL,
      h.clock.now(),
    );
    expect(mine.items.map((s) => [s.principalId, s.memberType])).toEqual([[admins.id, 'Group']]);
    const activation = await h.submit(await h.caller(bob), {
      action: 'selfActivate',
      principalId: bob.id,
      roleDefinitionId: ROLE.securityReader,
      scheduleInfo: scheduleOf(h, 'PT1H'),
    });
    expect(activation.status).toBe('Provisioned');
    expect(await may(bob)).toBe(true);
    expect(
      (await failureOf(h.submit(await h.caller(carol), { action: 'selfActivate', principalId: carol.id, roleDefinitionId: ROLE.securityReader }))).code,
    ).toBe('RoleAssignmentDoesNotExist');
  });

  it('refuses nesting cycles, static or by PIM, eligible or active', async () => {
    const a = await group('A', false);
    const b = await group('B', false);
    await addGroupMember(h.deps, h.admin, b.id, a.id); // A is in B
    const TABLE: [what: string, attempt: () => Promise<unknown>, outcome: string][] = [
      ['B eligible member of A', () => grant(b, GROUP_ROLE.member, groupScope(a.id), 'eligibility'), 'Request_BadRequest'],
      ['B active member of A', () => grant(b, GROUP_ROLE.member, groupScope(a.id), 'assignment'), 'Request_BadRequest'],
      ['A member of itself', () => grant(a, GROUP_ROLE.member, groupScope(a.id), 'assignment'), 'Request_BadRequest'],
      ['A owner of B is not nesting', () => grant(a, GROUP_ROLE.owner, groupScope(b.id), 'assignment'), 'ok'],
    ];
    for (const [what, attempt, outcome] of TABLE) {
      const result = await attempt().then(
        () => 'ok',
        (e: { code: string }) => e.code,
      );
      expect({ what, result }).toEqual({ what, result: outcome });
    }
    // A PIM membership (even a future one) counts when a static one is added later.
    const c = await group('C', false);
    await grant(c, GROUP_ROLE.member, groupScope(b.id), 'eligibility'); // C eligible in B: not yet a member
    await h.submit(h.admin, {
      kind: 'assignment',
      action: 'adminAssign',
      principalId: c.id,
      roleDefinitionId: GROUP_ROLE.member,
      directoryScopeId: groupScope(b.id),
      scheduleInfo: scheduleOf(h, 'P1D', 'P1D'),
    });
    expect((await failureOf(addGroupMember(h.deps, h.admin, c.id, b.id))).code).toBe('Request_BadRequest');
  });

  it('keeps the last owner of a group', async () => {
    const team = await group('Team', false);
    await grant(bob, GROUP_ROLE.owner, groupScope(team.id), 'assignment');
    const remove = (who: Principal) =>
      h.submit(h.admin, { action: 'adminRemove', principalId: who.id, roleDefinitionId: GROUP_ROLE.owner, directoryScopeId: groupScope(team.id) }).then(
        (r) => r.status,
        (e: { code: string }) => e.code,
      );
    h.clock.advance('PT5M');
    expect(await remove(bob)).toBe('LastGroupOwner');
    await grant(carol, GROUP_ROLE.owner, groupScope(team.id), 'assignment', 'PT1H');
    expect(await remove(bob)).toBe('Revoked');
    h.clock.advance('PT5M');
    expect(await remove(carol)).toBe('LastGroupOwner');
  });

  it("owners manage their group's access, except for role-assignable groups", async () => {
    const team = await group('Team', false);
    const privileged = await group('Privileged', true);
    await grant(bob, GROUP_ROLE.owner, groupScope(team.id), 'assignment');
    await grant(bob, GROUP_ROLE.owner, groupScope(privileged.id), 'assignment');
    const bobNow = await h.caller(bob);
    const by = (g: Principal, role: string) =>
      h
        .submit(bobNow, {
          kind: 'eligibility',
          action: 'adminAssign',
          principalId: carol.id,
          roleDefinitionId: role,
          directoryScopeId: groupScope(g.id),
          scheduleInfo: scheduleOf(h, 'P30D'),
        })
        .then(
          (r) => r.status,
          (e: { code: string }) => e.code,
        );
    expect(await by(team, GROUP_ROLE.member)).toBe('Provisioned');
    expect(await by(team, GROUP_ROLE.owner)).toBe('Provisioned');
    expect(await by(privileged, GROUP_ROLE.member)).toBe('Authorization_RequestDenied');
    expect(
      (
        await failureOf(
          h.submit(bobNow, { kind: 'eligibility', action: 'adminAssign', principalId: carol.id, roleDefinitionId: ROLE.reader, directoryScopeId: '/' }),
        )
      ).code,
    ).toBe('Request_BadRequest');
    expect(
      (
        await failureOf(
          h.submit(bobNow, { kind: 'eligibility', action: 'adminAssign', principalId: carol.id, roleDefinitionId: ROLE.securityReader, directoryScopeId: '/' }),
        )
      ).code,
    ).toBe('Authorization_RequestDenied');
  });

  it('each group has its own member and owner policies, resolved before the tenant defaults', async () => {
    const strict = await group('Strict');
    const relaxed = await group('Relaxed');
    const policies = await Promise.all([strict, relaxed].map((g) => h.store.read.policies.forRoleAt(h.tenantId, GROUP_ROLE.member, groupScope(g.id))));
    expect(policies.map((p) => p?.scopeType)).toEqual(['Group', 'Group']);
    expect(await h.store.read.policies.forRoleAt(h.tenantId, GROUP_ROLE.owner, groupScope(strict.id))).not.toBeNull();
    await updatePolicyRule(h.deps, h.admin, policies[0]!.id, 'Expiration_EndUser_Assignment', (r) => ({ ...r, maximumDuration: 'PT1H' }) as typeof r);
    await grant(bob, GROUP_ROLE.member, groupScope(strict.id), 'eligibility');
    await grant(bob, GROUP_ROLE.member, groupScope(relaxed.id), 'eligibility');
    expect((await failureOf(activateMembership(bob, strict, 'PT2H'))).code).toBe('RoleAssignmentRequestPolicyValidationFailed');
    expect((await activateMembership(bob, relaxed, 'PT2H')).status).toBe('Provisioned');
    // A user is not a scope for group roles, and a group role needs a group scope.
    expect((await failureOf(grant(carol, GROUP_ROLE.member, groupScope(bob.id), 'eligibility'))).code).toBe('Request_BadRequest');
    expect((await failureOf(grant(carol, GROUP_ROLE.member, '/', 'eligibility'))).code).toBe('Request_BadRequest');
  });
});
