/**
 * One answer to "what does P hold": OpenPIM's own authorization (app/caller.ts `resolveCaller`,
 * read from SQL, then app/authorization.ts `canAt`) and the decision index kept current from the
 * change feed (src/access, what POST /openpim/access/check and GET /openpim/access/principals/{id}
 * answer from) must agree on every principal, after any sequence of writes through the use cases.
 *
 * Writes (fast-check, seeded, a bounded number of runs of 30–60 steps; a failure is shrunk for at
 * most 150 s and reported with the disagreement and what the steps did, in names, not ids):
 * users (some created disabled) and groups (role-assignable or not); static memberships added and
 * removed, groups nested where allowed; PIM for Groups `member` and `owner` assignments and
 * eligibilities (held by users, service principals and groups); eligible and active assignments of
 * directory roles (built-in, and a custom one with mixed-case patterns and an exclusion) at `/` and
 * at an administrative unit and of resource roles at resource scopes, time-bound, permanent, and
 * starting later; activations (direct, through a group's eligibility, narrowed to a child scope,
 * of group membership); deactivations; removals (which end the activations made from an
 * eligibility); accounts disabled and enabled again; time moved on by durations and exactly onto
 * (and 1 ms before) the next start or end; the timeline run.
 *
 * What "holds" means on each side, and the common domain compared:
 *  - caller: `roles` (held at `/`) and `scopedRoles` (held at a narrower scope), each as
 *    (role, scope where it was granted); a principal that is no caller (disabled) holds nothing.
 *  - index: `holdings(P, now)`: every grant in effect held by P or by a group P is in now, as
 *    (role, scope where it was granted); a disabled principal holds nothing.
 *  - Compared as sets of (role, scope), for every principal that can be a caller (users, service
 *    principals, the bootstrap administrator): groups are not callers, so they are compared through
 *    their members. `member` assignments at `/groups/{id}` are left out of the caller's side: the
 *    caller lists them among its scoped roles, the index turns them into group memberships. So that
 *    membership is compared too, every group holds a marker grant of its own (`owner` of a marker
 *    group made for it), which a principal holds exactly when it is in that group now — statically,
 *    through PIM for Groups, or nested.
 *  - Disabled roles are in neither: a disabled role cannot be assigned (submitRequest refuses).
 *  - Decisions: for every such principal, every permission OpenPIM's authorization asks
 *    (PERMISSION) and every scope of the tenant (and an unregistered one, and one below a
 *    registered one), `canAt(caller, action, scopeAncestors(scope))` equals `check(…).allowed`.
 *
 * Holdings are compared after every step; decisions at checkpoints the sequence draws and at its
 * end. Every write that succeeds is counted, and floors on those counts (and on what the
 * comparisons saw: non-empty holdings, grants through groups, timed memberships, allowed
 * decisions, disabled principals) keep the test from passing on sequences that did nothing.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccessService } from '../../src/access/access-service.ts';
import { canAt, PERMISSION, type Permission } from '../../src/app/authorization.ts';
import { resolveCaller, type Caller } from '../../src/app/caller.ts';
import { addGroupMember, removeGroupMember } from '../../src/app/directory/change-group-members.ts';
import { createAdministrativeUnit } from '../../src/app/directory/create-administrative-unit.ts';
import { createGroup } from '../../src/app/directory/create-group.ts';
import { createServicePrincipal } from '../../src/app/directory/create-service-principal.ts';
import { createUser } from '../../src/app/directory/create-user.ts';
import { updateAccount } from '../../src/app/identity/update-account.ts';
import type { AccessReason } from '../../src/app/ports/access.ts';
import { createRoleDefinition } from '../../src/app/roles/create-role-definition.ts';
import { registerScope } from '../../src/app/scopes/register-scope.ts';
import { scopeAncestors } from '../../src/app/scopes/ancestry.ts';
import { isDomainError } from '../../src/domain/errors.ts';
import { GROUP_ROLE, groupOfScope, groupScope } from '../../src/domain/group-access.ts';
import type { Principal, RequestSchedule, ScheduleKind } from '../../src/domain/model.ts';
import { BUILT_IN_ROLES, ROLE } from '../../src/domain/roles/catalogue.ts';
import { MINUTE } from '../../src/domain/time.ts';
import { TEST_DATABASES, type TestDatabase } from '../support/databases.ts';
import { liveAccess, openHarness, type Harness } from '../support/harness.ts';
import { scheduleOf, type Span } from '../support/scenario.ts';

const DIRECTORY_ROLES: readonly string[] = [
  ROLE.securityReader,
  ROLE.globalReader,
  ROLE.userAdministrator,
  ROLE.groupsAdministrator,
  ROLE.helpdeskAdministrator,
];
const RESOURCE_ROLES: readonly string[] = [ROLE.reader, ROLE.contributor, ROLE.owner];
const RESOURCE_SCOPES = ['/subscriptions/s1', '/subscriptions/s2', '/subscriptions/s1/resourceGroups/rg1'];
/** Scopes asked about besides the tenant's own (`/`, the administrative unit, every group's). */
const ASKED_RESOURCE_SCOPES = [...RESOURCE_SCOPES, '/subscriptions/s1/resourceGroups/rg1/vms/v1', '/subscriptions/s3'];
const ACTIONS: readonly Permission[] = Object.values(PERMISSION);
const SPANS: readonly Span[] = ['PT1H', 'PT2H', 'P1D', 'permanent', { endIn: 'PT90M' }];
const ACTIVATION_SPANS: readonly Span[] = ['PT1H', 'PT4H', 'PT8H'];
const ROLE_NAMES = new Map<string, string>(BUILT_IN_ROLES.map((r) => [r.id, r.displayName]));

