/**
 * The Resource scopes page's reads and writes: the registered scopes as a tree (built once per
 * list, walked lazily), registering one (POST /openpim/scopes), the eligible and active schedules
 * made at a scope and the instances inherited there from above, and who holds access there now
 * (GET /openpim/access/scopes/{path}/holders).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, fetchAll, odataString } from '../../lib/api-client.ts';
import { directoryKeys, type Place } from './api.ts';
import type { HolderKind, Holding } from './roles-api.ts';

const DIRECTORY = '/v1.0/roleManagement/directory';

export const scopeKeys = {
  all: ['admin', 'scope'] as const,
  one: (path: string) => ['admin', 'scope', path] as const,
  at: (path: string, kind: HolderKind) => ['admin', 'scope', path, 'at', kind] as const,
  inherited: (path: string, kind: HolderKind) => ['admin', 'scope', path, 'inherited', kind] as const,
  holders: (path: string) => ['admin', 'scope', path, 'holders'] as const,
};

/** The Resource scopes page with a scope selected: `/admin/scopes?path=/subscriptions/s1` (slashes kept readable), and a tab. */
export function scopeHref(path: string, view?: string | null): string {
  const value = (v: string) => encodeURIComponent(v).replaceAll('%2F', '/');
  return `/admin/scopes?path=${value(path)}${view ? `&view=${value(view)}` : ''}`;
}

/** The parent of a path by the API's string rule: the path minus its last `type/name` pair (`/` at the top). */
export function parentPath(path: string): string {
  const segments = path.split('/').filter(Boolean);
  return segments.length <= 2 ? '/' : `/${segments.slice(0, -2).join('/')}`;
}

/** "resourceGroups" for `/subscriptions/s1/resourceGroups/rg1`: what kind of resource the scope is. */
export function typeOf(path: string): string {
  const segments = path.split('/').filter(Boolean);
  return segments.length >= 2 ? segments[segments.length - 2]! : '';
}

/** One registered scope in the tree. */
export interface ScopeNode {
  /** Its place in `ScopeTree.nodes`: the tree items' value (a path may hold characters a CSS selector does not). */
  readonly index: number;
  readonly scope: Place;
  /** The registered scope it is drawn under (its parent, or the nearest registered ancestor); null at the top. */
  readonly parent: number | null;
  readonly children: number[];
  /** Name and path, lower-cased, for the search. */
  readonly haystack: string;
}

export interface ScopeTree {
  readonly nodes: readonly ScopeNode[];
  /** Top-level scopes (below the directory, or below a parent that is not registered). */
  readonly roots: readonly number[];
  readonly byPath: ReadonlyMap<string, number>;
}

const byName = (nodes: readonly ScopeNode[]) => (a: number, b: number) =>
  nodes[a]!.scope.displayName.localeCompare(nodes[b]!.scope.displayName) || nodes[a]!.scope.id.localeCompare(nodes[b]!.scope.id);

/**
 * The registered scopes as a tree: each under its registered parent (`parentId`, else the path
 * minus its last pair); one whose parent is not registered goes under its nearest registered
 * ancestor by path, or to the top. Siblings are sorted by name. One pass plus sorting: fast for
 * tens of thousands of scopes.
 */
export function buildScopeTree(scopes: readonly Place[]): ScopeTree {
  const byPath = new Map<string, number>();
  const nodes: ScopeNode[] = scopes.map((scope, index) => {
    byPath.set(scope.id, index);
    return { index, scope, parent: null, children: [], haystack: `${scope.displayName}\n${scope.id}`.toLowerCase() };
  });
  const roots: number[] = [];
  for (const node of nodes) {
    let at: string | null = node.scope.parentId ?? parentPath(node.scope.id);
    let parent: number | undefined;
    while (at !== null && at !== '/' && parent === undefined) {
      parent = byPath.get(at);
      if (parent === undefined) at = parentPath(at);
    }
    // A parent chain that loops back to the node itself is cut: the node goes to the top.
    if (parent !== undefined && parent !== node.index && !isBelow(nodes, parent, node.index)) {
      (node as { parent: number | null }).parent = parent;
      nodes[parent]!.children.push(node.index);
    } else {
      roots.push(node.index);
    }
  }
  const order = byName(nodes);
  roots.sort(order);
  for (const node of nodes) node.children.sort(order);
  return { nodes, roots, byPath };
}

/** Whether `index` is (already placed) below `ancestor`. */
function isBelow(nodes: readonly ScopeNode[], index: number, ancestor: number): boolean {
  let at = nodes[index]!.parent;
  for (let depth = 0; at !== null && depth < 64; depth++) {
    if (at === ancestor) return true;
    at = nodes[at]!.parent;
  }
  return false;
}

