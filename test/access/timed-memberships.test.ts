/**
 * The decision index with timed group memberships (PIM for Groups: `member` grants at
 * `/groups/{id}`, decision 0007), row by row against the index (scan and per-scope map) and the
 * plain reference evaluator; then reasons, holdings, holders and incremental updates.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { AccessIndex, type AccessSnapshot, type Grant } from '../../src/access/index.ts';
import { builtInRoles } from '../../src/domain/roles/catalogue.ts';
import { grant, role, scope, T } from './fixtures.ts';
import { refAllowingGrants, refHolders, refReasons } from './reference.ts';

const t0 = Date.parse('2026-01-05T09:00:00Z');
const H = 3_600_000;

const S1 = '/subscriptions/s1';
const RG1 = '/subscriptions/s1/resourceGroups/rg1';
const VM1 = '/subscriptions/s1/resourceGroups/rg1/virtualMachines/vm1';
const S2 = '/subscriptions/s2';

type Row = [name: string, principal: string, action: string, scope: string, at: number, grants: string[]];

const G = (groupId: string): string => `/groups/${groupId}`;
const member = (id: string, principalId: string, groupId: string, startAt: number, endAt: number | null): Grant =>
  grant(id, principalId, 'member', G(groupId), startAt, endAt);

/** Timed memberships next to static ones: `member` grants at `/groups/{id}` (decision 0007). */
function timedData(): AccessSnapshot {
  return {
    roles: [...builtInRoles(T), role('reader', ['res/*/read']), role('writer', ['res/*/read', 'res/*/write'])],
    scopes: [scope('/'), scope(S1, '/'), scope(RG1, S1)],
    memberships: [
      { groupId: 'g-outer', memberId: 'g-inner' },
      { groupId: 'g-app', memberId: 'cat' }, // cat is also a timed member (m-cat-app)
      { groupId: 'g-c1', memberId: 'dan' },
      { groupId: 'g-c1', memberId: 'g-c2' }, // with m-c1-c2: g-c1 ∈ g-c2 ∈ g-c1
      { groupId: 'g-top', memberId: 'g-a' },
      { groupId: 'g-top', memberId: 'g-b' },
    ],
    grants: [
      grant('app-writer-s1', 'g-app', 'writer', S1, t0, null),
      grant('outer-reader-rg1', 'g-outer', 'reader', RG1, t0, t0 + 10 * H),
      grant('c2-reader-root', 'g-c2', 'reader', '/', t0, null),
      grant('top-reader-s2', 'g-top', 'reader', S2, t0, null),
      grant('top-writer-s2', 'g-top', 'writer', S2, t0, t0 + H),
      grant('olga-owner-app', 'olga', 'owner', G('g-app'), t0, null),
      member('m-ann-app', 'ann', 'g-app', t0 + H, t0 + 3 * H),
      member('m-ben-inner', 'ben', 'g-inner', t0, t0 + 2 * H),
      member('m-cat-app', 'cat', 'g-app', t0, t0 + H),
      member('m-c1-c2', 'g-c1', 'g-c2', t0, t0 + H),
      member('m-eve-a', 'eve', 'g-a', t0, t0 + 2 * H),
      member('m-eve-b', 'eve', 'g-b', t0, t0 + 5 * H),
      member('m-fay-app', 'fay', 'g-app', t0 + H, null), // permanent
    ],
  };
}

