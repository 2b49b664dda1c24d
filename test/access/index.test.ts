/**
 * The decision index, scenario by scenario: each row is checked against the index (`isAllowed`
 * and `check`) and against the plain reference evaluator. Timed group memberships (PIM for
 * Groups) are in timed-memberships.test.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { AccessIndex, type AccessSnapshot, type Grant, grantFromSchedule } from '../../src/access/index.ts';
import { isCanonicalScope, parentPath } from '../../src/access/scope-path.ts';
import { builtInRoles, ROLE } from '../../src/domain/roles/catalogue.ts';
import type { Schedule } from '../../src/domain/model.ts';
import { grant, role, scope, T } from './fixtures.ts';
import { refAllowingGrants, type RefData } from './reference.ts';

const t0 = Date.parse('2026-01-05T09:00:00Z');
const H = 3_600_000;

const S1 = '/subscriptions/s1';
const RG1 = '/subscriptions/s1/resourceGroups/rg1';
const VM1 = '/subscriptions/s1/resourceGroups/rg1/virtualMachines/vm1';
const DISK = '/subscriptions/s1/resourceGroups/rg1/virtualMachines/vm1/disks/d1';
const S2 = '/subscriptions/s2';
const PG = '/databases/pg-prod';
const AU1 = '/administrativeUnits/au1';

function baseData(): AccessSnapshot {
  return {
    roles: [
      ...builtInRoles(T),
      role('reader', ['res/*/read']),
      role('writer', ['res/*/read', 'res/*/write']),
      role('contrib', ['res/*', 'res/*/*'], ['res/roleAssignments/*']),
      role('all', ['*']),
      role('allButDelete', ['*'], ['*/*/delete']),
      role('off', ['*'], [], false),
      role('dirUsers', ['openpim.directory/users/*']),
    ],
    scopes: [scope('/'), scope(S1, '/'), scope(RG1, S1), scope(AU1, '/'), scope(PG, RG1) /* registered under rg1 */],
    memberships: [
      { groupId: 'g-dba', memberId: 'bob' },
      { groupId: 'g-ops', memberId: 'g-dba' }, // nested: bob ∈ g-dba ∈ g-ops
      { groupId: 'g-ops', memberId: 'carol' },
      { groupId: 'g-x', memberId: 'dave' },
      { groupId: 'g-y', memberId: 'g-x' }, // cycle: g-x ∈ g-y ∈ g-x
      { groupId: 'g-x', memberId: 'g-y' },
      { groupId: 'g-self', memberId: 'g-self' }, // a group in itself
      { groupId: 'g-self', memberId: 'erin' },
    ],
    grants: [
      grant('a-reader-rg1', 'alice', 'reader', RG1, t0, t0 + 8 * H),
      grant('a-writer-vm1', 'alice', 'writer', VM1, t0 + 2 * H, t0 + 4 * H),
      grant('a-users-au1', 'alice', 'dirUsers', AU1, t0, null),
      grant('ops-contrib-s1', 'g-ops', 'contrib', S1, t0, t0 + 24 * H),
      grant('dba-all-pg', 'g-dba', 'allButDelete', PG, t0, null),
      grant('y-reader-root', 'g-y', 'reader', '/', t0, t0 + H),
      grant('self-writer-s2', 'g-self', 'writer', S2, t0, null),
      grant('svc-off', 'svc', 'off', '/', t0, null),
      grant('svc-ghost', 'svc', 'no-such-role', '/', t0, null),
      grant('frank-owner-s2', 'frank', ROLE.owner, S2, t0, null),
      grant('gina-contrib-s2', 'gina', ROLE.contributor, S2, t0, null),
    ],
  };
}

type Row = [name: string, principal: string, action: string, scope: string, at: number, grants: string[]];

