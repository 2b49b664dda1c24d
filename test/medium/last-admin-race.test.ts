/**
 * The last working Global Administrator under concurrency (docs/guide.md, "Rules that always hold";
 * decision 0014): with exactly two working holders, two changes that each remove one are fired at
 * the same time, by different paths — disabling an account, removing an assignment, removing a
 * group's last enabled member, SCIM deprovisioning. Exactly one succeeds, the other is refused with
 * `LastPrivilegedRoleHolder`, one working Global Administrator remains, and the loser left nothing
 * behind (no state change, no audit event). On PostgreSQL the two transactions are checked to have
 * overlapped.
 *
 * The changes are made by a time-bound Global Administrator, who may do all of them but is not a
 * working holder; the bootstrap admin's assignment is removed first.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { removeGroupMember } from '../../src/app/directory/change-group-members.ts';
import { updateAccount } from '../../src/app/identity/update-account.ts';
import { authenticateScim } from '../../src/app/scim/authenticate-scim.ts';
import { createScimToken } from '../../src/app/scim/create-scim-token.ts';
import { deleteScimUser } from '../../src/app/scim/delete-user.ts';
import type { ScimClient } from '../../src/app/scim/scim-client.ts';
import type { Caller } from '../../src/app/caller.ts';
import type { UnitOfWork } from '../../src/app/ports/repositories.ts';
import { submitRequest } from '../../src/app/requests/submit-request.ts';
import { ACTIVITY, requestActivity } from '../../src/domain/audit/activities.ts';
import { DomainError } from '../../src/domain/errors.ts';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { cryptoRandom } from '../../src/adapters/crypto-random.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { testIds } from '../support/fake-clock.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { workingHolders } from '../support/hardening.ts';
import { maxOpenTransactions } from '../support/race.ts';
import { adminAssign, auditMark, expectAuditChainIntact, groupWith } from '../support/scenario.ts';

const GA = ROLE.globalAdministrator;

interface People {
  readonly h: Harness;
  /** The harness's dependencies over a store whose transactions linger (see `lingering`). */
  readonly deps: { readonly uow: UnitOfWork; readonly clock: Harness['clock']; readonly ids: typeof testIds };
  /** The time-bound Global Administrator who makes the changes. */
  readonly d: Caller;
  readonly a: Principal;
  readonly b: Principal;
  /** A role-assignable group whose only member is `m`. */
  readonly g: Principal;
  readonly m: Principal;
  readonly scim: ScimClient;
}

/** One side of a race: the change, whether it shows in the state, and the audit event it writes (activity and target). */
interface Racer {
  run(p: People): Promise<unknown>;
  applied(p: People): Promise<boolean>;
  event(p: People): { readonly activity: string; readonly target: string };
}

const enabled = async (p: People, who: Principal) => (await p.h.store.read.principals.get(p.h.tenantId, who.id))?.accountEnabled === true;
const holdsGa = async (p: People, who: Principal) =>
  (
    await p.h.store.db
      .selectFrom('schedules')
      .select('id')
      .where('principal_id', '=', who.id)
      .where('role_definition_id', '=', GA)
      .where('kind', '=', 'assignment')
      .where('closed', '=', 0)
      .execute()
  ).length > 0;

const disable = (who: (p: People) => Principal): Racer => ({
  run: (p) => updateAccount(p.deps, p.d, who(p).id, { accountEnabled: false }),
  applied: async (p) => !(await enabled(p, who(p))),
  event: (p) => ({ activity: ACTIVITY.accountDisabled, target: who(p).id }),
});
const removeGa = (who: (p: People) => Principal): Racer => ({
  run: (p) =>
    submitRequest(p.deps, p.d, {
      kind: 'assignment',
      action: 'adminRemove',
      principalId: who(p).id,
      roleDefinitionId: GA,
      directoryScopeId: '/',
      justification: 'Leaving',
      ticketInfo: { ticketNumber: null, ticketSystem: null },
      scheduleInfo: { startDateTime: null, expiration: { type: 'notSpecified' } },
      isValidationOnly: false,
      targetScheduleId: null,
    }),
  applied: async (p) => !(await holdsGa(p, who(p))),
  event: (p) => ({ activity: requestActivity('assignment', 'adminRemove', true), target: who(p).id }),
});
const removeLastMember: Racer = {
  run: (p) => removeGroupMember(p.deps, p.d, p.g.id, p.m.id),
  applied: async (p) => (await p.h.store.db.selectFrom('group_members').select('member_id').where('group_id', '=', p.g.id).execute()).length === 0,
  event: (p) => ({ activity: ACTIVITY.groupMemberRemoved, target: p.m.id }),
};
const scimDelete = (who: (p: People) => Principal): Racer => ({
  run: (p) => deleteScimUser(p.deps, p.scim, who(p).id),
  applied: async (p) => !(await enabled(p, who(p))),
  event: (p) => ({ activity: ACTIVITY.userDeleted, target: who(p).id }),
});