// ---- The steps a sequence is made of ---------------------------------------------------------

type Step =
  | { readonly op: 'createUser'; readonly enabled: boolean }
  | { readonly op: 'createGroup'; readonly assignable: boolean }
  | { readonly op: 'addMember'; readonly group: number; readonly member: number }
  | { readonly op: 'removeMember'; readonly pick: number }
  | {
      readonly op: 'assign';
      readonly kind: ScheduleKind;
      readonly holder: number;
      readonly role: number;
      readonly scope: number;
      readonly span: Span;
      readonly later: boolean;
    }
  | {
      readonly op: 'assignGroupAccess';
      readonly kind: ScheduleKind;
      readonly holder: number;
      readonly group: number;
      readonly owner: boolean;
      readonly span: Span;
      readonly later: boolean;
    }
  | { readonly op: 'activate'; readonly pick: number; readonly user: number; readonly narrow: boolean; readonly span: Span }
  | { readonly op: 'deactivate'; readonly pick: number }
  | { readonly op: 'remove'; readonly pick: number }
  | { readonly op: 'setEnabled'; readonly user: number; readonly enabled: boolean }
  | { readonly op: 'advance'; readonly by: string }
  | { readonly op: 'toBoundary'; readonly justBefore: boolean }
  | { readonly op: 'tick' }
  | { readonly op: 'checkpoint' };

const n = fc.nat(63);
const kind = fc.constantFrom<ScheduleKind>('eligibility', 'eligibility', 'assignment');
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ op: fc.constant('createUser' as const), enabled: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('createGroup' as const), assignable: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('addMember' as const), group: n, member: n }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('removeMember' as const), pick: n }) },
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constant('assign' as const),
      kind,
      holder: n,
      role: n,
      scope: n,
      span: fc.constantFrom(...SPANS),
      later: fc.nat(5).map((x) => x === 0),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('assignGroupAccess' as const),
      kind,
      holder: n,
      group: n,
      owner: fc.nat(3).map((x) => x === 0),
      span: fc.constantFrom(...SPANS),
      later: fc.nat(5).map((x) => x === 0),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({ op: fc.constant('activate' as const), pick: n, user: n, narrow: fc.boolean(), span: fc.constantFrom(...ACTIVATION_SPANS) }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('deactivate' as const), pick: n }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('remove' as const), pick: n }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('setEnabled' as const), user: n, enabled: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('advance' as const), by: fc.constantFrom('PT5M', 'PT10M', 'PT30M', 'PT1H', 'PT2H', 'P1D') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('toBoundary' as const), justBefore: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('tick' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('checkpoint' as const) }) },
);

// ---- The world a sequence writes to ----------------------------------------------------------

