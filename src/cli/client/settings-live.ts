/**
 * The server's settings as `openpim config` sees them, read over the API only: the directory
 * (users, groups and their members, service principals, administrative units, resource scopes),
 * the role definitions, every role management policy with its rules, and every eligible and
 * admin-assigned active schedule of roles and of PIM for Groups — then named portably
 * (settings-model.ts). Activations are not settings and are left out.
 */
import { RULE_IDS, type RuleId } from '../../domain/policy/rules.ts';
import { parentPath } from '../../domain/scope-path.ts';
import type { ApiClient } from './api-client.ts';
import {
  ACCESSES,
  compareAssignments,
  comparePolicyTargets,
  cmp,
  portableRule,
  type Access,
  type ApproverNames,
  type AssignmentSetting,
  type GroupSetting,
  type PolicySetting,
  type PolicyTarget,
  type PrincipalRef,
  type PrincipalType,
  type Rules,
  type ScopeRef,
  type Settings,
  type Target,
} from './settings-model.ts';

const DIR = '/v1.0/roleManagement/directory';
const GROUPS_PIM = '/v1.0/identityGovernance/privilegedAccess/group';
const TOP = '$top=999';

export interface LiveObject {
  readonly id: string;
  readonly displayName: string;
}
export interface LiveUser extends LiveObject {
  readonly userPrincipalName: string;
}
export interface LiveGroup extends LiveObject {
  readonly description: string | null;
  readonly isAssignableToRole: boolean;
}
export interface LiveScope {
  readonly id: string;
  readonly displayName: string;
  readonly parentId: string | null;
}
export interface LivePolicy {
  readonly id: string;
  readonly roleDefinitionId: string;
  /** As the store keeps it: `/`, `/administrativeUnits/{id}`, a resource path, or `/groups/{id}`. */
  readonly scopeId: string;
  readonly rules: Record<RuleId, Record<string, unknown>>;
}
export interface LiveSchedule {
  readonly id: string;
  readonly type: 'eligible' | 'active';
  readonly principalId: string;
  /** A role id, or `member` / `owner`. */
  readonly roleDefinitionId: string;
  /** The scope; `/groups/{id}` for PIM for Groups. */
  readonly scopeId: string;
  readonly groupId: string | null;
  readonly start: string;
  readonly end: string | null;
  /** In effect now, by the server's clock (it has an instance): its start is history. */
  readonly started: boolean;
}
export interface LiveMember {
  readonly id: string;
  readonly type: PrincipalType;
}

export interface Live {
  readonly users: readonly LiveUser[];
  readonly groups: readonly LiveGroup[];
  readonly servicePrincipals: readonly LiveObject[];
  readonly roles: readonly LiveObject[];
  readonly administrativeUnits: readonly LiveObject[];
  readonly scopes: readonly LiveScope[];
  readonly policies: readonly LivePolicy[];
  readonly schedules: readonly LiveSchedule[];
  readonly members: ReadonlyMap<string, readonly LiveMember[]>;
}

interface ApiSchedule {
  id: string;
  principalId: string;
  roleDefinitionId?: string;
  directoryScopeId?: string;
  accessId?: string;
  groupId?: string;
  assignmentType?: string;
  memberType?: string;
  scheduleInfo: { startDateTime: string; expiration: { endDateTime: string | null } };
}

const typeOf = (odataType: unknown): PrincipalType | null =>
  odataType === '#microsoft.graph.user'
    ? 'user'
    : odataType === '#microsoft.graph.group'
      ? 'group'
      : odataType === '#microsoft.graph.servicePrincipal'
        ? 'servicePrincipal'
        : null;

