/**
 * Resource scopes (decision 0007) as stories on a fake clock, on SQLite and PostgreSQL: inheritance
 * down the tree (including an explicit parent), activation narrowed to a child scope, Owner / User
 * Access Administrator managing at their scope and below, and per-scope policy resolution (most
 * specific first). Access is asked of the real decision engine over the store.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { AccessService } from '../../src/access/access-service.ts';
import { createScopedPolicy } from '../../src/app/policies/create-scoped-policy.ts';
import { updatePolicyRule } from '../../src/app/policies/update-policy-rule.ts';
import { listSchedules } from '../../src/app/queries/schedules.ts';
import { registerScope } from '../../src/app/scopes/register-scope.ts';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { liveAccess, openHarness, type Harness } from '../support/harness.ts';
import { ALL, closeVerifiedAfterEach, failureOf, scheduleOf } from '../support/scenario.ts';

const MG = '/managementGroups/mg1';
const S1 = '/subscriptions/s1';
const RG1 = '/subscriptions/s1/resourceGroups/rg1';
const RG2 = '/subscriptions/s1/resourceGroups/rg2';
const VM1 = `${RG1}/virtualMachines/vm1`;
const S2 = '/subscriptions/s2';
const READ = 'openpim.resources/virtualMachines/read';
const WRITE = 'openpim.resources/virtualMachines/write';

describe.each(TEST_DATABASES)('resource scopes on $name', (database) => {
  let h: Harness;
  let access: AccessService;
  let bob: Principal;
  let carol: Principal;
  closeVerifiedAfterEach(() => h);

  beforeEach(async () => {
    h = await openHarness(database);
    access = await liveAccess(h);
    await registerScope(h.deps, h.admin, { id: MG, displayName: 'Management group 1' });
    await registerScope(h.deps, h.admin, { id: S1, parentId: MG });
    await registerScope(h.deps, h.admin, { id: RG1 });
    await registerScope(h.deps, h.admin, { id: S2 });
    bob = await h.user('bob@contoso.test');
    carol = await h.user('carol@contoso.test');
  });

  const may = async (who: Principal, action: string, scope: string) => (await access.check(h.tenantId, who.id, action, scope, h.clock.now())).allowed;
  const assign = (who: Principal, role: string, scope: string, kind: 'assignment' | 'eligibility' = 'assignment') =>
    h.submit(h.admin, {
      kind,
      action: 'adminAssign',
      principalId: who.id,
      roleDefinitionId: role,
      directoryScopeId: scope,
      scheduleInfo: scheduleOf(h, 'P30D'),
    });

  it('an assignment applies at its scope and every descendant, through an explicit parent too', async () => {
    await assign(bob, ROLE.reader, MG);
    const TABLE: [scope: string, allowed: boolean, inheritedFrom: string | null][] = [
      [MG, true, null],
      [S1, true, MG], // s1's registered parent is mg1
      [RG1, true, MG],
      [VM1, true, MG], // below the registered tree: the path rule, then s1's parent
      [RG2, true, MG], // unregistered, under s1
      [S2, false, null], // s2's parent is '/'
      ['/', false, null],
    ];
    for (const [scope, allowed, from] of TABLE) {
      const decision = await access.check(h.tenantId, bob.id, READ, scope, h.clock.now());
      expect({ scope, allowed: decision.allowed }).toEqual({ scope, allowed });
      if (allowed) expect(decision.reasons[0]).toMatchObject({ scopeId: from ?? scope, inherited: from !== null, memberType: from ? 'Inherited' : 'Direct' });
    }
    expect(await may(bob, WRITE, VM1)).toBe(false); // Reader reads only
    // Graph's instances at a scope show the inherited assignment, made above it.
    await assign(carol, ROLE.contributor, RG1);
    const at = (scope: string) =>
      listSchedules(
        h.store.read,
        h.admin,
        { provider: 'directory', kind: 'assignment', view: 'instances', mine: false },
        {
          ...ALL,
          filter: {
            op: 'and',
            left: { op: 'eq', field: 'directoryScopeId', value: scope },
            right: { op: 'ne', field: 'principalId', value: h.admin.principal.id },
          },
        },
        h.clock.now(),
      );
    const rows = async (scope: string) =>
      (await at(scope)).items.map((s) => [s.principalId === bob.id ? 'bob' : 'carol', s.directoryScopeId, s.memberType]).sort();
    expect(await rows(RG1)).toEqual([
      ['bob', MG, 'Inherited'],
      ['carol', RG1, 'Direct'],
    ]);
    expect(await rows(S1)).toEqual([['bob', MG, 'Inherited']]);
    expect(await rows(MG)).toEqual([['bob', MG, 'Direct']]);
    expect(await rows(S2)).toEqual([]);
  });

  it('an activation may narrow an eligibility held above to a child scope, and nowhere else', async () => {
    const eligibility = await assign(bob, ROLE.contributor, S1, 'eligibility');
    const bobNow = await h.caller(bob);
    const activation = await h.submit(bobNow, {
      action: 'selfActivate',
      principalId: bob.id,
      roleDefinitionId: ROLE.contributor,
      directoryScopeId: RG1,
      scheduleInfo: scheduleOf(h, 'PT2H'),
    });
    expect(activation.status).toBe('Provisioned');
    const schedule = await h.store.read.schedules.get(h.tenantId, activation.targetScheduleId!);
    expect(schedule).toMatchObject({ directoryScopeId: RG1, assignmentType: 'Activated', sourceScheduleId: eligibility.targetScheduleId });
    expect(await may(bob, WRITE, VM1)).toBe(true);
    expect(await may(bob, WRITE, RG2)).toBe(false);
    expect(await may(bob, WRITE, S1)).toBe(false);
    // Nowhere outside the eligibility's subtree, and not twice at the same scope.
    expect(
      (await failureOf(h.submit(bobNow, { action: 'selfActivate', principalId: bob.id, roleDefinitionId: ROLE.contributor, directoryScopeId: S2 }))).code,
    ).toBe('RoleAssignmentDoesNotExist');
    expect(
      (await failureOf(h.submit(bobNow, { action: 'selfActivate', principalId: bob.id, roleDefinitionId: ROLE.contributor, directoryScopeId: RG1 }))).code,
    ).toBe('RoleAssignmentExists');
    // The exact end: denied with no timeline run.
    h.clock.advance('PT2H');
    expect(await may(bob, WRITE, VM1)).toBe(false);
    // Removing the eligibility ends what was narrowed from it.
    const again = await h.submit(bobNow, {
      action: 'selfActivate',
      principalId: bob.id,
      roleDefinitionId: ROLE.contributor,
      directoryScopeId: RG1,
      scheduleInfo: scheduleOf(h, 'PT1H'),
    });
    expect(again.status).toBe('Provisioned');
    h.clock.advance('PT5M');
    await h.submit(h.admin, { kind: 'eligibility', action: 'adminRemove', principalId: bob.id, roleDefinitionId: ROLE.contributor, directoryScopeId: S1 });
    expect(await may(bob, WRITE, VM1)).toBe(false);
    expect((await h.store.read.schedules.get(h.tenantId, again.targetScheduleId!))?.closeReason).toBe('sourceEnded');
  });

  it('resource roles go to resource scopes only; directory roles not to resource scopes', async () => {
    const TABLE: [role: string, scope: string, outcome: string][] = [
      [ROLE.reader, '/', 'Request_BadRequest'],
      [ROLE.reader, '/databases/unregistered', 'Request_BadRequest'],
      [ROLE.reader, '/subscriptions/s1/', 'Request_BadRequest'],
      [ROLE.reader, `${S1}/../s2`, 'Request_BadRequest'],
      [ROLE.reader, RG2, 'Provisioned'], // unregistered, below a registered scope
      [ROLE.securityReader, S1, 'Request_BadRequest'],
      [ROLE.securityReader, '/', 'Provisioned'],
    ];
    for (const [role, scope, outcome] of TABLE) {
      const result = await assign(bob, role, scope).then(
        (r) => r.status,
        (e: { code: string }) => e.code,
      );
      expect({ role, scope, result }).toEqual({ role, scope, result: outcome });
    }
  });

  it('Owner and User Access Administrator manage assignments at their scope and below only', async () => {
    await assign(carol, ROLE.userAccessAdministrator, S1);
    const carolNow = await h.caller(carol);
    const by = (role: string, scope: string) =>
      h
        .submit(carolNow, {
          kind: 'assignment',
          action: 'adminAssign',
          principalId: bob.id,
          roleDefinitionId: role,
          directoryScopeId: scope,
          scheduleInfo: scheduleOf(h, 'P1D'),
        })
        .then(
          (r) => r.status,
          (e: { code: string }) => e.code,
        );
    const TABLE: [role: string, scope: string, outcome: string][] = [
      [ROLE.reader, RG1, 'Provisioned'],
      [ROLE.contributor, S1, 'Provisioned'],
      [ROLE.reader, S2, 'Authorization_RequestDenied'],
      [ROLE.reader, MG, 'Authorization_RequestDenied'], // above her scope
      [ROLE.securityReader, '/', 'Authorization_RequestDenied'], // a directory role
    ];
    for (const [role, scope, outcome] of TABLE) expect({ role, scope, result: await by(role, scope) }).toEqual({ role, scope, result: outcome });
    // Above a subscription through its registered parent: an Owner of mg1 manages in s1 too.
    const dave = await h.user('dave@contoso.test');
    await assign(dave, ROLE.owner, MG);
    const daveNow = await h.caller(dave);
    expect(
      (
        await h.submit(daveNow, {
          action: 'adminAssign',
          principalId: bob.id,
          roleDefinitionId: ROLE.reader,
          directoryScopeId: VM1,
          scheduleInfo: scheduleOf(h, 'P1D'),
        })
      ).status,
    ).toBe('Provisioned');
    // Contributor may not assign (roleAssignments are excluded from it).
    await assign(carol, ROLE.contributor, S2);
    const carolAgain = await h.caller(carol);
    expect(
      (
        await failureOf(
          h.submit(carolAgain, {
            action: 'adminAssign',
            principalId: bob.id,
            roleDefinitionId: ROLE.reader,
            directoryScopeId: S2,
            scheduleInfo: scheduleOf(h, 'P1D'),
          }),
        )
      ).code,
    ).toBe('Authorization_RequestDenied');
  });

  it('policies resolve most specific first: the scope, its ancestors (explicit parent too), then the role at /', async () => {
    await assign(bob, ROLE.contributor, MG, 'eligibility');
    const at = async (scope: string) => (await createScopedPolicy(h.deps, h.admin, { roleDefinitionId: ROLE.contributor, scopeId: scope })).id;
    const maximum = (policyId: string, duration: string) =>
      updatePolicyRule(h.deps, h.admin, policyId, 'Expiration_EndUser_Assignment', (r) => ({ ...r, maximumDuration: duration }) as typeof r);
    await maximum(await at(MG), 'PT4H');
    await maximum(await at(S1), 'PT1H');
    const bobNow = await h.caller(bob);
    const activate = (scope: string, duration: string) =>
      h
        .submit(bobNow, {
          action: 'selfActivate',
          principalId: bob.id,
          roleDefinitionId: ROLE.contributor,
          directoryScopeId: scope,
          scheduleInfo: scheduleOf(h, duration),
          isValidationOnly: true,
        })
        .then(
          (r) => r.status,
          (e: { code: string; details: Record<string, unknown> }) => `${e.code}`,
        );
    const TABLE: [scope: string, duration: string, outcome: string][] = [
      [RG1, 'PT1H', 'Provisioned'], // rg1 → s1's policy (PT1H)
      [RG1, 'PT2H', 'RoleAssignmentRequestPolicyValidationFailed'],
      [S1, 'PT2H', 'RoleAssignmentRequestPolicyValidationFailed'],
      [MG, 'PT4H', 'Provisioned'], // mg1's own (PT4H)
      [MG, 'PT5H', 'RoleAssignmentRequestPolicyValidationFailed'],
    ];
    for (const [scope, duration, outcome] of TABLE)
      expect({ scope, duration, result: await activate(scope, duration) }).toEqual({ scope, duration, result: outcome });
    // A second policy for the same role and scope is a conflict; a group role has no scoped policies this way.
    expect((await failureOf(at(S1))).code).toBe('ObjectConflict');
    expect((await failureOf(createScopedPolicy(h.deps, h.admin, { roleDefinitionId: 'member', scopeId: S1 }))).code).toBe('Request_BadRequest');
  });

  it('scope registration refuses bad paths, unknown parents and cycles', async () => {
    const TABLE: [id: string, parentId: string | null, outcome: string][] = [
      ['/', null, 'Request_BadRequest'],
      ['/subscriptions', null, 'Request_BadRequest'], // not pairs
      ['/groups/g1', null, 'Request_BadRequest'], // reserved
      ['/administrativeUnits/a1', null, 'Request_BadRequest'],
      ['/databases//pg', null, 'Request_BadRequest'],
      ['/databases/pg/', null, 'Request_BadRequest'],
      ['/databases/pg', '/databases/unknown', 'Request_BadRequest'],
      [MG, null, 'ObjectConflict'],
      ['/managementGroups/mg1/x/y', null, 'ok'],
    ];
    for (const [id, parentId, outcome] of TABLE) {
      const result = await registerScope(h.deps, h.admin, { id, parentId }).then(
        () => 'ok',
        (e: { code: string }) => e.code,
      );
      expect({ id, result }).toEqual({ id, result: outcome });
    }
    // A cycle: registering /top/t with a parent that sits below /top/t by the path rule.
    await registerScope(h.deps, h.admin, { id: '/top/t/mid/m' });
    expect((await failureOf(registerScope(h.deps, h.admin, { id: '/top/t', parentId: '/top/t/mid/m' }))).code).toBe('Request_BadRequest');
    expect((await failureOf(registerScope(h.deps, await h.caller(bob), { id: '/databases/pg' }))).code).toBe('Authorization_RequestDenied');
  });
});