const table: Row[] = [
  // direct grants, scope inheritance
  ['direct at the granted scope', 'alice', 'res/vms/read', RG1, t0, ['a-reader-rg1']],
  ['inherited by a child that holds its own grant', 'alice', 'res/vms/read', VM1, t0 + H, ['a-reader-rg1']],
  ['inherited by an unregistered grandchild', 'alice', 'res/disks/read', DISK, t0 + H, ['a-reader-rg1']],
  ['not inherited upwards', 'alice', 'res/vms/read', S1, t0 + H, []],
  ['not at a sibling', 'alice', 'res/vms/read', '/subscriptions/s1/resourceGroups/rg2', t0 + H, []],
  ['prefix is not ancestry', 'alice', 'res/vms/read', '/subscriptions/s1/resourceGroups/rg10', t0 + H, []],
  ['explicit parent: pg-prod is under rg1', 'alice', 'res/tables/read', PG, t0, ['a-reader-rg1']],
  ['explicit parent, below it', 'alice', 'res/tables/read', `${PG}/schemas/public`, t0, ['a-reader-rg1']],
  ['administrative unit, parent is /', 'alice', 'openpim.directory/users/update', AU1, t0 + 100 * H, ['a-users-au1']],
  ['administrative unit grant does not reach /', 'alice', 'openpim.directory/users/update', '/', t0, []],
  ['two grants both allow', 'alice', 'res/vms/read', VM1, t0 + 3 * H, ['a-reader-rg1', 'a-writer-vm1']],
  // actions, wildcards, exclusions, case
  ['wildcard is one segment only', 'alice', 'res/vms/disks/read', VM1, t0 + H, []],
  ['verb must match', 'alice', 'res/vms/write', RG1, t0 + H, []],
  ['actions compare case-insensitively', 'alice', 'RES/VMs/Read', RG1, t0 + H, ['a-reader-rg1']],
  ['unknown principal', 'zed', 'res/vms/read', RG1, t0 + H, []],
  // groups, nesting, cycles
  ['via a group', 'carol', 'res/vms/write', VM1, t0 + H, ['ops-contrib-s1']],
  ['via a nested group', 'bob', 'res/vms/delete', RG1, t0 + H, ['ops-contrib-s1']],
  ['excluded action wins (contributor)', 'bob', 'res/roleAssignments/write', RG1, t0 + H, []],
  ['directly in the group holding it', 'bob', 'res/tables/write', PG, t0 + H, ['dba-all-pg', 'ops-contrib-s1']],
  ['excluded */*/delete, other grant still allows', 'bob', 'res/tables/delete', PG, t0 + H, ['ops-contrib-s1']],
  ['excluded */*/delete and nothing else', 'bob', 'x/tables/delete', PG, t0 + H, []],
  ['lone * allows any action', 'bob', 'anything/at/all/here', `${PG}/x/y`, t0 + H, ['dba-all-pg']],
  ['the group itself as principal', 'g-dba', 'x/y', PG, t0 + H, ['dba-all-pg']],
  ['membership is not inherited upwards', 'g-ops', 'x/y', PG, t0 + H, []],
  ['group cycle terminates and allows', 'dave', 'res/vms/read', DISK, t0, ['y-reader-root']],
  ['group cycle terminates and denies', 'dave', 'res/vms/write', DISK, t0, []],
  ['a group in itself', 'erin', 'res/vms/write', `${S2}/rg/x`, t0, ['self-writer-s2']],
  ['disabled role allows nothing', 'svc', 'res/vms/read', '/', t0 + H, []],
  // built-in resource roles
  ['Owner manages role assignments', 'frank', 'openpim.resources/roleAssignments/write', `${S2}/resourceGroups/r`, t0, ['frank-owner-s2']],
  ['Contributor may not', 'gina', 'openpim.resources/roleAssignments/write', `${S2}/resourceGroups/r`, t0, []],
  ['Contributor writes resources', 'gina', 'openpim.resources/virtualMachines/write', `${S2}/resourceGroups/r`, t0, ['gina-contrib-s2']],
  // time windows
  ['before start', 'alice', 'res/vms/write', VM1, t0 + 2 * H - 1, []],
  ['at start', 'alice', 'res/vms/write', VM1, t0 + 2 * H, ['a-writer-vm1']],
  ['end - 1 ms', 'alice', 'res/vms/write', VM1, t0 + 4 * H - 1, ['a-writer-vm1']],
  ['at end', 'alice', 'res/vms/write', VM1, t0 + 4 * H, []],
  ['after end', 'alice', 'res/vms/write', VM1, t0 + 5 * H, []],
  ['group grant at end - 1', 'dave', 'res/vms/read', '/', t0 + H - 1, ['y-reader-root']],
  ['group grant at end', 'dave', 'res/vms/read', '/', t0 + H, []],
  ['permanent grant far in the future', 'alice', 'openpim.directory/users/read', AU1, t0 + 1e12, ['a-users-au1']],
  ['NaN instant denies', 'alice', 'openpim.directory/users/read', AU1, Number.NaN, []],
  // malformed request paths never match
  ['trailing slash', 'alice', 'res/vms/read', `${RG1}/`, t0, []],
  ['empty segment', 'alice', 'res/vms/read', '/subscriptions/s1//resourceGroups/rg1', t0, []],
  ['dot-dot segment', 'alice', 'res/vms/read', `${RG1}/x/..`, t0, []],
  ['no leading slash', 'alice', 'res/vms/read', 'subscriptions/s1/resourceGroups/rg1', t0, []],
  ['case differs in the path', 'alice', 'res/vms/read', '/subscriptions/S1/resourceGroups/rg1', t0, []],
];