interface World {
  readonly h: Harness;
  readonly live: AccessService;
  readonly users: Principal[];
  readonly servicePrincipals: Principal[];
  /** Groups the steps use (not the marker groups). */
  readonly groups: Principal[];
  /** Every principal and group by id, for readable answers. */
  readonly names: Map<string, string>;
  readonly markerGroups: Set<string>;
  readonly au: string;
  /** Directory roles the steps assign: built-in ones and a custom one (mixed-case patterns, an exclusion). */
  readonly directoryRoles: readonly string[];
  /** Every scope decisions are asked at. */
  readonly askedScopes: string[];
  /** What the steps did so far, in names: a failure prints it. */
  readonly log: string[];
}

const pick = <T>(xs: readonly T[], i: number): T | undefined => (xs.length === 0 ? undefined : xs[i % xs.length]);

async function openWorld(database: TestDatabase): Promise<World> {
  const h = await openHarness(database);
  const live = await liveAccess(h);
  for (const id of RESOURCE_SCOPES) await registerScope(h.deps, h.admin, { id });
  const au = (await createAdministrativeUnit(h.deps, h.admin, { displayName: 'Europe' })).id;
  const custom = await createRoleDefinition(h.deps, h.admin, {
    displayName: 'Group helper',
    description: 'A custom role',
    isEnabled: true,
    allowedActions: ['OpenPIM.Directory/Groups/*', 'openpim.directory/users/*', 'openpim.directory/*/read'],
    excludedActions: ['openpim.directory/users/CREATE'],
  });
  const w: World = {
    h,
    live,
    users: [],
    servicePrincipals: [],
    groups: [],
    markerGroups: new Set(),
    au,
    names: new Map([
      [h.admin.principal.id, 'admin'],
      [custom.id, custom.displayName],
    ]),
    directoryRoles: [...DIRECTORY_ROLES, custom.id],
    askedScopes: ['/', au, ...ASKED_RESOURCE_SCOPES],
    log: [],
  };
  for (let i = 0; i < 4; i++) await addUser(w, true);
  const sp = await createServicePrincipal(h.deps, h.admin, { displayName: 'sp0', description: null, accountEnabled: true });
  w.servicePrincipals.push(sp);
  w.names.set(sp.id, sp.displayName);
  for (const assignable of [true, true, false, false]) await addGroup(w, assignable);
  w.log.push('0. users u0–u3, service principal sp0, groups A0 and A1 (role-assignable), O2 and O3, each owning its marker group mark-…');
  return w;
}

async function addUser(w: World, enabled: boolean): Promise<Principal> {
  const name = `u${w.users.length}`;
  const user = await createUser(w.h.deps, w.h.admin, { userPrincipalName: `${name}@contoso.test`, displayName: name, mail: null, accountEnabled: enabled });
  w.users.push(user);
  w.names.set(user.id, name);
  return user;
}

/** A group, and its marker: it owns a marker group of its own, so whoever is in it holds `owner` there. */
async function addGroup(w: World, assignable: boolean): Promise<Principal> {
  const name = `${assignable ? 'A' : 'O'}${w.groups.length}`;
  const make = (displayName: string, isAssignableToRole: boolean) =>
    createGroup(w.h.deps, w.h.admin, { displayName, description: null, mailNickname: null, isAssignableToRole });
  const group = await make(name, assignable);
  const marker = await make(`mark-${name}`, false);
  await w.h.submit(w.h.admin, {
    kind: 'assignment',
    action: 'adminAssign',
    principalId: group.id,
    roleDefinitionId: GROUP_ROLE.owner,
    directoryScopeId: groupScope(marker.id),
    scheduleInfo: scheduleOf(w.h, 'permanent'),
  });
  w.groups.push(group);
  w.names.set(group.id, name).set(marker.id, marker.displayName);
  w.markerGroups.add(marker.id);
  w.askedScopes.push(groupScope(group.id), groupScope(marker.id));
  return group;
}

const holders = (w: World): Principal[] => [...w.users, ...w.servicePrincipals, ...w.groups];