const timedTable: Row[] = [
  ["activation: a timed member holds the group's role", 'ann', 'res/x/write', S1, t0 + H, ['app-writer-s1']],
  ['… and below the scope', 'ann', 'res/x/write', `${S1}/resourceGroups/rg9`, t0 + 2 * H, ['app-writer-s1']],
  ['before the membership starts', 'ann', 'res/x/write', S1, t0 + H - 1, []],
  ['membership end - 1 ms', 'ann', 'res/x/write', S1, t0 + 3 * H - 1, ['app-writer-s1']],
  ['at the membership end exactly', 'ann', 'res/x/write', S1, t0 + 3 * H, []],
  ['after the membership end', 'ann', 'res/x/write', S1, t0 + 4 * H, []],
  ['nested: timed member of g-inner, a static member of g-outer that holds reader', 'ben', 'res/vm/read', VM1, t0 + H, ['outer-reader-rg1']],
  ["nested, at the inner membership's end", 'ben', 'res/vm/read', VM1, t0 + 2 * H, []],
  ['static and timed both: in the window', 'cat', 'res/x/write', S1, t0, ['app-writer-s1']],
  ['static and timed both: the static one still counts after the timed end', 'cat', 'res/x/write', S1, t0 + 2 * H, ['app-writer-s1']],
  ['cycle through a timed edge: allowed in its window', 'dan', 'res/x/read', RG1, t0, ['c2-reader-root']],
  ['cycle through a timed edge: terminates and denies at its end', 'dan', 'res/x/read', RG1, t0 + H, []],
  ['cycle through a timed edge: the group in it', 'g-c1', 'res/x/read', RG1, t0 + H - 1, ['c2-reader-root']],
  ['two chains: one ended, the other still in effect', 'eve', 'res/x/read', S2, t0 + 3 * H, ['top-reader-s2']],
  ['two chains: both ended', 'eve', 'res/x/read', S2, t0 + 5 * H, []],
  ['a permanent timed membership', 'fay', 'res/x/write', S1, t0 + 1e9, ['app-writer-s1']],
  ['a membership allows nothing by itself', 'ann', 'openpim.directory/groups/read', G('g-app'), t0 + 2 * H, []],
  ["owner at the group's scope is an ordinary grant", 'olga', 'openpim.directory/groups/members/update', G('g-app'), t0, ['olga-owner-app']],
  ['a member is not an owner', 'ann', 'openpim.directory/groups/members/update', G('g-app'), t0 + 2 * H, []],
  ['the group is not in itself', 'g-app', 'res/x/write', S1, t0 + 2 * H, ['app-writer-s1']],
  ['NaN instant: no membership is in effect', 'fay', 'res/x/write', S1, Number.NaN, []],
];

