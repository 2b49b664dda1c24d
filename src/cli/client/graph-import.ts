/**
 * `openpim import` (docs/guide.md, "Import from Entra"): the PIM configuration of any Microsoft
 * Graph endpoint — a Microsoft Entra tenant or another OpenPIM — read through standard Graph v1.0
 * paths and properties only, and named portably (settings-model.ts) for the file `config export`
 * writes: role settings (the tenant default if the endpoint has one, and roleManagementPolicyAssignments
 * with their policies' rules: graph-import-policies.ts), eligible and
 * administrator-assigned active role assignments, PIM for Groups eligibility and assignments with
 * the groups' own policies, and the groups all of these name (with their members). Whatever cannot
 * be named portably — an unknown rule, an app-scoped assignment, a principal of another type, a
 * directory scope that is neither `/` nor an administrative unit — is reported and left out.
 */
import { CliError, EXIT } from './cli-error.ts';
import { policyImport, type GraphPolicy } from './graph-import-policies.ts';
import type { GraphReader } from './graph-reader.ts';
import {
  compareAssignments,
  comparePolicyTargets,
  cmp,
  type Access,
  type AssignmentSetting,
  type GroupSetting,
  type PolicySetting,
  type PolicyTarget,
  type PrincipalRef,
  type PrincipalType,
  type ScopeRef,
  type Settings,
} from './settings-model.ts';

const DIR = '/v1.0/roleManagement/directory';
const GROUPS_PIM = '/v1.0/identityGovernance/privilegedAccess/group';
const POLICY_ASSIGNMENTS = '/v1.0/policies/roleManagementPolicyAssignments';
const TOP = '$top=999';
const q = (filter: string) => `$filter=${encodeURIComponent(filter)}`;
/** A GUID-like id, safe to put in a path or a filter literal. */
const safeId = (id: string) => /^[A-Za-z0-9._-]+$/.test(id);

// Mapping -------------------------------------------------------------------------------------

interface GraphObject {
  id: string;
  '@odata.type'?: string;
  displayName?: string;
  userPrincipalName?: string;
  description?: string | null;
  isAssignableToRole?: boolean | null;
}
interface GraphPolicyAssignment {
  roleDefinitionId: string;
  scopeId: string;
  scopeType: string;
  policy?: GraphPolicy;
}
interface GraphSchedule {
  id: string;
  principalId: string;
  principal?: GraphObject | null;
  roleDefinitionId?: string;
  directoryScopeId?: string | null;
  appScopeId?: string | null;
  groupId?: string;
  accessId?: string;
  memberType?: string | null;
  assignmentType?: string | null;
  scheduleInfo?: {
    startDateTime?: string | null;
    expiration?: { type?: string; endDateTime?: string | null; duration?: string | null } | null;
  } | null;
}

const TYPES: Record<string, PrincipalType> = {
  '#microsoft.graph.user': 'user',
  '#microsoft.graph.group': 'group',
  '#microsoft.graph.servicePrincipal': 'servicePrincipal',
};
const COLLECTION: Record<PrincipalType, string> = { user: 'users', group: 'groups', servicePrincipal: 'servicePrincipals' };

export interface ImportResult {
  readonly settings: Settings;
  /** What could not be mapped and was left out, one line each. */
  readonly unmapped: readonly string[];
  /** Counts of what was read, for the summary. */
  readonly read: { readonly policies: number; readonly schedules: number };
}