/** Open schedules, in an order that does not depend on generated ids (so a seed replays). */
async function openSchedules(w: World) {
  const rows = await w.h.store.db
    .selectFrom('schedules')
    .select(['id', 'kind', 'principal_id', 'role_definition_id', 'directory_scope_id', 'assignment_type', 'start_at', 'end_at'])
    .where('tenant_id', '=', w.h.tenantId)
    .where('closed', '=', 0)
    .execute();
  const key = (r: (typeof rows)[number]) => `${r.kind}|${w.names.get(r.principal_id)}|${r.role_definition_id}|${scopeLabel(w, r.directory_scope_id)}`;
  return rows
    .filter((r) => r.principal_id !== w.h.admin.principal.id && !w.markerGroups.has(groupOfScope(r.directory_scope_id) ?? ''))
    .sort((a, b) => key(a).localeCompare(key(b)));
}

function scopeLabel(w: World, scope: string): string {
  const group = groupOfScope(scope);
  if (group !== null) return `/groups/${w.names.get(group) ?? group}`;
  return scope === w.au ? '/administrativeUnits/Europe' : scope;
}

const roleLabel = (w: World, id: string): string => ROLE_NAMES.get(id) ?? w.names.get(id) ?? id;

// ---- Running a step --------------------------------------------------------------------------

type Outcome = 'ok' | 'refused' | 'nothing';

/**
 * Runs one step through the use cases and logs, in names rather than ids, what it did: 'ok' when
 * it wrote, 'refused' when a use case said no (a domain error), 'nothing' when there was nothing
 * to act on. Any other error fails the test.
 */