describe('AccessIndex scenarios', () => {
  const data = baseData();
  const index = new AccessIndex();
  index.load(data);

  it.each(table)('%s', (_name, principal, action, scopePath, at, expected) => {
    expect(index.isAllowed(principal, action, scopePath, at)).toBe(expected.length > 0);
    const decision = index.check(principal, action, scopePath, at);
    expect(decision.allowed).toBe(expected.length > 0);
    expect(decision.reasons.map((r) => r.grantId).sort()).toEqual([...expected].sort());
    expect(
      refAllowingGrants(data as RefData, principal, action, scopePath, at)
        .map((g) => g.id)
        .sort(),
    ).toEqual([...expected].sort());
  });
});

describe('reasons and holdings', () => {
  const index = new AccessIndex();
  index.load(baseData());

  it('names the grant, role, scope, group chain and end', () => {
    const { reasons } = index.check('bob', 'res/vms/read', DISK, t0 + H);
    expect(reasons).toEqual([
      {
        grantId: 'ops-contrib-s1',
        roleDefinitionId: 'contrib',
        roleDisplayName: 'Role contrib',
        scopeId: S1,
        inherited: true,
        via: 'group',
        groupId: 'g-ops',
        groupPath: ['g-dba', 'g-ops'],
        memberType: 'Group',
        startAt: t0,
        endAt: t0 + 24 * H,
      },
    ]);
  });

  it('direct, at the scope itself, permanent', () => {
    const { reasons } = index.check('alice', 'openpim.directory/users/read', AU1, t0);
    expect(reasons).toEqual([
      expect.objectContaining({ grantId: 'a-users-au1', inherited: false, via: 'direct', groupId: null, groupPath: [], memberType: 'Direct', endAt: null }),
    ]);
  });

  it('direct, inherited', () => {
    const { reasons } = index.check('alice', 'res/vms/read', VM1, t0);
    expect(reasons).toEqual([expect.objectContaining({ grantId: 'a-reader-rg1', scopeId: RG1, inherited: true, memberType: 'Inherited' })]);
  });

  it('deny has no reasons', () => {
    expect(index.check('alice', 'res/vms/delete', VM1, t0)).toEqual({ allowed: false, reasons: [] });
  });

  it('holdings: what is in effect, where, why, until when', () => {
    const h = index.holdings('bob', t0 + H);
    expect(h.map((x) => [x.grantId, x.scopeId, x.via, x.groupId, x.groupPath, x.endAt]).sort()).toEqual([
      ['dba-all-pg', PG, 'group', 'g-dba', ['g-dba'], null],
      ['ops-contrib-s1', S1, 'group', 'g-ops', ['g-dba', 'g-ops'], t0 + 24 * H],
    ]);
    expect(
      index
        .holdings('alice', t0 + 5 * H)
        .map((x) => x.grantId)
        .sort(),
    ).toEqual(['a-reader-rg1', 'a-users-au1']);
    expect(
      index
        .holdings('alice', t0 + 3 * H, VM1)
        .map((x) => [x.grantId, x.inherited])
        .sort(),
    ).toEqual([
      ['a-reader-rg1', true],
      ['a-writer-vm1', false],
    ]);
    expect(index.holdings('alice', t0 + 3 * H, '/')).toEqual([]);
    expect(index.holdings('nobody', t0)).toEqual([]);
  });

  it('groupsOf follows nesting and survives cycles', () => {
    expect(index.groupsOf('bob').sort()).toEqual(['g-dba', 'g-ops']);
    expect(index.groupsOf('dave').sort()).toEqual(['g-x', 'g-y']);
    expect(index.groupsOf('g-x')).toEqual(['g-y']);
    expect(index.groupsOf('erin')).toEqual(['g-self']);
  });
});