/** Reads everything `openpim config` compares, in parallel where it can. */
export async function readLive(client: ApiClient): Promise<Live> {
  // Which grants have started is the server's word (an instance shares its schedule's id), not this machine's clock.
  const schedules = async (path: string, type: 'eligible' | 'active', group: boolean): Promise<LiveSchedule[]> => {
    const [items, instances] = await Promise.all([
      client.list<ApiSchedule>(`${path}?${TOP}`),
      client.list<{ id: string }>(`${path.replace(/Schedules$/, 'ScheduleInstances')}?$select=id&${TOP}`),
    ]);
    const inEffect = new Set(instances.map((i) => i.id));
    return (
      items
        .filter((s) => (s.memberType ?? 'direct').toLowerCase() === 'direct' && (type === 'eligible' || (s.assignmentType ?? '').toLowerCase() === 'assigned'))
        .map((s) => ({
          id: s.id,
          type,
          principalId: s.principalId,
          roleDefinitionId: group ? s.accessId! : s.roleDefinitionId!,
          scopeId: group ? `/groups/${s.groupId!}` : s.directoryScopeId!,
          groupId: group ? s.groupId! : null,
          start: s.scheduleInfo.startDateTime,
          end: s.scheduleInfo.expiration.endDateTime,
          started: inEffect.has(s.id),
        }))
        // The role collections hold roles only; PIM for Groups is read from its own.
        .filter((s) => group || !s.scopeId.startsWith('/groups/'))
    );
  };
  const [users, groups, servicePrincipals, roles, administrativeUnits, scopes, policyAssignments, ...lists] = await Promise.all([
    client.list<LiveUser>(`/v1.0/users?${TOP}`),
    client.list<LiveGroup>(`/v1.0/groups?${TOP}`),
    client.list<LiveObject>(`/v1.0/servicePrincipals?${TOP}`),
    client.list<LiveObject>(`${DIR}/roleDefinitions?$select=id,displayName&${TOP}`),
    client.list<LiveObject>(`/v1.0/directory/administrativeUnits?${TOP}`),
    client.list<LiveScope>(`/openpim/scopes?${TOP}`),
    client.list<{ roleDefinitionId: string; scopeId: string; scopeType: string; policy: { id: string; rules: ({ id: string } & Record<string, unknown>)[] } }>(
      `/v1.0/policies/roleManagementPolicyAssignments?$expand=policy&${TOP}`,
    ),
    schedules(`${DIR}/roleEligibilitySchedules`, 'eligible', false),
    schedules(`${DIR}/roleAssignmentSchedules`, 'active', false),
    schedules(`${GROUPS_PIM}/eligibilitySchedules`, 'eligible', true),
    schedules(`${GROUPS_PIM}/assignmentSchedules`, 'active', true),
  ]);
  const members = new Map<string, LiveMember[]>();
  await Promise.all(
    groups.map(async (g) => {
      const list = await client.list<{ id: string; '@odata.type'?: string }>(`/v1.0/groups/${encodeURIComponent(g.id)}/members?${TOP}`);
      members.set(
        g.id,
        list.flatMap((m) => {
          const type = typeOf(m['@odata.type']);
          return type ? [{ id: m.id, type }] : [];
        }),
      );
    }),
  );
  const policies = policyAssignments.map((a): LivePolicy => ({
    id: a.policy.id,
    roleDefinitionId: a.roleDefinitionId,
    // A group's policies name the bare group id as their scope (as Graph does).
    scopeId: a.scopeType === 'Group' && a.scopeId !== '/' ? `/groups/${a.scopeId}` : a.scopeId,
    rules: Object.fromEntries(a.policy.rules.map((r) => [r.id, r])) as unknown as Record<RuleId, Record<string, unknown>>,
  }));
  return { users, groups, servicePrincipals, roles, administrativeUnits, scopes, policies, schedules: lists.flat(), members };
}

/** A problem found while naming things: an id nothing names, a name two objects share. */
export type Problems = string[];

/** Look-ups both ways between ids and the names the file uses. */
export class Directory {
  readonly live: Live;
  private readonly byId = new Map<string, { type: PrincipalType; name: string }>();
  private readonly roleNames = new Map<string, string>();
  private readonly auNames = new Map<string, string>();

  constructor(live: Live) {
    this.live = live;
    for (const u of live.users) this.byId.set(u.id, { type: 'user', name: u.userPrincipalName });
    for (const g of live.groups) this.byId.set(g.id, { type: 'group', name: g.displayName });
    for (const s of live.servicePrincipals) this.byId.set(s.id, { type: 'servicePrincipal', name: s.displayName });
    for (const r of live.roles) this.roleNames.set(r.id, r.displayName);
    for (const a of live.administrativeUnits) this.auNames.set(a.id, a.displayName);
  }

