/**
 * The server's settings as `openpim config` sees them, read over the API only: the directory
 * (users, groups and their members, service principals, administrative units, resource scopes),
 * the role definitions, the tenant default role settings and every role management policy with its
 * rules (those it sets, and those it inherits), and every eligible and admin-assigned active
 * schedule of roles and of PIM for Groups — named portably by settings-portable.ts. Activations are
 * not settings and are left out.
 */
import type { RuleId } from '../../domain/policy/rules.ts';
import type { ApiClient } from './api-client.ts';
import { CliError } from './cli-error.ts';
import type { PrincipalType } from './settings-model.ts';

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
/** Where a policy's rule comes from when the policy does not set it (the server's `inheritedFrom`). */
export interface LiveRuleSource {
  readonly policyId: string;
  readonly isOrganizationDefault: boolean;
}
export interface LivePolicy {
  readonly id: string;
  /** Empty for the tenant default. */
  readonly roleDefinitionId: string;
  /** As the store keeps it: `/`, `/administrativeUnits/{id}`, a resource path, or `/groups/{id}`. */
  readonly scopeId: string;
  /** The 17 rules in force, as the API gives them. */
  readonly rules: Record<RuleId, Record<string, unknown>>;
  /** The rules the policy does not set itself, and where each comes from. */
  readonly inheritedFrom: Partial<Record<RuleId, LiveRuleSource>>;
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
  readonly tenantDefault: LivePolicy;
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

interface ApiPolicy {
  id: string;
  isOrganizationDefault?: boolean;
  rules: ({ id: string; inheritedFrom?: LiveRuleSource } & Record<string, unknown>)[];
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
  const [tenantDefaults, users, groups, servicePrincipals, roles, administrativeUnits, scopes, policyAssignments, ...lists] = await Promise.all([
    client.list<ApiPolicy>(`/v1.0/policies/roleManagementPolicies?$filter=${encodeURIComponent('isOrganizationDefault eq true')}&$expand=rules`),
    client.list<LiveUser>(`/v1.0/users?${TOP}`),
    client.list<LiveGroup>(`/v1.0/groups?${TOP}`),
    client.list<LiveObject>(`/v1.0/servicePrincipals?${TOP}`),
    client.list<LiveObject>(`${DIR}/roleDefinitions?$select=id,displayName&${TOP}`),
    client.list<LiveObject>(`/v1.0/directory/administrativeUnits?${TOP}`),
    client.list<LiveScope>(`/openpim/scopes?${TOP}`),
    client.list<{ roleDefinitionId: string; scopeId: string; scopeType: string; policy: ApiPolicy }>(
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
  const livePolicy = (policy: ApiPolicy, roleDefinitionId: string, scopeId: string): LivePolicy => ({
    id: policy.id,
    roleDefinitionId,
    scopeId,
    rules: Object.fromEntries(policy.rules.map((r) => [r.id, r])) as unknown as Record<RuleId, Record<string, unknown>>,
    inheritedFrom: Object.fromEntries(policy.rules.flatMap((r) => (r.inheritedFrom ? [[r.id, r.inheritedFrom]] : []))),
  });
  const policies = policyAssignments.map((a) =>
    // A group's policies name the bare group id as their scope (as Graph does).
    livePolicy(a.policy, a.roleDefinitionId, a.scopeType === 'Group' && a.scopeId !== '/' ? `/groups/${a.scopeId}` : a.scopeId),
  );
  const tenantDefault = tenantDefaults.find((p) => p.isOrganizationDefault === true);
  if (!tenantDefault) throw new CliError(`${client.server} has no tenant default role settings: it runs an OpenPIM older than this openpim`);
  return {
    tenantDefault: livePolicy(tenantDefault, '', '/'),
    users,
    groups,
    servicePrincipals,
    roles,
    administrativeUnits,
    scopes,
    policies,
    schedules: lists.flat(),
    members,
  };
}
