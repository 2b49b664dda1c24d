/**
 * The reference evaluator: the access rules written as plainly as possible, to check the decision
 * index against (test/access/property.test.ts). Loops over every grant; no caches, no indexes. It
 * deliberately imports nothing from src/access (nor the domain's matcher): if the two disagree, one
 * is wrong.
 *
 * Group membership (decision 0007): static memberships have no window; a `member` grant at
 * `/groups/{id}` is not a grant but a membership of that group for its window. Through a chain
 * of memberships a principal holds a group's grants while every membership on the chain is in
 * effect; a reason through groups ends at the earliest of the grant's end and the chain's
 * memberships' ends, taking the chain that lasts longest when there are several.
 */

export interface RefRole {
  id: string;
  allowedActions: readonly string[];
  excludedActions: readonly string[];
  isEnabled: boolean;
}
export interface RefScope {
  id: string;
  parentId: string | null;
}
export interface RefGrant {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  scopeId: string;
  startAt: number;
  endAt: number | null;
}
export interface RefData {
  roles: readonly RefRole[];
  scopes: readonly RefScope[];
  memberships: readonly { groupId: string; memberId: string }[];
  grants: readonly RefGrant[];
}

/** The group a `member` grant at `/groups/{id}` makes its principal a member of; null for any other grant. */
export function refMembershipGroup(g: RefGrant): string | null {
  if (g.roleDefinitionId !== 'member' || !g.scopeId.startsWith('/groups/')) return null;
  const id = g.scopeId.slice('/groups/'.length);
  return id !== '' && !id.includes('/') ? id : null;
}

/** The grants that are grants (not memberships). */
export const ordinaryGrants = (data: RefData): RefGrant[] => data.grants.filter((g) => refMembershipGroup(g) === null);

/** Every membership edge in effect at `at`, with its end (Infinity: static, or a permanent member grant). */
export function membershipsAt(data: RefData, at: number): { groupId: string; memberId: string; end: number }[] {
  const edges = data.memberships.map((m) => ({ groupId: m.groupId, memberId: m.memberId, end: Infinity }));
  for (const g of data.grants) {
    const group = refMembershipGroup(g);
    if (group !== null && inEffect(g, at)) edges.push({ groupId: group, memberId: g.principalId, end: g.endAt ?? Infinity });
  }
  return edges;
}

/**
 * The principal (until Infinity) and every group it is in at `at`, directly or through other
 * groups, each with how long: the latest, over chains, of the earliest end on the chain.
 * Relaxes every edge until nothing changes.
 */
export function principalAndGroups(data: RefData, principalId: string, at: number): Map<string, number> {
  const edges = membershipsAt(data, at);
  const until = new Map<string, number>([[principalId, Infinity]]);
  for (let changed = true; changed;) {
    changed = false;
    for (const e of edges) {
      const from = until.get(e.memberId);
      if (from === undefined || e.groupId === principalId) continue;
      const end = Math.min(from, e.end);
      if ((until.get(e.groupId) ?? -Infinity) < end) {
        until.set(e.groupId, end);
        changed = true;
      }
    }
  }
  return until;
}

/** A well-formed path: `/`, or non-empty segments (not `.` or `..`) after each `/`. */
export function wellFormed(path: string): boolean {
  if (path === '/') return true;
  if (!path.startsWith('/')) return false;
  const parts = path.split('/').slice(1);
  return parts.every((p) => p !== '' && p !== '.' && p !== '..');
}

/** The parent: a registered scope's own parentId if it has one, else the path minus its last two segments. */
export function parentOf(data: RefData, path: string): string | null {
  const registered = data.scopes.find((s) => s.id === path);
  if (registered && registered.parentId !== null) return registered.parentId;
  if (path === '/') return null;
  const parts = path.split('/').slice(1);
  if (parts.length <= 2) return '/';
  return '/' + parts.slice(0, parts.length - 2).join('/');
}

/** The path and all its ancestors (a parent loop stops at the first repeat). */
export function scopeAndAncestors(data: RefData, path: string): string[] {
  const out: string[] = [];
  let current: string | null = path;
  while (current !== null && !out.includes(current)) {
    out.push(current);
    current = parentOf(data, current);
  }
  return out;
}

function patternMatches(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  const p = pattern.split('/');
  const a = action.split('/');
  if (p.length !== a.length) return false;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '*') continue;
    if (p[i]!.toLowerCase() !== a[i]!.toLowerCase()) return false;
  }
  return true;
}

export function refRoleAllows(role: RefRole | undefined, action: string): boolean {
  if (!role || !role.isEnabled) return false;
  const allowed = role.allowedActions.some((p) => patternMatches(p, action));
  const excluded = role.excludedActions.some((p) => patternMatches(p, action));
  return allowed && !excluded;
}

export const inEffect = (g: RefGrant, at: number): boolean => g.startAt <= at && (g.endAt === null || at < g.endAt);

/** A grant the principal holds at `at`, and until when it holds it (null = never ends). */
export interface RefReason {
  grant: RefGrant;
  endAt: number | null;
}

/**
 * The grants the principal holds at `at` (through groups: while in them), optionally only those
 * applying at `scope` and only those allowing `action`.
 */
export function refReasons(data: RefData, principalId: string, at: number, scope?: string, action?: string): RefReason[] {
  if (scope !== undefined && !wellFormed(scope)) return [];
  const holders = principalAndGroups(data, principalId, at);
  const scopes = scope === undefined ? null : scopeAndAncestors(data, scope);
  return ordinaryGrants(data)
    .filter((g) => holders.has(g.principalId) && inEffect(g, at) && (scopes === null || scopes.includes(g.scopeId)))
    .filter(
      (g) =>
        action === undefined ||
        refRoleAllows(
          data.roles.find((r) => r.id === g.roleDefinitionId),
          action,
        ),
    )
    .map((g) => {
      const end = Math.min(g.endAt ?? Infinity, holders.get(g.principalId)!);
      return { grant: g, endAt: end === Infinity ? null : end };
    });
}

/** The grants that allow `action` for the principal at the scope at `at` (empty = deny). */
export function refAllowingGrants(data: RefData, principalId: string, action: string, scope: string, at: number): RefGrant[] {
  return refReasons(data, principalId, at, scope, action).map((r) => r.grant);
}

export const refCheck = (data: RefData, principalId: string, action: string, scope: string, at: number): boolean =>
  refAllowingGrants(data, principalId, action, scope, at).length > 0;

/** What the principal holds at `at` (optionally only what applies at `scope`). */
export function refHoldings(data: RefData, principalId: string, at: number, scope?: string): RefGrant[] {
  return refReasons(data, principalId, at, scope).map((r) => r.grant);
}

/** Who holds what at `scope` at `at`: every principal named anywhere in the data, and what it holds there. */
export function refHolders(data: RefData, scope: string, at: number): (RefReason & { principalId: string })[] {
  const everyone = new Set<string>();
  for (const m of data.memberships) everyone.add(m.groupId).add(m.memberId);
  for (const g of data.grants) everyone.add(g.principalId).add(refMembershipGroup(g) ?? g.principalId);
  return [...everyone].flatMap((p) => refReasons(data, p, at, scope).map((r) => ({ principalId: p, ...r })));
}