/**
 * The store with every transaction held open 200 ms after its work, before it commits: the racers
 * then meet inside transactions (the second waits on the first's lock) long enough for the
 * PostgreSQL observer to see them together even on a loaded machine. What is decided, and in which
 * order, is unchanged.
 */
const lingering = (h: Harness): UnitOfWork => ({
  read: h.store.read,
  run: (work) =>
    h.store.run(async (tx) => {
      const result = await work(tx);
      await sleep(200);
      return result;
    }),
});

const A = (p: People) => p.a;
const B = (p: People) => p.b;

const RACES: readonly { readonly name: string; readonly holders: 'A and B' | 'A and G'; readonly racers: readonly [Racer, Racer] }[] = [
  { name: "disabling A while removing B's assignment", holders: 'A and B', racers: [disable(A), removeGa(B)] },
  { name: 'disabling A while disabling B', holders: 'A and B', racers: [disable(A), disable(B)] },
  { name: 'SCIM deleting A while disabling B', holders: 'A and B', racers: [scimDelete(A), disable(B)] },
  { name: "removing the last enabled member of G while removing A's assignment", holders: 'A and G', racers: [removeLastMember, removeGa(A)] },
];

describe.each(TEST_DATABASES)('the last working Global Administrator under concurrency on $name', (db) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function twoWorkingHolders(holders: 'A and B' | 'A and G'): Promise<People> {
    h = await openHarness(db);
    const [a, b, m, timeBound] = [
      await h.user('a@contoso.test'),
      await h.user('b@contoso.test'),
      await h.user('m@contoso.test'),
      await h.user('d@contoso.test'),
    ];
    const g = await groupWith(h, 'Tier 0', [m], { assignable: true });
    await adminAssign(h, 'assignment', a, GA);
    await adminAssign(h, 'assignment', holders === 'A and B' ? b : g, GA);
    await adminAssign(h, 'assignment', timeBound, GA, 'P30D');
    h.clock.advance('PT10M');
    const d = await h.caller(timeBound);
    await h.submit(d, { action: 'adminRemove', principalId: h.admin.principal.id, roleDefinitionId: GA });
    expect(await workingHolders(h, GA)).toEqual([a.id, holders === 'A and B' ? b.id : g.id].sort());
    const { secretText } = await createScimToken({ ...h.deps, random: cryptoRandom }, d, { displayName: 'Entra ID', endAt: null });
    const scim = await authenticateScim(h.deps, secretText, testIds.uuid());
    return { h, deps: { uow: lingering(h), clock: h.clock, ids: testIds }, d, a, b, g, m, scim };
  }

  async function eventsSince(mark: number): Promise<string[]> {
    const rows = await h.store.db.selectFrom('audit_events').select(['activity', 'targets']).where('seq', '>', mark).execute();
    return rows.flatMap((r) => (JSON.parse(r.targets) as { id: string }[]).map((t) => `${r.activity} → ${t.id}`));
  }

  describe.each(RACES)('$name', ({ holders, racers }) => {
    it.each([0, 1])('started in either order (first: racer %i): exactly one wins, the other is refused and leaves nothing', async (first) => {
      const p = await twoWorkingHolders(holders);
      const mark = await auditMark(h);
      const order = first === 0 ? [0, 1] : [1, 0];

      const { result, max } = await maxOpenTransactions(h, () => Promise.allSettled(order.map((i) => racers[i]!.run(p))));
      const settled = order.map((_, k) => result[order.indexOf(k)]!);

      const unexpected = settled
        .filter((r) => r.status === 'rejected')
        .map((r) => (r as PromiseRejectedResult).reason as unknown)
        .filter((e) => !(e instanceof DomainError) || e.code !== 'LastPrivilegedRoleHolder');
      expect(unexpected.map(String)).toEqual([]);
      const won = settled.map((r) => r.status === 'fulfilled');
      expect(won.filter(Boolean)).toHaveLength(1);
      if (db.name === 'postgres') expect(max).toBeGreaterThan(1);

      expect(await workingHolders(h, GA)).toHaveLength(1);
      expect(await Promise.all(racers.map((r) => r.applied(p)))).toEqual(won);
      const events = await eventsSince(mark);
      const recorded = (r: Racer) => events.includes(`${r.event(p).activity} → ${r.event(p).target}`);
      expect(racers.map(recorded)).toEqual(won);
      await expectAuditChainIntact(h);
    });
  });
});