/** The node's ancestors in the tree, nearest first. */
export function ancestorsOf(tree: ScopeTree, index: number): number[] {
  const out: number[] = [];
  let at = tree.nodes[index]?.parent ?? null;
  while (at !== null && out.length < 64) {
    out.push(at);
    at = tree.nodes[at]!.parent;
  }
  return out;
}

/** One scope (a link to one the list does not hold, e.g. beyond its bound); 404 when none is registered there. */
export function useScope(path: string, enabled: boolean) {
  return useQuery({
    queryKey: scopeKeys.one(path),
    queryFn: async (): Promise<Place> => {
      const s = await api<{ id: string; displayName: string | null; parentId: string | null }>(`/openpim/scopes/${encodeURIComponent(path)}`);
      return { id: s.id, displayName: s.displayName ?? s.id, parentId: s.parentId };
    },
    enabled,
    retry: false,
  });
}

export interface RegisterScopeInput {
  readonly id: string;
  readonly displayName?: string;
  readonly parentId?: string;
}

/** POST /openpim/scopes; the list refreshes after. A refusal is an ApiError with the API's message. */
export function useRegisterScope() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: RegisterScopeInput): Promise<Place> => {
      const s = await api<{ id: string; displayName: string | null; parentId: string | null }>('/openpim/scopes', { method: 'POST', body: input });
      return { id: s.id, displayName: s.displayName ?? s.id, parentId: s.parentId };
    },
    // In the tree at once (the page selects it), then the list is read again.
    onSuccess: (scope) => client.setQueryData<Place[]>(directoryKeys.resourceScopes, (old) => (old ? [...old, scope] : old)),
    onSettled: () => client.invalidateQueries({ queryKey: directoryKeys.resourceScopes }),
  });
}

const SCHEDULES: Record<HolderKind, string> = { eligible: 'roleEligibilitySchedules', active: 'roleAssignmentSchedules' };
const INSTANCES: Record<HolderKind, string> = { eligible: 'roleEligibilityScheduleInstances', active: 'roleAssignmentScheduleInstances' };
/** Bound on one list (999 a page): a scope with more is a directory problem, not a page's. */
const LIMIT = 5_000;

const atScope = (path: string) => `$filter=${encodeURIComponent(`directoryScopeId eq ${odataString(path)}`)}&$expand=principal&$top=999`;

/** Eligible or active schedules made at the scope, current and future (what Update, Extend and Remove act on). */
export function useSchedulesAt(path: string, kind: HolderKind) {
  return useQuery({
    queryKey: scopeKeys.at(path, kind),
    queryFn: () => fetchAll<Holding>(`${DIRECTORY}/${SCHEDULES[kind]}?${atScope(path)}`, LIMIT),
    refetchInterval: 30_000,
  });
}

/** An instance (in effect now): a schedule's fields, with its start and end where a schedule has scheduleInfo. */
type Instance = Omit<Holding, 'scheduleInfo'> & { readonly startDateTime: string | null; readonly endDateTime: string | null };

/**
 * Eligible or active grants made above the scope that apply at it now: the instances the API lists
 * at a resource scope include its ancestors' (memberType Inherited, directoryScopeId where they were made).
 */
export function useInheritedAt(path: string, kind: HolderKind) {
  return useQuery({
    queryKey: scopeKeys.inherited(path, kind),
    queryFn: async (): Promise<Holding[]> =>
      (await fetchAll<Instance>(`${DIRECTORY}/${INSTANCES[kind]}?${atScope(path)}`, LIMIT))
        .filter((i) => i.directoryScopeId !== path)
        .map(({ startDateTime, endDateTime, ...rest }) => ({
          ...rest,
          scheduleInfo: { startDateTime, expiration: { type: endDateTime ? 'afterDateTime' : 'noExpiration', endDateTime, duration: null } },
        })),
    refetchInterval: 30_000,
  });
}

/** One entry of GET /openpim/access/scopes/{path}/holders. */
export interface AccessHolder {
  readonly principalId: string;
  readonly grantId: string;
  readonly roleDefinitionId: string;
  readonly roleDisplayName: string | null;
  readonly scopeId: string;
  readonly inherited: boolean;
  readonly via: 'direct' | 'group';
  readonly groupId: string | null;
  readonly groupPath: readonly string[];
  readonly memberType: 'Direct' | 'Group' | 'Inherited';
  readonly startDateTime: string;
  readonly endDateTime: string | null;
}

/** Who holds what at the scope now: made at it or above, directly or as a member of a holder group. */
export function useHoldersAt(path: string) {
  return useQuery({
    queryKey: scopeKeys.holders(path),
    queryFn: async () => {
      const segments = path.split('/').filter(Boolean).map(encodeURIComponent).join('/');
      return (await api<{ scopeId: string; at: string; holders: AccessHolder[] }>(`/openpim/access/scopes/${segments}${segments ? '/' : ''}holders`)).holders;
    },
    refetchInterval: 30_000,
  });
}