describe('timed group memberships (PIM for Groups)', () => {
  const data = timedData();
  const index = new AccessIndex();
  index.load(data);
  const mapped = new AccessIndex({ scanLimit: 0 });
  mapped.load(data);

  it.each(timedTable)('%s', (_name, principal, action, scopePath, at, expected) => {
    for (const ix of [index, mapped]) {
      expect(ix.isAllowed(principal, action, scopePath, at)).toBe(expected.length > 0);
      expect(
        ix
          .check(principal, action, scopePath, at)
          .reasons.map((r) => r.grantId)
          .sort(),
      ).toEqual([...expected].sort());
    }
    expect(
      refAllowingGrants(data, principal, action, scopePath, at)
        .map((g) => g.id)
        .sort(),
    ).toEqual([...expected].sort());
  });

  const reason = (principal: string, action: string, scopePath: string, at: number) =>
    index
      .check(principal, action, scopePath, at)
      .reasons.map((r) => ({ grantId: r.grantId, groupId: r.groupId, groupPath: r.groupPath, memberType: r.memberType, via: r.via, endAt: r.endAt }));

  it('a reason through a timed membership says so and ends with it', () => {
    expect(index.check('ann', 'res/x/write', S1, t0 + 2 * H).reasons).toEqual([
      {
        grantId: 'app-writer-s1',
        roleDefinitionId: 'writer',
        roleDisplayName: 'Role writer',
        scopeId: S1,
        inherited: false,
        via: 'group',
        groupId: 'g-app',
        groupPath: ['g-app'],
        memberType: 'Group',
        startAt: t0,
        endAt: t0 + 3 * H,
      },
    ]);
    expect(reason('ben', 'res/vm/read', VM1, t0 + H)).toEqual([
      { grantId: 'outer-reader-rg1', groupId: 'g-outer', groupPath: ['g-inner', 'g-outer'], memberType: 'Group', via: 'group', endAt: t0 + 2 * H },
    ]);
    expect(reason('dan', 'res/x/read', RG1, t0)).toEqual([
      { grantId: 'c2-reader-root', groupId: 'g-c2', groupPath: ['g-c1', 'g-c2'], memberType: 'Group', via: 'group', endAt: t0 + H },
    ]);
  });

  it('of several chains the reason takes the one lasting longest, and never outlasts its grant', () => {
    expect(reason('eve', 'res/x/read', S2, t0 + H / 2)).toEqual([
      { grantId: 'top-reader-s2', groupId: 'g-top', groupPath: ['g-b', 'g-top'], memberType: 'Group', via: 'group', endAt: t0 + 5 * H },
      { grantId: 'top-writer-s2', groupId: 'g-top', groupPath: ['g-b', 'g-top'], memberType: 'Group', via: 'group', endAt: t0 + H }, // the grant ends first
    ]);
    // static and timed both: the static membership never ends
    expect(reason('cat', 'res/x/write', S1, t0 + H / 2)).toEqual([
      { grantId: 'app-writer-s1', groupId: 'g-app', groupPath: ['g-app'], memberType: 'Group', via: 'group', endAt: null },
    ]);
    for (const [p, a, s, at] of [
      ['eve', 'res/x/read', S2, t0 + H / 2],
      ['ben', 'res/vm/read', VM1, t0 + H],
      ['cat', 'res/x/write', S1, t0],
    ] as const) {
      expect(index.check(p, a, s, at).reasons.map((r) => r.endAt)).toEqual(refReasons(data, p, at, s, a).map((r) => r.endAt));
    }
  });

  it('holdings and groupsOf follow the windows', () => {
    expect(index.holdings('ann', t0 + 2 * H).map((h) => [h.grantId, h.groupPath, h.endAt])).toEqual([['app-writer-s1', ['g-app'], t0 + 3 * H]]);
    expect(index.holdings('ann', t0 + 3 * H)).toEqual([]);
    expect(index.holdings('ben', t0 + H, VM1).map((h) => [h.grantId, h.inherited, h.memberType, h.endAt])).toEqual([
      ['outer-reader-rg1', true, 'Group', t0 + 2 * H],
    ]);
    expect(index.groupsOf('ann')).toEqual(['g-app']); // whatever the window
    expect(index.groupsOf('ann', t0)).toEqual([]);
    expect(index.groupsOf('ann', t0 + H)).toEqual(['g-app']);
    expect(index.groupsOf('ben', t0 + H).sort()).toEqual(['g-inner', 'g-outer']);
    expect(index.groupsOf('dan', t0).sort()).toEqual(['g-c1', 'g-c2']);
    expect(index.groupsOf('dan', t0 + H)).toEqual(['g-c1']);
    expect(index.stats()).toMatchObject({ grants: 6, timedMemberships: 7 });
  });

  it('holders: who holds what at a scope, direct, inherited and through (timed) memberships', () => {
    const at = t0 + 2 * H;
    const rows = (s: string, when: number) => index.holders(s, when).map((h) => [h.principalId, h.grantId, h.via, h.inherited, h.groupPath, h.endAt]);
    expect(rows(S1, at)).toEqual([
      ['ann', 'app-writer-s1', 'group', false, ['g-app'], t0 + 3 * H],
      ['cat', 'app-writer-s1', 'group', false, ['g-app'], null],
      ['fay', 'app-writer-s1', 'group', false, ['g-app'], null],
      ['g-app', 'app-writer-s1', 'direct', false, [], null],
      ['g-c2', 'c2-reader-root', 'direct', true, [], null],
    ]);
    // before g-c1's timed membership of g-c2 ends, g-c1 and dan (a static member of g-c1) hold its grant too
    expect(rows(RG1, t0).filter((r) => r[1] === 'c2-reader-root')).toEqual([
      ['dan', 'c2-reader-root', 'group', true, ['g-c1', 'g-c2'], t0 + H],
      ['g-c1', 'c2-reader-root', 'group', true, ['g-c2'], t0 + H],
      ['g-c2', 'c2-reader-root', 'direct', true, [], null],
    ]);
    // an unregistered path: everything is inherited
    expect(index.holders(`${S1}/resourceGroups/rg9`, at).map((h) => [h.principalId, h.inherited, h.memberType])).toEqual([
      ['ann', true, 'Group'],
      ['cat', true, 'Group'],
      ['fay', true, 'Group'],
      ['g-app', true, 'Inherited'],
      ['g-c2', true, 'Inherited'],
    ]);
    for (const [s, when] of [
      [S1, at],
      [RG1, t0],
      [VM1, t0 + H],
      [S2, t0 + H / 2],
      [G('g-app'), t0],
      ['/', t0 + 3 * H],
    ] as const) {
      const mine = index
        .holders(s, when)
        .map((h) => `${h.principalId}:${h.grantId}@${h.endAt}`)
        .sort();
      expect(mine).toEqual(
        refHolders(data, s, when)
          .map((h) => `${h.principalId}:${h.grant.id}@${h.endAt}`)
          .sort(),
      );
    }
    expect(index.holders('/subscriptions//x', at)).toEqual([]);
    expect(index.holders('/nothing/here', at).map((h) => h.grantId)).toEqual(['c2-reader-root']);
  });

  describe('updates', () => {
    let live: AccessIndex;
    beforeEach(() => {
      live = new AccessIndex();
      live.load(timedData());
    });
    const can = (p: string, a: string, s: string, at: number): boolean => live.isAllowed(p, a, s, at);

    it('putGrant of a membership activates it for cached closures; a new window replaces; removeGrant removes', () => {
      expect(can('ivan', 'res/x/write', S1, t0)).toBe(false); // ivan's closure cached (none)
      live.putGrant(member('m-ivan', 'ivan', 'g-app', t0, t0 + H));
      expect(can('ivan', 'res/x/write', S1, t0)).toBe(true);
      expect(can('ivan', 'res/x/write', S1, t0 + H)).toBe(false);
      live.putGrant(member('m-ivan', 'ivan', 'g-app', t0, t0 + 2 * H)); // extended
      expect(can('ivan', 'res/x/write', S1, t0 + H)).toBe(true);
      expect(live.check('ivan', 'res/x/write', S1, t0 + H).reasons[0]!.endAt).toBe(t0 + 2 * H);
      live.putGrant(member('m-ivan', 'ivan', 'g-app', t0, t0 + 2 * H)); // idempotent
      expect(live.stats().timedMemberships).toBe(8);
      live.removeGrant('m-ivan');
      expect(can('ivan', 'res/x/write', S1, t0 + H)).toBe(false);
      live.removeGrant('m-ivan'); // idempotent
      expect(live.holdings('ivan', t0)).toEqual([]);
      expect(live.stats().timedMemberships).toBe(7);
    });

    it('removing the membership of an activated member takes its access at once', () => {
      expect(can('ann', 'res/x/write', S1, t0 + 2 * H)).toBe(true);
      live.removeGrant('m-ann-app');
      expect(can('ann', 'res/x/write', S1, t0 + 2 * H)).toBe(false);
      expect(live.holders(S1, t0 + 2 * H).map((h) => h.principalId)).not.toContain('ann');
    });

    it('a membership moved to another group, or replaced by an ordinary grant with its id, and back', () => {
      live.putGrant(member('m-ann-app', 'ann', 'g-outer', t0 + H, t0 + 3 * H));
      expect(can('ann', 'res/x/write', S1, t0 + 2 * H)).toBe(false);
      expect(can('ann', 'res/x/read', RG1, t0 + 2 * H)).toBe(true);
      live.putGrant(grant('m-ann-app', 'ann', 'reader', S2, t0, null)); // now an ordinary grant
      expect(can('ann', 'res/x/read', RG1, t0 + 2 * H)).toBe(false);
      expect(can('ann', 'res/x/read', S2, t0 + 2 * H)).toBe(true);
      expect(live.stats()).toMatchObject({ grants: 7, timedMemberships: 6 });
      live.putGrant(member('m-ann-app', 'ann', 'g-app', t0 + H, t0 + 3 * H));
      expect(can('ann', 'res/x/read', S2, t0 + 2 * H)).toBe(false);
      expect(can('ann', 'res/x/write', S1, t0 + 2 * H)).toBe(true);
      expect(live.stats()).toMatchObject({ grants: 6, timedMemberships: 7 });
    });

    it("a timed membership added above a group reaches that group's members, cached or not", () => {
      expect(can('ben', 'res/x/write', S1, t0)).toBe(false); // ben's closure cached: g-inner, g-outer
      live.putGrant(member('m-outer-app', 'g-outer', 'g-app', t0, t0 + H / 2));
      expect(can('ben', 'res/x/write', S1, t0)).toBe(true); // ben ∈ g-inner ∈ g-outer ∈ g-app
      expect(live.check('ben', 'res/x/write', S1, t0).reasons[0]).toMatchObject({ groupPath: ['g-inner', 'g-outer', 'g-app'], endAt: t0 + H / 2 });
      expect(can('ben', 'res/x/write', S1, t0 + H / 2)).toBe(false);
      live.removeGrant('m-outer-app');
      expect(can('ben', 'res/x/write', S1, t0)).toBe(false);
    });

    it('a cycle made and unmade by timed memberships terminates', () => {
      live.putGrant(member('loop-1', 'g-a', 'g-b', t0, t0 + H));
      live.putGrant(member('loop-2', 'g-b', 'g-a', t0, null));
      live.putGrant(member('loop-3', 'g-a', 'g-a', t0, null)); // a group in itself
      expect(can('eve', 'res/x/read', S2, t0 + 6 * H)).toBe(false); // both of eve's memberships ended
      expect(can('g-a', 'res/x/read', S2, t0)).toBe(true);
      expect(live.groupsOf('g-a', t0).sort()).toEqual(['g-b', 'g-top']);
      expect(live.groupsOf('g-b', t0).sort()).toEqual(['g-a', 'g-top']);
      expect(live.check('eve', 'res/x/read', S2, t0).reasons[0]).toMatchObject({ groupPath: ['g-b', 'g-top'], endAt: t0 + 5 * H });
      for (const id of ['loop-1', 'loop-2', 'loop-3']) live.removeGrant(id);
      expect(live.groupsOf('g-a')).toEqual(['g-top']);
    });

    it('a snapshot repeating an id across a grant and a membership keeps the last one', () => {
      const d = timedData();
      live.load({ ...d, grants: [...d.grants, grant('dup', 'zoe', 'writer', S2, t0, null), member('dup', 'zoe', 'g-app', t0, null)] });
      expect(can('zoe', 'res/x/write', S2, t0)).toBe(false);
      expect(can('zoe', 'res/x/write', S1, t0)).toBe(true);
      live.load({ ...d, grants: [...d.grants, member('dup', 'zoe', 'g-app', t0, null), grant('dup', 'zoe', 'writer', S2, t0, null)] });
      expect(can('zoe', 'res/x/write', S2, t0)).toBe(true);
      expect(can('zoe', 'res/x/write', S1, t0)).toBe(false);
      expect(live.stats()).toMatchObject({ grants: 7, timedMemberships: 7 });
    });

    it('principals only in timed memberships give their numbers back when those go', () => {
      const before = live.stats().principals;
      live.putGrant(member('m-x', 'xavier', 'g-new', t0, null));
      expect(live.stats().principals).toBe(before + 2);
      live.removeGrant('m-x');
      expect(live.stats().principals).toBe(before);
    });
  });
});
