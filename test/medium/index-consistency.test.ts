/**
 * Index consistency (issue 5): after any sequence of writes through the use cases — assignments and
 * eligibilities of directory, resource and group roles, activations (narrowed, group-derived),
 * deactivations, removals, static memberships, scope registrations, time passing and the timeline
 * running — the decision index kept current from the change feed answers exactly as one rebuilt
 * from the database: the same holdings for every principal, and the same decision for every
 * (principal, action, scope) asked. Seeded sequences, so a failure names its seed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { accessService, type AccessService } from '../../src/access/access-service.ts';
import { addGroupMember, removeGroupMember } from '../../src/app/directory/change-group-members.ts';
import { createGroup } from '../../src/app/directory/create-group.ts';
import { registerScope } from '../../src/app/scopes/register-scope.ts';
import { isDomainError } from '../../src/domain/errors.ts';
import { GROUP_ROLE, groupScope } from '../../src/domain/group-access.ts';
import type { Principal, RequestAction, ScheduleKind } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { accessFacts } from '../../src/store/access-facts.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { liveAccess, openHarness, type Harness } from '../support/harness.ts';
import { scheduleOf } from '../support/scenario.ts';

const SCOPES = ['/subscriptions/s1', '/subscriptions/s1/resourceGroups/rg1', '/subscriptions/s2', '/databases/pg'];
const ASKED_SCOPES = ['/', ...SCOPES, '/subscriptions/s1/resourceGroups/rg1/vms/v1', '/subscriptions/s3'];
const ACTIONS = ['openpim.directory/users/read', 'openpim.directory/roleAssignments/manage', 'openpim.resources/vms/read', 'openpim.resources/vms/write', 'openpim.directory/groups/members/update'];
const ROLES = [ROLE.securityReader, ROLE.globalReader, ROLE.reader, ROLE.contributor, ROLE.owner];
const SPANS = ['PT1H', 'PT2H', 'P1D', 'permanent'];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEQUENCES = { sqlite: 24, postgres: 6 } as const;
const STEPS = 40;

describe.each(TEST_DATABASES)('index consistency on $name', (database) => {
  let h: Harness | undefined;
  let live: AccessService | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it(`equals a rebuild from the database after random write sequences (${STEPS} steps each)`, async () => {
    for (let seed = 1; seed <= SEQUENCES[database.name as keyof typeof SEQUENCES]; seed++) {
      await h?.close();
      h = await openHarness(database);
      const harness = h;
      live = await liveAccess(harness);
      const rnd = mulberry32(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
      for (const id of SCOPES) await registerScope(harness.deps, harness.admin, { id });
      const users: Principal[] = [];
      for (const name of ['u1', 'u2', 'u3']) users.push(await harness.user(`${name}-${seed}@contoso.test`));
      const groups: Principal[] = [];
      for (const name of ['g1', 'g2']) groups.push(await createGroup(harness.deps, harness.admin, { displayName: `${name}-${seed}`, description: null, mailNickname: null, isAssignableToRole: true }));
      const principals = [...users, ...groups];

      const step = async (): Promise<void> => {
        const r = rnd();
        const who = pick(principals);
        const user = pick(users);
        if (r < 0.1) return void harness.clock.advance(pick(['PT10M', 'PT1H', 'PT3H']));
        if (r < 0.15) return void (await harness.tick());
        if (r < 0.22) return addGroupMember(harness.deps, harness.admin, pick(groups).id, pick(principals).id);
        if (r < 0.27) return removeGroupMember(harness.deps, harness.admin, pick(groups).id, pick(principals).id);
        const groupAccess = r < 0.45;
        const role = groupAccess ? pick([GROUP_ROLE.member, GROUP_ROLE.member, GROUP_ROLE.owner]) : pick(ROLES);
        const scope = groupAccess ? groupScope(pick(groups).id) : role === ROLE.securityReader || role === ROLE.globalReader ? '/' : pick(SCOPES);
        if (r < 0.7) {
          const kind: ScheduleKind = rnd() < 0.5 ? 'eligibility' : 'assignment';
          const action: RequestAction = rnd() < 0.75 ? 'adminAssign' : 'adminRemove';
          await harness.submit(harness.admin, { kind, action, principalId: who.id, roleDefinitionId: role, directoryScopeId: scope, scheduleInfo: scheduleOf(harness, pick(SPANS)) });
          return;
        }
        const action: RequestAction = rnd() < 0.7 ? 'selfActivate' : 'selfDeactivate';
        await harness.submit(await harness.caller(user), { action, principalId: user.id, roleDefinitionId: role, directoryScopeId: scope, scheduleInfo: scheduleOf(harness, pick(['PT1H', 'PT2H'])) });
      };
      for (let i = 0; i < STEPS; i++) {
        try {
          await step();
        } catch (error) {
          if (!isDomainError(error)) throw new Error(`seed ${seed}, step ${i}: ${String(error)}`);
        }
      }

      const rebuilt = accessService(accessFacts(harness.store.db), harness.store.read);
      await rebuilt.start();
      const now = harness.clock.now();
      const sortReasons = <T extends { grantId: string; groupId: string | null }>(xs: readonly T[]) =>
        [...xs].sort((a, b) => `${a.grantId}|${a.groupId}`.localeCompare(`${b.grantId}|${b.groupId}`));
      for (const p of principals) {
        const a = sortReasons(await live.holdings(harness.tenantId, p.id, now));
        const b = sortReasons(await rebuilt.holdings(harness.tenantId, p.id, now));
        expect({ seed, principal: p.displayName, holdings: a }).toEqual({ seed, principal: p.displayName, holdings: b });
        for (const action of ACTIONS) {
          for (const scope of [...ASKED_SCOPES, ...groups.map((g) => groupScope(g.id))]) {
            const x = await live.check(harness.tenantId, p.id, action, scope, now);
            const y = await rebuilt.check(harness.tenantId, p.id, action, scope, now);
            expect({ seed, p: p.displayName, action, scope, allowed: x.allowed }).toEqual({ seed, p: p.displayName, action, scope, allowed: y.allowed });
          }
        }
      }
    }
  });
});