/** Reads a Graph endpoint's PIM configuration and names it portably. `now`: starts before it are history. */
export async function importFromGraph(graph: GraphReader, now: number = Date.now()): Promise<ImportResult> {
  const unmapped = new Set<string>();
  const principals = new Map<string, PrincipalRef | null>();
  const groupObjects = new Map<string, GraphObject>();
  const auNames = new Map<string, string | null>();

  const name = (o: GraphObject, type: PrincipalType): string | null => (type === 'user' ? (o.userPrincipalName ?? null) : (o.displayName ?? null));
  const remember = (o: GraphObject, type: PrincipalType): PrincipalRef | null => {
    const n = name(o, type);
    const ref = n ? { type, name: n } : null;
    principals.set(o.id, ref);
    if (type === 'group') groupObjects.set(o.id, o);
    return ref;
  };
  /** A principal by id: as `$expand=principal` gave it, or looked up as a user, a group, a service principal. */
  async function principal(id: string, expanded?: GraphObject | null): Promise<PrincipalRef | null> {
    if (principals.has(id)) return principals.get(id)!;
    if (expanded?.['@odata.type']) {
      const type = TYPES[expanded['@odata.type']];
      if (!type) {
        unmapped.add(
          `principal ${expanded.displayName ?? id} (${id}): a ${expanded['@odata.type'].replace('#microsoft.graph.', '')}, which OpenPIM cannot name`,
        );
        principals.set(id, null);
        return null;
      }
      if (name(expanded, type) && (type !== 'group' || 'isAssignableToRole' in expanded)) return remember(expanded, type);
    }
    if (safeId(id)) {
      for (const type of ['user', 'group', 'servicePrincipal'] as const) {
        const found = await graph.tryGet<GraphObject>(`/v1.0/${COLLECTION[type]}/${id}`);
        if (found) return remember(found, type);
      }
    }
    unmapped.add(`principal ${id}: no user, group or service principal has this id`);
    principals.set(id, null);
    return null;
  }
  const userName = async (id: string) => {
    const p = await principal(id);
    return p?.type === 'user' ? p.name : null;
  };
  const groupName = async (id: string) => {
    const p = await principal(id);
    return p?.type === 'group' ? p.name : null;
  };

  // Roles, by display name.
  const roles = new Map((await graph.list<GraphObject>(`${DIR}/roleDefinitions?$select=id,displayName&${TOP}`)).map((r) => [r.id, r.displayName ?? r.id]));

  async function scopeOf(s: GraphSchedule, what: string): Promise<ScopeRef | null> {
    if (s.appScopeId && s.appScopeId !== '/') {
      unmapped.add(`${what}: app-scoped (appScopeId ${s.appScopeId}), which OpenPIM does not have`);
      return null;
    }
    const scope = s.directoryScopeId ?? '/';
    if (scope === '/') return { path: '/' };
    const au = /^\/administrativeUnits\/([^/]+)$/.exec(scope);
    if (au && safeId(au[1]!)) {
      if (!auNames.has(au[1]!)) {
        const found = await graph.tryGet<GraphObject>(`/v1.0/directory/administrativeUnits/${au[1]!}?$select=id,displayName`);
        auNames.set(au[1]!, found?.displayName ?? null);
      }
      const auName = auNames.get(au[1]!);
      if (auName) return { administrativeUnit: auName };
    }
    unmapped.add(`${what}: directory scope ${scope}, which is neither / nor an administrative unit`);
    return null;
  }

  // Policies: the tenant default (if the endpoint has one) and the rules each sets, approvers named portably.
  const rules = await policyImport({ graph, unmapped, userName, groupName });
  const policies: PolicySetting[] = [];
  const directoryPolicies = await graph.list<GraphPolicyAssignment>(
    `${POLICY_ASSIGNMENTS}?${q("scopeId eq '/' and scopeType eq 'DirectoryRole'")}&$expand=policy($expand=rules)`,
  );
  for (const p of directoryPolicies) {
    const role = roles.get(p.roleDefinitionId);
    if (!role) {
      unmapped.add(`role settings of ${p.roleDefinitionId}: no role definition has this id`);
      continue;
    }
    const target: PolicyTarget = { kind: 'role', role, scope: { path: '/' } };
    policies.push({ target, rules: await rules.ownRules(p.policy, `role settings of ${role}`) });
  }

  // Assignments: eligible, and active ones an administrator assigned (activations are not configuration).
  const assignments: AssignmentSetting[] = [];
  const windowOf = (s: GraphSchedule) => {
    const start = s.scheduleInfo?.startDateTime ?? null;
    const expiration = s.scheduleInfo?.expiration ?? null;
    const end = expiration?.endDateTime ?? null;
    return {
      start: start && Date.parse(start) > now ? start : null,
      end,
      duration: end ? null : expiration?.type === 'afterDuration' ? (expiration.duration ?? null) : null,
    };
  };
  const keep = (s: GraphSchedule, type: 'eligible' | 'active') =>
    (s.memberType ?? 'direct').toLowerCase() === 'direct' && (type === 'eligible' || (s.assignmentType ?? 'assigned').toLowerCase() === 'assigned');

  /** A schedule collection with `$expand=principal`; where the endpoint refuses the expansion, without (principals are then looked up by id). */
  const withPrincipals = async (path: string, query: string): Promise<GraphSchedule[]> => {
    try {
      return await graph.list<GraphSchedule>(`${path}?${query}&$expand=principal`);
    } catch (error) {
      if (!(error instanceof CliError) || error.exitCode !== EXIT.failure) throw error;
      return graph.list<GraphSchedule>(`${path}?${query}`);
    }
  };

  let schedules = 0;
  for (const [collection, type] of [
    ['roleEligibilitySchedules', 'eligible'],
    ['roleAssignmentSchedules', 'active'],
  ] as const) {
    for (const s of await withPrincipals(`${DIR}/${collection}`, TOP)) {
      if (!keep(s, type)) continue;
      schedules++;
      const role = s.roleDefinitionId ? roles.get(s.roleDefinitionId) : undefined;
      const who = await principal(s.principalId, s.principal);
      const what = `${type} assignment ${s.id} (${role ?? s.roleDefinitionId} for ${who?.name ?? s.principalId})`;
      if (!role) {
        unmapped.add(`${what}: no role definition has the id ${s.roleDefinitionId}`);
        continue;
      }
      const scope = await scopeOf(s, what);
      if (!who || !scope) continue;
      assignments.push({ principal: who, target: { kind: 'role', role, scope }, type, ...windowOf(s) });
    }
  }

  // PIM for Groups. Entra wants a filter on the group (or principal): without one, ask group by group.
  const groupSchedules = async (collection: string): Promise<GraphSchedule[]> => {
    try {
      return await withPrincipals(`${GROUPS_PIM}/${collection}`, TOP);
    } catch (error) {
      if (!(error instanceof CliError) || error.exitCode !== EXIT.failure) throw error;
      const groups = await graph.list<GraphObject>(`/v1.0/groups?$select=id&${TOP}`);
      const all: GraphSchedule[] = [];
      for (const g of groups.filter((x) => safeId(x.id))) {
        all.push(...(await withPrincipals(`${GROUPS_PIM}/${collection}`, q(`groupId eq '${g.id}'`))));
      }
      return all;
    }
  };
  const pimGroups = new Set<string>();
  for (const [collection, type] of [
    ['eligibilitySchedules', 'eligible'],
    ['assignmentSchedules', 'active'],
  ] as const) {
    for (const s of await groupSchedules(collection)) {
      if (!keep(s, type)) continue;
      schedules++;
      const group = s.groupId ? await groupName(s.groupId) : null;
      const who = await principal(s.principalId, s.principal);
      const what = `${type} PIM for Groups ${s.accessId} assignment ${s.id} (${who?.name ?? s.principalId})`;
      if (!group) {
        unmapped.add(`${what}: no group has the id ${s.groupId}`);
        continue;
      }
      if (s.accessId !== 'member' && s.accessId !== 'owner') {
        unmapped.add(`${what}: access ${s.accessId}, which is neither member nor owner`);
        continue;
      }
      pimGroups.add(s.groupId!);
      if (!who) continue;
      assignments.push({ principal: who, target: { kind: 'group', group, access: s.accessId as Access }, type, ...windowOf(s) });
    }
  }
  for (const groupId of [...pimGroups].sort(cmp)) {
    const group = (await groupName(groupId))!;
    const own = await graph.list<GraphPolicyAssignment>(
      `${POLICY_ASSIGNMENTS}?${q(`scopeId eq '${groupId}' and scopeType eq 'Group'`)}&$expand=policy($expand=rules)`,
    );
    for (const p of own) {
      if (p.roleDefinitionId !== 'member' && p.roleDefinitionId !== 'owner') {
        unmapped.add(`settings of group ${group}: access ${p.roleDefinitionId}, which is neither member nor owner`);
        continue;
      }
      policies.push({
        target: { kind: 'group', group, access: p.roleDefinitionId },
        rules: await rules.ownRules(p.policy, `${p.roleDefinitionId} settings of group ${group}`),
      });
    }
  }

  // The groups the file names (principals, PIM for Groups, approvers), with their members.
  const groups: GroupSetting[] = [];
  const needed = new Map([...groupObjects.entries()].filter(([id]) => principals.get(id)?.type === 'group'));
  const neededNames = new Set([...needed.keys()].map((id) => principals.get(id)!.name));
  for (const [id, g] of needed) {
    const groupLabel = principals.get(id)!.name;
    const full = 'isAssignableToRole' in g ? g : ((await graph.tryGet<GraphObject>(`/v1.0/groups/${id}`)) ?? g);
    const members = await graph.list<GraphObject>(`/v1.0/groups/${id}/members?${TOP}`);
    const names: Record<PrincipalType, string[]> = { user: [], group: [], servicePrincipal: [] };
    for (const m of members) {
      const type = m['@odata.type'] ? TYPES[m['@odata.type']] : undefined;
      const memberName = type ? name(m, type) : null;
      if (!type || !memberName) {
        unmapped.add(
          `member ${m.displayName ?? m.id} of group ${groupLabel}: a ${(m['@odata.type'] ?? 'directory object').replace('#microsoft.graph.', '')} OpenPIM cannot name`,
        );
      } else if (type === 'group' && !neededNames.has(memberName)) {
        unmapped.add(`member group ${memberName} of group ${groupLabel}: a group the file does not otherwise name`);
      } else {
        names[type].push(memberName);
      }
    }
    groups.push({
      name: groupLabel,
      description: full.description || null,
      isAssignableToRole: full.isAssignableToRole === true,
      members: { users: names.user.sort(cmp), groups: names.group.sort(cmp), servicePrincipals: names.servicePrincipal.sort(cmp) },
    });
  }

  return {
    settings: {
      tenantDefault: rules.tenantDefault,
      administrativeUnits: [...new Set([...auNames.values()].filter((n): n is string => n !== null))].sort(cmp),
      scopes: [],
      groups: groups.sort((x, y) => cmp(x.name, y.name)),
      policies: policies.sort((x, y) => comparePolicyTargets(x.target, y.target)),
      assignments: assignments.sort(compareAssignments),
    },
    unmapped: [...unmapped],
    read: { policies: policies.length, schedules },
  };
}