  /** The portable name of a principal id (an id nothing names stays an id, and is reported). */
  principal(id: string, problems: Problems): PrincipalRef {
    const found = this.byId.get(id);
    if (found) return found;
    problems.push(`no user, group or service principal has the id ${id}`);
    return { type: 'user', name: id };
  }

  roleName(id: string): string {
    return this.roleNames.get(id) ?? id;
  }

  /** A scope as the file names it: an administrative unit by name, anything else by path. */
  scope(scopeId: string): ScopeRef {
    const au = /^\/administrativeUnits\/([^/]+)$/.exec(scopeId);
    if (au && this.auNames.has(au[1]!)) return { administrativeUnit: this.auNames.get(au[1]!)! };
    return { path: scopeId };
  }

  approverNames(problems: Problems): ApproverNames {
    return {
      userName: (id) => this.principal(id, problems).name,
      groupName: (id) => this.principal(id, problems).name,
    };
  }

  // Names → ids (exact spelling first, then ignoring case; null when none, or several).

  userId(upn: string): string | null {
    const lower = upn.toLowerCase();
    return this.live.users.find((u) => u.userPrincipalName.toLowerCase() === lower)?.id ?? null;
  }

  private unique<T extends LiveObject>(items: readonly T[], name: string): T[] {
    const exact = items.filter((i) => i.displayName === name);
    return exact.length > 0 ? exact : items.filter((i) => i.displayName.toLowerCase() === name.toLowerCase());
  }

  groups(name: string): LiveGroup[] {
    return this.unique(this.live.groups, name);
  }
  servicePrincipals(name: string): LiveObject[] {
    return this.unique(this.live.servicePrincipals, name);
  }
  roles(name: string): LiveObject[] {
    return this.unique(this.live.roles, name);
  }
  administrativeUnits(name: string): LiveObject[] {
    return this.unique(this.live.administrativeUnits, name);
  }

  /** The id of a principal the file names, or null. */
  principalId(p: PrincipalRef): string | null {
    if (p.type === 'user') return this.userId(p.name);
    const found = p.type === 'group' ? this.groups(p.name) : this.servicePrincipals(p.name);
    return found.length === 1 ? found[0]!.id : null;
  }

  /** The store's scope id of a scope the file names, or null (an administrative unit that does not exist). */
  scopeId(scope: ScopeRef): string | null {
    if ('path' in scope) return scope.path;
    const found = this.administrativeUnits(scope.administrativeUnit);
    return found.length === 1 ? `/administrativeUnits/${found[0]!.id}` : null;
  }

  roleId(name: string): string | null {
    const found = this.roles(name);
    return found.length === 1 ? found[0]!.id : null;
  }

  groupId(name: string): string | null {
    const found = this.groups(name);
    return found.length === 1 ? found[0]!.id : null;
  }

  /** The id of the role (or group access) and the store's scope of a target, or null when something is missing. */
  targetIds(t: Target): { roleDefinitionId: string; scopeId: string; groupId: string | null } | null {
    if (t.kind === 'group') {
      const groupId = this.groupId(t.group);
      return groupId ? { roleDefinitionId: t.access, scopeId: `/groups/${groupId}`, groupId } : null;
    }
    const roleDefinitionId = this.roleId(t.role);
    const scopeId = this.scopeId(t.scope);
    return roleDefinitionId && scopeId ? { roleDefinitionId, scopeId, groupId: null } : null;
  }

  /** The live policy of a target, if there is one. */
  policy(t: PolicyTarget): LivePolicy | null {
    if (t.kind === 'groupDefaults') return this.live.policies.find((p) => p.roleDefinitionId === t.access && p.scopeId === '/') ?? null;
    const ids = this.targetIds(t);
    if (!ids) return null;
    return this.live.policies.find((p) => p.roleDefinitionId === ids.roleDefinitionId && p.scopeId === ids.scopeId) ?? null;
  }

