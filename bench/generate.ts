/**
 * The benchmark's seeded data, shared by every phase. Same seed and sizes, same world.
 *
 * At full scale: 1M assignments, 200k users, 20k groups (users in ~2.5 groups each, a fifth of the
 * groups nested in another, no cycles), 4-level scopes (subscription / resource group / resource
 * registered, a 4th level below them unregistered), time windows (60% permanent, 40% bounded, some
 * already ended but never removed), the built-in role mix, a fifth of the grants held by groups.
 * No two open grants share (principal, role, scope), as the database's unique index demands.
 */
import { AccessIndex, type AccessSnapshot, type Grant, type Membership } from '../src/access/index.ts';
import type { Scope } from '../src/domain/model.ts';
import { builtInRoles, ROLE } from '../src/domain/roles/catalogue.ts';

export const TENANT = 'bench-tenant';
/** The in-memory phases' instant; the database phase uses the real clock instead. */
export const NOW = Date.parse('2026-01-05T09:00:00Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface Sizes {
  readonly grants: number;
  readonly users: number;
  readonly groups: number;
}

/** 1M grants / 200k users / 20k groups times `scale`. */
export const sizesAt = (scale: number): Sizes => ({
  grants: Math.round(1_000_000 * scale),
  users: Math.round(200_000 * scale),
  groups: Math.round(20_000 * scale),
});

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<X>(xs: X[] | Uint32Array, rnd: () => number): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = xs[i]!;
    xs[i] = xs[j]!;
    xs[j] = t;
  }
}

/**
 * A flat (sequential) copy of a string. Strings built by concatenation are trees of cons and
 * sliced strings, several heap objects each; strings read from a database or parsed from a
 * request are flat. The bench uses flat ones so that neither memory nor lookups are distorted.
 */
export const flat = (s: string): string => Buffer.from(s, 'latin1').toString('latin1');