async function runStep(w: World, s: Step): Promise<Outcome> {
  const { h } = w;
  const name = (id: string) => w.names.get(id) ?? id;
  const spanText = (span: Span) => (typeof span === 'string' ? span : `until +${span.endIn}`);
  const admin = (
    kind: ScheduleKind,
    action: 'adminAssign' | 'adminRemove',
    principalId: string,
    roleDefinitionId: string,
    directoryScopeId: string,
    scheduleInfo?: RequestSchedule,
  ) => {
    w.log.push(
      `${action} ${kind} ${roleLabel(w, roleDefinitionId)} @ ${scopeLabel(w, directoryScopeId)} for ${name(principalId)}` +
        (scheduleInfo
          ? ` (${scheduleInfo.expiration.type === 'noExpiration' ? 'permanent' : 'time-bound'}${scheduleInfo.startDateTime ? ', starting later' : ''})`
          : ''),
    );
    return h.submit(h.admin, { kind, action, principalId, roleDefinitionId, directoryScopeId, ...(scheduleInfo ? { scheduleInfo } : {}) });
  };
  try {
    switch (s.op) {
      case 'createUser':
        w.log.push(`create user u${w.users.length}${s.enabled ? '' : ' (disabled)'}`);
        await addUser(w, s.enabled);
        return 'ok';
      case 'createGroup':
        w.log.push(`create group ${s.assignable ? 'A' : 'O'}${w.groups.length}${s.assignable ? ' (role-assignable)' : ''}`);
        await addGroup(w, s.assignable);
        return 'ok';
      case 'addMember': {
        const group = pick(w.groups, s.group)!;
        const member = pick(holders(w), s.member)!;
        w.log.push(`add ${member.displayName} to ${group.displayName}`);
        await addGroupMember(h.deps, h.admin, group.id, member.id);
        return 'ok';
      }
      case 'removeMember': {
        const groupIds = new Set(w.groups.map((g) => g.id));
        const rows = (await h.store.db.selectFrom('group_members').select(['group_id', 'member_id']).where('tenant_id', '=', h.tenantId).execute())
          .filter((r) => groupIds.has(r.group_id))
          .map((r) => ({ ...r, key: `${name(r.group_id)}|${name(r.member_id)}` }))
          .sort((a, b) => a.key.localeCompare(b.key));
        const row = pick(rows, s.pick);
        if (!row) return 'nothing';
        w.log.push(`remove ${name(row.member_id)} from ${name(row.group_id)}`);
        await removeGroupMember(h.deps, h.admin, row.group_id, row.member_id);
        return 'ok';
      }
      case 'assign': {
        const role = pick([...w.directoryRoles, ...RESOURCE_ROLES], s.role)!;
        const scope = RESOURCE_ROLES.includes(role) ? pick(RESOURCE_SCOPES, s.scope)! : pick(['/', w.au], s.scope)!;
        await admin(s.kind, 'adminAssign', pick(holders(w), s.holder)!.id, role, scope, scheduleOf(h, s.span, s.later ? 'PT30M' : undefined));
        return 'ok';
      }
      case 'assignGroupAccess': {
        const group = pick(w.groups, s.group)!;
        const role = s.owner ? GROUP_ROLE.owner : GROUP_ROLE.member;
        await admin(s.kind, 'adminAssign', pick(holders(w), s.holder)!.id, role, groupScope(group.id), scheduleOf(h, s.span, s.later ? 'PT30M' : undefined));
        return 'ok';
      }
      case 'activate': {
        // An eligibility in effect now; a group's is activated by one of its members now.
        const now = h.clock.now();
        const e = pick(
          (await openSchedules(w)).filter((r) => r.kind === 'eligibility' && r.start_at <= now && (r.end_at === null || now < r.end_at)),
          s.pick,
        );
        if (!e) return 'nothing';
        const direct = w.users.find((u) => u.id === e.principal_id);
        const inGroup: Principal[] = [];
        if (!direct) for (const u of w.users) if ((await h.store.read.principals.groupsOf(h.tenantId, u.id, now)).includes(e.principal_id)) inGroup.push(u);
        const user = direct ?? pick(inGroup, s.user);
        if (!user) return 'nothing';
        const scope = s.narrow && e.directory_scope_id === '/subscriptions/s1' ? '/subscriptions/s1/resourceGroups/rg1' : e.directory_scope_id;
        w.log.push(
          `${user.displayName} activates ${roleLabel(w, e.role_definition_id)} @ ${scopeLabel(w, scope)} for ${spanText(s.span)}` +
            (direct ? '' : ` (eligible through ${name(e.principal_id)})`),
        );
        await h.submit(await h.caller(user), {
          action: 'selfActivate',
          principalId: user.id,
          roleDefinitionId: e.role_definition_id,
          directoryScopeId: scope,
          scheduleInfo: scheduleOf(h, s.span),
        });
        return 'ok';
      }
      case 'deactivate': {
        // An activation in effect; none can end in its first 5 minutes, so time moves on that far if need be.
        const now = h.clock.now();
        const a = pick(
          (await openSchedules(w)).filter((r) => r.assignment_type === 'Activated' && r.start_at <= now && (r.end_at === null || now < r.end_at)),
          s.pick,
        );
        if (!a) return 'nothing';
        const wait = Math.max(0, a.start_at + 5 * MINUTE - now);
        w.log.push(
          `${wait > 0 ? `time +${wait / MINUTE} min, then ` : ''}${name(a.principal_id)} deactivates ${roleLabel(w, a.role_definition_id)} @ ${scopeLabel(w, a.directory_scope_id)}`,
        );
        h.clock.advance(wait);
        await h.submit(await h.caller(a.principal_id), {
          action: 'selfDeactivate',
          principalId: a.principal_id,
          roleDefinitionId: a.role_definition_id,
          directoryScopeId: a.directory_scope_id,
        });
        return 'ok';
      }
      case 'remove': {
        const now = h.clock.now();
        const r = pick(
          (await openSchedules(w)).filter((x) => x.assignment_type !== 'Activated' && (x.end_at === null || now < x.end_at)),
          s.pick,
        );
        if (!r) return 'nothing';
        await admin(r.kind, 'adminRemove', r.principal_id, r.role_definition_id, r.directory_scope_id);
        return 'ok';
      }
      case 'setEnabled': {
        const user = pick(w.users, s.user)!;
        w.log.push(`${s.enabled ? 'enable' : 'disable'} ${user.displayName}`);
        await updateAccount(h.deps, h.admin, user.id, { accountEnabled: s.enabled });
        return 'ok';
      }
      case 'advance':
        w.log.push(`time +${s.by}`);
        h.clock.advance(s.by);
        return 'ok';
      case 'toBoundary': {
        const now = h.clock.now();
        const times = (await openSchedules(w)).flatMap((r) => (r.end_at === null ? [r.start_at] : [r.start_at, r.end_at])).filter((t) => t > now);
        if (times.length === 0) return 'nothing';
        const to = Math.max(now, Math.min(...times) - (s.justBefore ? 1 : 0));
        w.log.push(`time to ${s.justBefore ? '1 ms before ' : ''}the next start or end (+${to - now} ms)`);
        h.clock.set(to);
        return 'ok';
      }
      case 'tick':
        w.log.push('the timeline runs');
        await h.tick();
        return 'ok';
      case 'checkpoint':
        return 'ok';
    }
  } catch (error) {
    if (isDomainError(error)) {
      w.log.push(`  refused: ${error.code}`);
      return 'refused';
    }
    throw error;
  }
}