  /** Whole portable rules of a live policy. */
  rulesOf(policy: LivePolicy, problems: Problems): Rules {
    const names = this.approverNames(problems);
    return Object.fromEntries(RULE_IDS.map((id) => [id, portableRule(id, policy.rules[id], names)])) as Rules;
  }

  /** The policy target of a live policy. */
  policyTarget(p: LivePolicy): PolicyTarget {
    if ((ACCESSES as readonly string[]).includes(p.roleDefinitionId)) {
      const access = p.roleDefinitionId as Access;
      if (p.scopeId === '/') return { kind: 'groupDefaults', access };
      return { kind: 'group', group: this.nameOfGroupScope(p.scopeId), access };
    }
    return { kind: 'role', role: this.roleName(p.roleDefinitionId), scope: this.scope(p.scopeId) };
  }

  private nameOfGroupScope(scopeId: string): string {
    const id = scopeId.replace(/^\/groups\//, '');
    return this.live.groups.find((g) => g.id === id)?.displayName ?? id;
  }

  /** The target of a live schedule. */
  scheduleTarget(s: LiveSchedule): Target {
    if (s.groupId) return { kind: 'group', group: this.nameOfGroupScope(s.scopeId), access: s.roleDefinitionId as Access };
    return { kind: 'role', role: this.roleName(s.roleDefinitionId), scope: this.scope(s.scopeId) };
  }
}

/** Names two objects of a kind share: they cannot be told apart in a file. */
function duplicates(names: readonly string[], what: string, problems: Problems): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) problems.push(`two ${what} are named '${n}': give them different names to use openpim config`);
    seen.add(n);
  }
}

/**
 * The server's settings, portable, in a fixed order: what `config export` writes and `config plan`
 * compares with. Only starts still to come are kept.
 */
export function liveSettings(dir: Directory, problems: Problems): Settings {
  const live = dir.live;
  duplicates(
    live.groups.map((g) => g.displayName),
    'groups',
    problems,
  );
  duplicates(
    live.servicePrincipals.map((s) => s.displayName),
    'service principals',
    problems,
  );
  duplicates(
    live.administrativeUnits.map((a) => a.displayName),
    'administrative units',
    problems,
  );
  duplicates(
    live.roles.map((r) => r.displayName),
    'roles',
    problems,
  );

  const lastSegment = (path: string) => path.split('/').pop()!;
  const scopes = live.scopes
    .map((s) => ({
      path: s.id,
      displayName: s.displayName === lastSegment(s.id) ? null : s.displayName,
      parent: s.parentId === null || s.parentId === parentPath(s.id) ? null : s.parentId,
    }))
    .sort((a, b) => cmp(a.path, b.path));

  const groups: GroupSetting[] = live.groups
    .map((g) => {
      const members = live.members.get(g.id) ?? [];
      const names = (type: PrincipalType) =>
        members
          .filter((m) => m.type === type)
          .map((m) => dir.principal(m.id, problems).name)
          .sort(cmp);
      return {
        name: g.displayName,
        description: g.description || null,
        isAssignableToRole: g.isAssignableToRole,
        members: { users: names('user'), groups: names('group'), servicePrincipals: names('servicePrincipal') },
      };
    })
    .sort((a, b) => cmp(a.name, b.name));

  const policies: PolicySetting[] = live.policies
    .map((p) => ({ target: dir.policyTarget(p), rules: dir.rulesOf(p, problems) }))
    .sort((a, b) => comparePolicyTargets(a.target, b.target));

  const assignments: AssignmentSetting[] = live.schedules
    .map((s) => ({
      principal: dir.principal(s.principalId, problems),
      target: dir.scheduleTarget(s),
      type: s.type,
      start: s.started ? null : s.start,
      end: s.end,
      duration: null,
    }))
    .sort(compareAssignments);

  return {
    administrativeUnits: live.administrativeUnits.map((a) => a.displayName).sort(cmp),
    scopes,
    groups,
    policies,
    assignments,
  };
}