describe('incremental updates', () => {
  let index: AccessIndex;
  beforeEach(() => {
    index = new AccessIndex();
    index.load(baseData());
  });
  const can = (p: string, a: string, s: string, at = t0 + H): boolean => index.isAllowed(p, a, s, at);

  it('putGrant adds, replaces (moving scope and principal) and removeGrant removes', () => {
    expect(can('hank', 'res/vms/read', VM1)).toBe(false);
    index.putGrant(grant('h1', 'hank', 'reader', RG1, t0, t0 + 2 * H));
    expect(can('hank', 'res/vms/read', VM1)).toBe(true);
    index.putGrant(grant('h1', 'hank', 'reader', S2, t0, t0 + 2 * H));
    expect(can('hank', 'res/vms/read', VM1)).toBe(false);
    expect(can('hank', 'res/vms/read', S2)).toBe(true);
    index.putGrant(grant('h1', 'ivy', 'reader', S2, t0, t0 + 2 * H));
    expect(can('hank', 'res/vms/read', S2)).toBe(false);
    expect(can('ivy', 'res/vms/read', S2)).toBe(true);
    index.putGrant(grant('h1', 'ivy', 'reader', S2, t0, t0 + H)); // end moved earlier
    expect(can('ivy', 'res/vms/read', S2, t0 + H)).toBe(false);
    index.removeGrant('h1');
    index.removeGrant('h1'); // idempotent
    index.removeGrant('never-existed');
    expect(can('ivy', 'res/vms/read', S2, t0)).toBe(false);
    expect(index.stats().grants).toBe(baseData().grants.length);
  });

  it('a grant at a new scope is seen by cached checks below it', () => {
    const deep = `${S2}/resourceGroups/r9/vms/v1`;
    expect(can('hank', 'res/vms/read', deep)).toBe(false); // caches the path's ancestry
    index.putGrant(grant('h2', 'hank', 'reader', `${S2}/resourceGroups/r9`, t0, null));
    expect(can('hank', 'res/vms/read', deep)).toBe(true);
    index.removeGrant('h2');
    expect(can('hank', 'res/vms/read', deep)).toBe(false);
  });

  it('addMember / removeMember, nested, with cached closures', () => {
    expect(can('alice', 'res/vms/write', VM1)).toBe(false); // alice's closure cached (none)
    index.addMember('g-dba', 'alice');
    expect(can('alice', 'res/vms/write', VM1)).toBe(true); // via g-dba ∈ g-ops
    index.addMember('g-dba', 'alice'); // idempotent
    expect(can('bob', 'res/vms/write', VM1)).toBe(true);
    index.removeMember('g-ops', 'g-dba'); // cuts both bob and alice from g-ops
    expect(can('alice', 'res/vms/write', VM1)).toBe(false);
    expect(can('bob', 'res/vms/write', VM1)).toBe(false);
    expect(can('bob', 'res/tables/write', PG)).toBe(true); // still in g-dba
    index.removeMember('g-dba', 'bob');
    expect(can('bob', 'res/tables/write', PG)).toBe(false);
    index.removeMember('g-dba', 'bob'); // idempotent
    index.removeMember('no-group', 'bob');
    expect(index.groupsOf('bob')).toEqual([]);
  });

  it('a group that was its own member, removed, frees its number once', () => {
    index.removeMember('g-self', 'g-self');
    index.removeMember('g-self', 'erin');
    index.putGrant(grant('q1', 'quinn', 'reader', S1, t0, null));
    index.putGrant(grant('q2', 'rita', 'writer', S2, t0, null));
    expect(index.holdings('quinn', t0).map((h) => h.grantId)).toEqual(['q1']);
    expect(index.holdings('rita', t0).map((h) => h.grantId)).toEqual(['q2']);
  });

  it('membership cycles added and removed incrementally', () => {
    index.addMember('g-a', 'kim');
    index.addMember('g-b', 'g-a');
    index.addMember('g-a', 'g-b');
    index.putGrant(grant('gb', 'g-b', 'reader', '/', t0, null));
    expect(can('kim', 'res/x/read', S1)).toBe(true);
    index.removeMember('g-b', 'g-a');
    expect(can('kim', 'res/x/read', S1)).toBe(false);
    expect(can('g-a', 'res/x/read', S1)).toBe(false);
  });

  it('putRole changes what existing grants allow, including cached decisions', () => {
    expect(can('alice', 'res/vms/write', RG1)).toBe(false);
    expect(can('alice', 'res/vms/read', RG1)).toBe(true);
    index.putRole(role('reader', ['res/*/read', 'res/*/write']));
    expect(can('alice', 'res/vms/write', RG1)).toBe(true);
    index.putRole(role('reader', ['res/*/read'], [], false)); // disabled
    expect(can('alice', 'res/vms/read', RG1)).toBe(false);
    index.putRole(role('no-such-role', ['*']));
    expect(can('svc', 'res/vms/read', '/')).toBe(true); // the grant waited for its role
  });

  it('removeRole: grants still naming a deleted role allow nothing, cached decisions included, as if the role were never seen', () => {
    expect(can('alice', 'res/vms/read', RG1)).toBe(true); // cached: allowed
    expect(index.check('alice', 'res/vms/read', RG1, t0 + H).reasons.map((r) => r.roleDisplayName)).toEqual(['Role reader']);
    index.removeRole('reader');
    expect(can('alice', 'res/vms/read', RG1)).toBe(false);
    expect(index.check('alice', 'res/vms/read', RG1, t0 + H).allowed).toBe(false);
    expect(index.holdings('alice', t0 + H).find((h) => h.grantId === 'a-reader-rg1')?.roleDisplayName).toBeNull();
    expect(can('g-y', 'res/vms/read', '/', t0)).toBe(false); // the other grant of the role too
    expect(can('alice', 'res/vms/write', VM1, t0 + 3 * H)).toBe(true); // other roles are untouched
    index.removeRole('reader'); // twice, or an unknown role: nothing happens
    index.removeRole('never-seen');
    expect(can('alice', 'res/vms/read', RG1)).toBe(false);
    index.putRole(role('reader', ['res/*/read'])); // like a grant waiting for its role
    expect(can('alice', 'res/vms/read', RG1)).toBe(true);
  });

  it('long and many distinct actions are answered without growing the cache without bound', () => {
    const long = `res/${'x'.repeat(1000)}/read`;
    expect(can('alice', long, RG1)).toBe(true);
    expect(can('alice', long.replace('/read', '/write'), RG1)).toBe(false);
    for (let i = 0; i < 10_000; i++) expect(can('alice', `res/t${i}/read`, RG1)).toBe(true);
    expect(can('alice', 'res/t1/write', RG1)).toBe(false);
  });

  it('many roles (cache rows grow)', () => {
    for (let i = 0; i < 200; i++) index.putRole(role(`r${i}`, [`res/t${i}/read`]));
    for (let i = 0; i < 200; i++) index.putGrant(grant(`m${i}`, 'mia', `r${i}`, S1, t0, null));
    for (let i = 0; i < 200; i++) {
      expect(can('mia', `res/t${i}/read`, RG1)).toBe(true);
      expect(can('mia', `res/t${i}/write`, RG1)).toBe(false);
    }
  });

  it('a principal with many grants (per-scope map) stays correct under updates', () => {
    for (let i = 0; i < 100; i++) index.putGrant(grant(`big${i}`, 'g-big', 'reader', `/subscriptions/s${i}`, t0, t0 + i * H));
    index.addMember('g-big', 'nia');
    expect(can('nia', 'res/a/read', '/subscriptions/s50/x/y', t0 + 50 * H - 1)).toBe(true);
    expect(can('nia', 'res/a/read', '/subscriptions/s50/x/y', t0 + 50 * H)).toBe(false);
    index.removeGrant('big50');
    expect(can('nia', 'res/a/read', '/subscriptions/s50/x/y', t0)).toBe(false);
    index.putGrant(grant('big50', 'g-big', 'reader', '/subscriptions/s50', t0, null));
    expect(can('nia', 'res/a/read', '/subscriptions/s50/x/y', t0 + 1e9)).toBe(true);
  });

  it('putScope moves a subtree under another parent', () => {
    expect(can('alice', 'res/t/read', PG)).toBe(true);
    expect(can('alice', 'res/t/read', `${PG}/schemas/s`)).toBe(true);
    index.putScope(scope(PG, S2)); // now under s2: alice's rg1 grant no longer reaches it
    expect(can('alice', 'res/t/read', PG)).toBe(false);
    expect(can('alice', 'res/t/read', `${PG}/schemas/s`)).toBe(false);
    expect(can('erin', 'res/t/read', `${PG}/schemas/s`)).toBe(true); // g-self's grant at s2
    index.putScope(scope('/a/1', '/b/2'));
    index.putScope(scope('/b/2', '/a/1')); // a parent loop terminates
    index.putGrant(grant('loop', 'alice', 'reader', '/b/2', t0, null));
    expect(can('alice', 'res/t/read', '/a/1/c/3')).toBe(true);
    expect(can('alice', 'res/t/read', '/a/2')).toBe(false);
  });

  it('a snapshot repeating a grant id keeps the last one (as putGrant would)', () => {
    const data = baseData();
    index.load({
      ...data,
      grants: [
        ...data.grants,
        grant('dup', 'oscar', 'reader', S1, t0, null),
        grant('dup', 'pat', 'writer', S2, t0, null), // moves to another principal
        grant('dup2', 'oscar', 'reader', S1, t0, null),
        grant('dup2', 'oscar', 'writer', S1, t0, t0 + H), // same principal, new window
      ],
    });
    expect(can('oscar', 'res/x/write', S1, t0)).toBe(true);
    expect(can('oscar', 'res/x/write', S1, t0 + H)).toBe(false);
    expect(can('oscar', 'res/x/read', S1, t0 + H)).toBe(false);
    expect(can('pat', 'res/x/write', S2, t0 + H)).toBe(true);
    expect(index.stats().grants).toBe(data.grants.length + 2);
    index.removeGrant('dup');
    index.removeGrant('dup2');
    expect(index.holdings('pat', t0)).toEqual([]);
    expect(index.holdings('oscar', t0)).toEqual([]);
    index.putGrant(grant('dup', 'oscar', 'reader', S1, t0, null));
    expect(can('oscar', 'res/x/read', S1, t0)).toBe(true);
  });

  it("hundreds of scopes: every scope number lands in the holders' scope summaries", () => {
    for (let i = 0; i < 300; i++) index.putGrant(grant(`sc${i}`, `sc-user-${i}`, 'reader', `/subscriptions/many-${i}`, t0, null));
    for (let i = 0; i < 300; i++) {
      expect(can(`sc-user-${i}`, 'res/x/read', `/subscriptions/many-${i}/resourceGroups/r`)).toBe(true);
      expect(can(`sc-user-${i}`, 'res/x/read', `/subscriptions/many-${(i + 1) % 300}`)).toBe(false);
    }
  });

  it('closures stay right while membership churn fills and recycles the closure store', () => {
    // 400 users in a chain of nested groups; memberships move around and every user is checked
    // after each move, so thousands of closures are computed, marked stale and dropped.
    const data = baseData();
    const memberships = [...data.memberships];
    const grants = [...data.grants];
    for (let g = 0; g < 20; g++) {
      grants.push(grant(`chain-${g}`, `chain-g${g}`, 'reader', `/subscriptions/chain-${g}`, t0, null));
      if (g > 0) memberships.push({ groupId: `chain-g${g}`, memberId: `chain-g${g - 1}` });
    }
    for (let u = 0; u < 400; u++) memberships.push({ groupId: `chain-g${u % 20}`, memberId: `chain-u${u}` });
    index.load({ ...data, memberships, grants });
    const model: RefData = { ...data, memberships, grants };
    for (let step = 0; step < 40; step++) {
      const cut = ((step * 7) % 19) + 1; // detach chain-g{cut-1} from chain-g{cut}, then put it back
      const pair = { groupId: `chain-g${cut}`, memberId: `chain-g${cut - 1}` };
      index.removeMember(pair.groupId, pair.memberId);
      const without: RefData = { ...model, memberships: model.memberships.filter((m) => m.groupId !== pair.groupId || m.memberId !== pair.memberId) };
      for (let u = 0; u < 400; u += 3) {
        const scopeOf = `/subscriptions/chain-${(u + step) % 20}/x/y`;
        expect(can(`chain-u${u}`, 'res/a/read', scopeOf, t0)).toBe(refAllowingGrants(without, `chain-u${u}`, 'res/a/read', scopeOf, t0).length > 0);
      }
      index.addMember(pair.groupId, pair.memberId);
      for (let u = 1; u < 400; u += 3) {
        const scopeOf = `/subscriptions/chain-${(u * step) % 20}`;
        expect(can(`chain-u${u}`, 'res/a/read', scopeOf, t0)).toBe(refAllowingGrants(model, `chain-u${u}`, 'res/a/read', scopeOf, t0).length > 0);
      }
    }
  });

  it('load replaces everything', () => {
    index.load({ roles: [], scopes: [], memberships: [], grants: [] });
    expect(can('alice', 'res/vms/read', RG1)).toBe(false);
    expect(index.stats()).toEqual({ grants: 0, timedMemberships: 0, principals: 0, scopes: 0, roles: 0 });
  });
});