// ---- Comparing the two answers ---------------------------------------------------------------

/** What the comparisons saw, so that the floors can say they saw something. */
interface Seen {
  nonEmpty: number;
  throughGroups: number;
  timedMemberships: number;
  notCallers: number;
  decisions: number;
  allowed: number;
}

async function callerOf(w: World, principalId: string, now: number): Promise<Caller | null> {
  try {
    return await resolveCaller(
      w.h.store.read,
      { tenantId: w.h.tenantId, principalId, amr: ['pwd', 'mfa'], authTime: now, acrs: [], correlationId: 'agreement' },
      now,
      15 * MINUTE,
    );
  } catch (error) {
    if (isDomainError(error) && error.code === 'InvalidAuthenticationToken') return null;
    throw error;
  }
}

/** The caller's holdings: roles at `/` and at narrower scopes, without `member` at a group's scope (a membership, to the index). */
function callerHolds(w: World, caller: Caller | null): string[] {
  if (!caller) return [];
  const pairs = [
    ...caller.roles.map((r) => ({ role: r.id, scope: '/' })),
    ...caller.scopedRoles
      .filter((s) => !(s.role.id === GROUP_ROLE.member && groupOfScope(s.scopeId) !== null))
      .map((s) => ({ role: s.role.id, scope: s.scopeId })),
  ];
  return [...new Set(pairs.map((p) => `${roleLabel(w, p.role)} @ ${scopeLabel(w, p.scope)}`))].sort();
}

function indexHolds(w: World, holdings: readonly AccessReason[]): string[] {
  return [...new Set(holdings.map((r) => `${roleLabel(w, r.roleDefinitionId)} @ ${scopeLabel(w, r.scopeId)}`))].sort();
}