export function uuid(rnd: () => number): string {
  const h = (): string =>
    Math.floor(rnd() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  const a = h() + h() + h() + h();
  return flat(`${a.slice(0, 8)}-${a.slice(8, 12)}-4${a.slice(13, 16)}-8${a.slice(17, 20)}-${a.slice(20, 32)}`);
}

const R = 'openpim.resources';
const D = 'openpim.directory';
/** Actions each role allows, for aiming checks; and a pool for random (mostly denied) ones. */
export const ACTIONS: Record<string, string[]> = {
  [ROLE.owner]: [`${R}/virtualMachines/write`, `${R}/roleAssignments/write`, `${R}/databases/delete`, `${R}/virtualMachines/read`],
  [ROLE.contributor]: [`${R}/virtualMachines/write`, `${R}/databases/delete`, `${R}/storageAccounts/read`],
  [ROLE.reader]: [`${R}/virtualMachines/read`, `${R}/databases/read`, `${R}/storageAccounts/read`],
  [ROLE.userAccessAdministrator]: [`${R}/roleAssignments/write`, `${R}/databases/read`],
  [ROLE.globalReader]: [`${D}/users/read`, `${D}/groups/read`, `${D}/auditLogs/read`],
  [ROLE.userAdministrator]: [`${D}/users/update`, `${D}/groups/create`],
  [ROLE.helpdeskAdministrator]: [`${D}/users/password/update`],
  [ROLE.securityReader]: [`${D}/securityAlerts/read`],
  [ROLE.groupsAdministrator]: [`${D}/groups/members/update`],
  [ROLE.globalAdministrator]: [`${D}/roleAssignments/manage`],
};
/** Every action a check may ask about (the casbin comparison expands roles over exactly these). */
export const ACTION_POOL = [...new Set(Object.values(ACTIONS).flat()), `${R}/virtualMachines/restart/action`, `${D}/users/delete`];

export interface World {
  readonly now: number;
  readonly snapshot: AccessSnapshot;
  readonly users: string[];
  readonly groups: string[];
  /** Direct members of each group (by group index), for aiming allowed checks. */
  readonly membersOf: string[][];
  readonly resources: string[];
  /** Registered children of each subscription and resource group. */
  readonly children: Map<string, string[]>;
}

const SUBS = 50;
const RGS_PER_SUB = 20;
const RES_PER_RG = 20;

/** Same seed, sizes and `now`, same world (ids are regenerated as new strings: nothing is shared with an earlier call). */
export function generate(seed: number, sizes: Sizes, now = NOW): World {
  const rnd = mulberry32(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const users = Array.from({ length: sizes.users }, () => uuid(rnd));
  const groups = Array.from({ length: sizes.groups }, () => uuid(rnd));

  const scopes: Scope[] = [{ tenantId: TENANT, id: '/', type: 'tenant', displayName: 'Tenant', parentId: null }];
  const aus: string[] = [];
  for (let i = 0; i < 100; i++) {
    const id = flat(`/administrativeUnits/${uuid(rnd)}`);
    aus.push(id);
    scopes.push({ tenantId: TENANT, id, type: 'administrativeUnit', displayName: id, parentId: '/' });
  }
  const subs: string[] = [];
  const rgs: string[] = [];
  const resources: string[] = [];
  const children = new Map<string, string[]>();
  for (let s = 0; s < SUBS; s++) {
    const sub = flat(`/subscriptions/${uuid(rnd)}`);
    subs.push(sub);
    children.set(sub, []);
    scopes.push({ tenantId: TENANT, id: sub, type: 'resource', displayName: sub, parentId: '/' });
    for (let g = 0; g < RGS_PER_SUB; g++) {
      const rg = flat(`${sub}/resourceGroups/rg-${g}`);
      rgs.push(rg);
      children.get(sub)!.push(rg);
      children.set(rg, []);
      scopes.push({ tenantId: TENANT, id: rg, type: 'resource', displayName: rg, parentId: sub });
      for (let r = 0; r < RES_PER_RG; r++) {
        const res = flat(`${rg}/${r % 2 ? 'databases' : 'virtualMachines'}/res-${r}`);
        resources.push(res);
        children.get(rg)!.push(res);
        scopes.push({ tenantId: TENANT, id: res, type: 'resource', displayName: res, parentId: rg });
      }
    }
  }
  const scopeNumber = new Map(scopes.map((s, i) => [s.id, i]));

  const memberships: Membership[] = [];
  const membersOf: string[][] = groups.map(() => []);
  for (const u of users) {
    const k = int(6); // 0..5 distinct groups, mean 2.5
    const mine: number[] = [];
    for (let j = 0; j < k; j++) {
      let g = int(sizes.groups);
      while (mine.includes(g)) g = int(sizes.groups);
      mine.push(g);
      memberships.push({ groupId: groups[g]!, memberId: u });
      membersOf[g]!.push(u);
    }
  }
  // Each group nested in at most one other; a nesting that would close a cycle is skipped (the API refuses those).
  const parentOf = new Int32Array(sizes.groups).fill(-1);
  for (let g = 0; g < sizes.groups; g++) {
    if (rnd() < 0.2) {
      const parent = int(sizes.groups);
      let p = parent;
      while (p !== -1 && p !== g) p = parentOf[p]!;
      if (p === g) continue;
      parentOf[g] = parent;
      memberships.push({ groupId: groups[parent]!, memberId: groups[g]! });
      membersOf[parent]!.push(groups[g]!);
    }
  }

  const resourceRole = (): string => {
    const x = rnd();
    return x < 0.1 ? ROLE.owner : x < 0.35 ? ROLE.contributor : x < 0.9 ? ROLE.reader : ROLE.userAccessAdministrator;
  };
  const directoryRole = (): string => {
    const x = rnd();
    if (x < 0.003) return ROLE.globalAdministrator;
    return x < 0.3
      ? ROLE.globalReader
      : x < 0.5
        ? ROLE.userAdministrator
        : x < 0.7
          ? ROLE.helpdeskAdministrator
          : x < 0.85
            ? ROLE.securityReader
            : ROLE.groupsAdministrator;
  };
  const roleNumber = new Map<string, number>(Object.values(ROLE).map((id, i) => [id, i]));
  const taken = new Set<number>();
  const grants: Grant[] = [];
  while (grants.length < sizes.grants) {
    const toGroup = rnd() < 0.2;
    const holder = toGroup ? sizes.users + int(sizes.groups) : int(sizes.users);
    const principalId = holder >= sizes.users ? groups[holder - sizes.users]! : users[holder]!;
    let roleDefinitionId: string;
    let scopeId: string;
    if (rnd() < 0.15) {
      roleDefinitionId = directoryRole();
      scopeId = roleDefinitionId === ROLE.globalAdministrator || rnd() < 0.5 ? '/' : aus[int(aus.length)]!;
    } else {
      roleDefinitionId = resourceRole();
      const x = rnd();
      scopeId = x < 0.05 ? subs[int(subs.length)]! : x < 0.35 ? rgs[int(rgs.length)]! : resources[int(resources.length)]!;
    }
    let startAt = now - 365 * DAY;
    let endAt: number | null = null;
    if (rnd() < 0.4) {
      startAt = now - int(30 * DAY) + int(DAY);
      endAt = startAt + HOUR + int(30 * DAY);
    }
    const id = uuid(rnd);
    // One open grant per (principal, role, scope): a repeat is drawn again.
    const key = (holder * 32 + roleNumber.get(roleDefinitionId)!) * 32_768 + scopeNumber.get(scopeId)!;
    if (taken.has(key)) continue;
    taken.add(key);
    grants.push({ id, principalId, roleDefinitionId, scopeId, startAt, endAt });
  }
  return { now, snapshot: { roles: builtInRoles(TENANT), scopes, memberships, grants }, users, groups, membersOf, resources, children };
}

export interface Checks {
  principal: string[];
  action: string[];
  scope: string[];
  at: Float64Array;
  allowed: number;
}

/**
 * `n` checks, half aimed at a grant (its holder or a member of the holder group, at or below its
 * scope, one of its role's actions), half random; rebalanced to 50/50 allow/deny by asking
 * `index` (null: not rebalanced, `allowed` then 0). `atOf` picks each check's instant (default:
 * within the hour after `world.now`).
 */
export function sampleChecks(
  world: World,
  index: Pick<AccessIndex, 'isAllowed'> | null,
  seed: number,
  n: number,
  atOf?: (rnd: () => number) => number,
): Checks {
  const rnd = mulberry32(seed);
  const int = (k: number): number => Math.floor(rnd() * k);
  const instant = atOf ?? ((): number => world.now + int(HOUR));
  const groupIndex = new Map(world.groups.map((g, i) => [g, i]));
  const { grants } = world.snapshot;
  const want = n / 2;
  const allow: [string, string, string, number][] = [];
  const deny: [string, string, string, number][] = [];
  // A scope at or below `scope`: itself, a registered descendant, or an unregistered 4th level.
  const below = (scope: string): string => {
    if (scope === '/' || scope.startsWith('/administrativeUnits/')) return rnd() < 0.5 ? scope : world.resources[int(world.resources.length)]!;
    let at = scope;
    for (let kids = world.children.get(at); kids !== undefined && rnd() < 0.7; kids = world.children.get(at)) at = kids[int(kids.length)]!;
    return rnd() < 0.3 ? flat(`${at}/tables/t-${int(50)}`) : at;
  };
  let guard = 0;
  while ((allow.length < want || deny.length < want) && guard++ < n * 20) {
    let req: [string, string, string, number];
    if (rnd() < 0.5) {
      const g = grants[int(grants.length)]!;
      const gi = groupIndex.get(g.principalId);
      let principal = g.principalId;
      if (gi !== undefined) {
        const members = world.membersOf[gi]!;
        if (members.length > 0) principal = members[int(members.length)]!;
      }
      const actions = ACTIONS[g.roleDefinitionId]!;
      req = [principal, actions[int(actions.length)]!, below(g.scopeId), instant(rnd)];
    } else {
      const scope = rnd() < 0.5 ? world.resources[int(world.resources.length)]! : flat(`${world.resources[int(world.resources.length)]!}/tables/t-${int(50)}`);
      req = [world.users[int(world.users.length)]!, ACTION_POOL[int(ACTION_POOL.length)]!, scope, instant(rnd)];
    }
    if (index === null) {
      deny.push(req);
      if (deny.length >= n) break;
      continue;
    }
    const ok = index.isAllowed(req[0], req[1], req[2], req[3]);
    if (ok && allow.length < want) allow.push(req);
    else if (!ok && deny.length < want) deny.push(req);
  }
  const all = [...allow, ...deny];
  shuffle(all, rnd);
  return {
    principal: all.map((r) => r[0]),
    action: all.map((r) => r[1]),
    scope: all.map((r) => r[2]),
    at: Float64Array.from(all, (r) => r[3]),
    allowed: allow.length,
  };
}

/** An index over a world's snapshot. */
export function indexOf(world: World): AccessIndex {
  const index = new AccessIndex();
  index.load(world.snapshot);
  return index;
}