describe('T5 in miniature: the end is compared on every check, nothing is removed', () => {
  it('10k grants sharing one end: all allowed at end - 1, none at end', () => {
    const end = t0 + 8 * H;
    const grants: Grant[] = [];
    for (let i = 0; i < 10_000; i++) grants.push(grant(`e${i}`, `u${i}`, i % 2 ? 'reader' : ROLE.owner, `/subscriptions/s${i % 7}`, t0, end));
    const index = new AccessIndex();
    index.load({ ...baseData(), grants });
    const action = (i: number): string => (i % 2 ? 'res/x/read' : 'openpim.resources/x/read');
    let before = 0;
    let after = 0;
    for (let i = 0; i < 10_000; i++) {
      if (index.isAllowed(`u${i}`, action(i), `/subscriptions/s${i % 7}/r/x`, end - 1)) before++;
      for (const at of [end, end + 1, end + 86_400_000]) if (index.isAllowed(`u${i}`, action(i), `/subscriptions/s${i % 7}/r/x`, at)) after++;
    }
    expect(before).toBe(10_000);
    expect(after).toBe(0);
  });
});

describe('helpers', () => {
  it.each([
    ['/', null],
    ['/administrativeUnits/x', '/'],
    ['/databases', '/'],
    ['/subscriptions/s1/resourceGroups/rg1', '/subscriptions/s1'],
    ['/subscriptions/s1/resourceGroups', '/subscriptions'],
  ])('parentPath(%s) = %s', (path, parent) => expect(parentPath(path)).toBe(parent));

  it.each([
    ['/', true],
    ['/a', true],
    ['/a/b', true],
    ['', false],
    ['a/b', false],
    ['/a/', false],
    ['//a', false],
    ['/a//b', false],
    ['/a/./b', false],
    ['/a/..', false],
    ['/a/.x', true],
  ])('isCanonicalScope(%s) = %s', (path, ok) => expect(isCanonicalScope(path)).toBe(ok));

  it('grantFromSchedule keeps open assignments only', () => {
    const s = { id: 's', kind: 'assignment', closed: false, principalId: 'p', roleDefinitionId: 'r', directoryScopeId: '/', startAt: 1, endAt: 2 } as Schedule;
    expect(grantFromSchedule(s)).toEqual({ id: 's', principalId: 'p', roleDefinitionId: 'r', scopeId: '/', startAt: 1, endAt: 2 });
    expect(grantFromSchedule({ ...s, kind: 'eligibility' })).toBeNull();
    expect(grantFromSchedule({ ...s, closed: true })).toBeNull();
  });
});