/** Compares holdings (and, with `decisions`, every permission at every scope) for every principal that can be a caller; throws a readable diff. */
async function compare(w: World, where: string, decisions: boolean, seen: Seen): Promise<void> {
  const { h, live } = w;
  const now = h.clock.now();
  const problems: string[] = [];
  const ancestors = decisions ? await Promise.all(w.askedScopes.map((s) => scopeAncestors(h.store.read, h.tenantId, s))) : [];
  const principals = [h.admin.principal, ...w.users, ...w.servicePrincipals];
  for (const p of principals) {
    const name = w.names.get(p.id)!;
    const caller = await callerOf(w, p.id, now);
    const holdings = await live.holdings(h.tenantId, p.id, now);
    const sql = callerHolds(w, caller);
    const index = indexHolds(w, holdings);
    if (!caller) seen.notCallers++;
    if (index.length > 0) seen.nonEmpty++;
    seen.throughGroups += holdings.filter((r) => r.via === 'group').length;
    seen.timedMemberships += caller?.scopedRoles.filter((s) => s.role.id === GROUP_ROLE.member).length ?? 0;
    if (sql.join('\n') !== index.join('\n')) {
      const onlySql = sql.filter((x) => !index.includes(x));
      const onlyIndex = index.filter((x) => !sql.includes(x));
      problems.push(
        [
          `${name} (${caller ? 'a caller' : 'not a caller: disabled'}) — the caller and the index disagree on what it holds:`,
          ...onlySql.map((x) => `    only the caller (SQL):  ${x}`),
          ...onlyIndex.map((x) => `    only the index:         ${x}`),
          ...sql.filter((x) => index.includes(x)).map((x) => `    both:                   ${x}`),
        ].join('\n'),
      );
    }
    if (!decisions) continue;
    for (const [i, scope] of w.askedScopes.entries()) {
      for (const action of ACTIONS) {
        const byCaller = caller !== null && canAt(caller, action, ancestors[i]!);
        const byIndex = (await live.check(h.tenantId, p.id, action, scope, now)).allowed;
        seen.decisions++;
        if (byIndex) seen.allowed++;
        if (byCaller !== byIndex) problems.push(`${name} may ${action} at ${scopeLabel(w, scope)}? authorization (caller): ${byCaller}, index: ${byIndex}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(`${where}, at ${new Date(now).toISOString()}:\n${problems.join('\n')}\n\nWhat the steps did:\n${w.log.map((l) => `  ${l}`).join('\n')}`);
  }
}

// ---- The test --------------------------------------------------------------------------------

const RUNS = { sqlite: 24, postgres: 6 } as const;
const SEEDS = { sqlite: 0x0c411e12, postgres: 0x1d3e12 } as const;
const STEPS = { minLength: 30, maxLength: 60 } as const;
/** Steps that write nothing themselves. */
const NOT_WRITES: readonly Step['op'][] = ['advance', 'toBoundary', 'tick', 'checkpoint'];

describe.each(TEST_DATABASES)('caller and access index agree on $name', (database) => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.h.close();
    w = undefined;
  });

  it('on what every principal holds, and on every permission at every scope, after random write sequences', async () => {
    const ok = new Map<Step['op'], number>();
    const seen: Seen = { nonEmpty: 0, throughGroups: 0, timedMemberships: 0, notCallers: 0, decisions: 0, allowed: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, STEPS), async (steps) => {
        await w?.h.close();
        w = await openWorld(database);
        for (const [i, step] of steps.entries()) {
          const logged = w.log.length;
          const outcome = await runStep(w, step);
          if (w.log.length > logged) w.log[logged] = `${i + 1}. ${w.log[logged]}`;
          if (outcome === 'ok') ok.set(step.op, (ok.get(step.op) ?? 0) + 1);
          await compare(w, `After step ${i + 1} (${step.op}: ${outcome})`, step.op === 'checkpoint', seen);
        }
        await compare(w, 'At the end of the sequence', true, seen);
      }),
      {
        seed: SEEDS[database.name],
        numRuns: RUNS[database.name],
        // Shrinking replays whole sequences on a fresh database: bounded, and never a silent pass.
        interruptAfterTimeLimit: 150_000,
        markInterruptAsFailure: true,
      },
    );

    // Floors, counted over all runs; the seeded runs do several times more.
    const runs = RUNS[database.name];
    const wrote = (op: Step['op']) => ok.get(op) ?? 0;
    const writes = [...ok].filter(([op]) => !NOT_WRITES.includes(op)).reduce((sum, [, k]) => sum + k, 0);
    expect(writes, 'successful writes').toBeGreaterThanOrEqual(12 * runs);
    expect(wrote('assign'), 'successful role assignments').toBeGreaterThanOrEqual(3 * runs);
    for (const op of ['assignGroupAccess', 'addMember'] as const) expect(wrote(op), `successful ${op}`).toBeGreaterThanOrEqual(2 * runs);
    for (const op of ['activate', 'remove'] as const) expect(wrote(op), `successful ${op}`).toBeGreaterThanOrEqual(runs);
    for (const op of ['deactivate', 'removeMember', 'setEnabled', 'createUser', 'createGroup', 'toBoundary', 'tick'] as const) {
      expect(wrote(op), `successful ${op}`).toBeGreaterThanOrEqual(Math.ceil(runs / 3));
    }
    expect(seen.nonEmpty, 'comparisons of a principal holding something').toBeGreaterThanOrEqual(50 * runs);
    expect(seen.throughGroups, 'holdings through groups').toBeGreaterThanOrEqual(30 * runs);
    expect(seen.timedMemberships, 'PIM for Groups memberships in effect').toBeGreaterThanOrEqual(3 * runs);
    expect(seen.notCallers, 'comparisons of a disabled principal').toBeGreaterThanOrEqual(5 * runs);
    expect(seen.decisions, 'decisions compared').toBeGreaterThanOrEqual(2000 * runs);
    expect(seen.allowed, 'decisions that allow').toBeGreaterThanOrEqual(300 * runs);
  }, 300_000);
});
