/**
 * The reference evaluator: the access rules written as plainly as possible, to check the decision
 * index against (TARGETS T12). Loops over every grant; no caches, no indexes. It deliberately
 * imports nothing from src/access (nor the domain's matcher): if the two disagree, one is wrong.
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

/** The principal and every group it is in, directly or through other groups. */
export function principalAndGroups(data: RefData, principalId: string): Set<string> {
  const found = new Set<string>();
  const visit = (id: string): void => {
    if (found.has(id)) return;
    found.add(id);
    for (const m of data.memberships) if (m.memberId === id) visit(m.groupId);
  };
  visit(principalId);
  return found;
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

/** The grants that allow `action` for the principal at the scope at `at` (empty = deny). */
export function refAllowingGrants(data: RefData, principalId: string, action: string, scope: string, at: number): RefGrant[] {
  if (!wellFormed(scope)) return [];
  const holders = principalAndGroups(data, principalId);
  const scopes = scopeAndAncestors(data, scope);
  return data.grants.filter((g) =>
    holders.has(g.principalId) &&
    scopes.includes(g.scopeId) &&
    inEffect(g, at) &&
    refRoleAllows(data.roles.find((r) => r.id === g.roleDefinitionId), action));
}

export const refCheck = (data: RefData, principalId: string, action: string, scope: string, at: number): boolean =>
  refAllowingGrants(data, principalId, action, scope, at).length > 0;

/** What the principal holds at `at` (optionally only what applies at `scope`). */
export function refHoldings(data: RefData, principalId: string, at: number, scope?: string): RefGrant[] {
  if (scope !== undefined && !wellFormed(scope)) return [];
  const holders = principalAndGroups(data, principalId);
  const scopes = scope === undefined ? null : scopeAndAncestors(data, scope);
  return data.grants.filter((g) => holders.has(g.principalId) && inEffect(g, at) && (scopes === null || scopes.includes(g.scopeId)));
}
