/**
 * What the signed-in person may activate and holds: directory and resource roles, and PIM for
 * Groups membership and ownership, one list of "grants" whatever the API collection they come from.
 */
import { useIsFetching, useMutation, useQueries, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, odataString, type Collection } from '../../lib/api-client.ts';
import { requestKeys } from '../requests/api.ts';
import { grantKey } from './names.ts';

export type Provider = 'directory' | 'group';

/** One eligible or active grant of the caller, directory role or group access alike. */
export interface Grant {
  readonly id: string;
  readonly provider: Provider;
  readonly kind: 'eligible' | 'active';
  readonly principalId: string;
  /** Role id (directory), or `member`/`owner` (group). */
  readonly roleId: string;
  /** Directory scope path (`/`, `/administrativeUnits/…`, a resource path), or the group's id. */
  readonly scope: string;
  readonly startDateTime: string;
  readonly endDateTime: string | null;
  readonly memberType: string;
  readonly assignmentType: 'Assigned' | 'Activated' | null;
}

interface DirectoryInstance {
  readonly id: string;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
  readonly startDateTime: string;
  readonly endDateTime: string | null;
  readonly memberType: string;
  readonly assignmentType?: 'Assigned' | 'Activated' | null;
}

interface GroupInstance {
  readonly id: string;
  readonly principalId: string;
  readonly groupId: string;
  readonly accessId: 'member' | 'owner';
  readonly startDateTime: string;
  readonly endDateTime: string | null;
  readonly memberType: string;
  readonly assignmentType?: 'Assigned' | 'Activated' | null;
}

const MINE = "filterByCurrentUser(on='principal')";
const DIRECTORY = '/v1.0/roleManagement/directory';
const GROUPS = '/v1.0/identityGovernance/privilegedAccess/group';

const fromDirectory =
  (kind: Grant['kind']) =>
  (x: DirectoryInstance): Grant => ({
    id: x.id,
    provider: 'directory',
    kind,
    principalId: x.principalId,
    roleId: x.roleDefinitionId,
    scope: x.directoryScopeId,
    startDateTime: x.startDateTime,
    endDateTime: x.endDateTime,
    memberType: x.memberType,
    assignmentType: x.assignmentType ?? null,
  });
const fromGroup =
  (kind: Grant['kind']) =>
  (x: GroupInstance): Grant => ({
    id: x.id,
    provider: 'group',
    kind,
    principalId: x.principalId,
    roleId: x.accessId,
    scope: x.groupId,
    startDateTime: x.startDateTime,
    endDateTime: x.endDateTime,
    memberType: x.memberType,
    assignmentType: x.assignmentType ?? null,
  });

export const grantKeys = { all: ['grants'] as const, expired: ['grants', 'expired'] as const };

async function fetchMyGrants(): Promise<Grant[]> {
  const [de, da, ge, ga] = await Promise.all([
    api<Collection<DirectoryInstance>>(`${DIRECTORY}/roleEligibilityScheduleInstances/${MINE}`),
    api<Collection<DirectoryInstance>>(`${DIRECTORY}/roleAssignmentScheduleInstances/${MINE}`),
    api<Collection<GroupInstance>>(`${GROUPS}/eligibilityScheduleInstances/${MINE}`),
    api<Collection<GroupInstance>>(`${GROUPS}/assignmentScheduleInstances/${MINE}`),
  ]);
  return [
    ...de.value.map(fromDirectory('eligible')),
    ...ge.value.map(fromGroup('eligible')),
    ...da.value.map(fromDirectory('active')),
    ...ga.value.map(fromGroup('active')),
  ];
}

// Fresh for a few seconds: the page does not read again what the start of the page just read.
const myGrantsQuery = { queryKey: grantKeys.all, queryFn: fetchMyGrants, staleTime: 5_000 };

/** Every eligible and active grant of the caller, now. */
export function useMyGrants() {
  return useQuery({ ...myGrantsQuery, refetchInterval: 30_000 });
}

/**
 * False while My roles' own first reads (the grants and their settings) are under way, then true
 * for good. Reads the page can show a moment later (the approvals badge, your name, your requests)
 * wait for it: a browser sends six requests at a time to a server, and those would otherwise queue
 * ahead of the settings My roles needs before anyone can activate. Elsewhere it is true at once.
 */
export function useMyRolesLoaded(): boolean {
  const busy = useIsFetching({ predicate: (q) => q.queryKey[0] === grantKeys.all[0] || q.queryKey[0] === 'activationRules' }) > 0;
  const [loaded, setLoaded] = useState(!busy);
  useEffect(() => {
    if (!busy) setLoaded(true);
  }, [busy]);
  return loaded || !busy;
}

/**
 * Starts My roles' first reads with the page itself, alongside the session check rather than after
 * it (the page most people open; main.tsx calls this when the address is My roles). A visitor who
 * is not signed in gets 401s that nothing shows: the page reads again once they are.
 */
export function prefetchMyRoles(client: QueryClient): void {
  void client.prefetchQuery(myGrantsQuery).then(() => {
    // …and the settings of what may be activated, as soon as the grants are known.
    const grants = client.getQueryData<Grant[]>(grantKeys.all) ?? [];
    for (const g of grants.filter((x) => x.kind === 'eligible')) void client.prefetchQuery(rulesQuery(g));
  });
  void client.prefetchQuery(roleDefinitionsQuery);
}

interface ExpiredSchedule {
  readonly id: string;
  readonly principalId: string;
  readonly roleDefinitionId?: string;
  readonly directoryScopeId?: string;
  readonly groupId?: string;
  readonly accessId?: 'member' | 'owner';
  readonly memberType: string;
  readonly assignmentType?: 'Assigned' | 'Activated' | null;
  readonly scheduleInfo: { readonly startDateTime: string; readonly expiration: { readonly endDateTime: string | null } };
}

const fromExpired =
  (provider: Provider, kind: Grant['kind']) =>
  (x: ExpiredSchedule): Grant => ({
    id: x.id,
    provider,
    kind,
    principalId: x.principalId,
    roleId: provider === 'group' ? x.accessId! : x.roleDefinitionId!,
    scope: provider === 'group' ? x.groupId! : x.directoryScopeId!,
    startDateTime: x.scheduleInfo.startDateTime,
    endDateTime: x.scheduleInfo.expiration.endDateTime,
    memberType: x.memberType,
    assignmentType: x.assignmentType ?? null,
  });

/** The caller's eligibilities and assignments that ran out in the last 30 days: what they may renew. */
export function useMyExpiredGrants(enabled = true) {
  return useQuery({
    enabled,
    queryKey: grantKeys.expired,
    queryFn: async (): Promise<Grant[]> => {
      const [de, da, ge, ga] = await Promise.all([
        api<Collection<ExpiredSchedule>>(`/openpim/roleManagement/directory/expiredRoleEligibilitySchedules/${MINE}`),
        api<Collection<ExpiredSchedule>>(`/openpim/roleManagement/directory/expiredRoleAssignmentSchedules/${MINE}`),
        api<Collection<ExpiredSchedule>>(`/openpim/identityGovernance/privilegedAccess/group/expiredEligibilitySchedules/${MINE}`),
        api<Collection<ExpiredSchedule>>(`/openpim/identityGovernance/privilegedAccess/group/expiredAssignmentSchedules/${MINE}`),
      ]);
      return [
        ...de.value.map(fromExpired('directory', 'eligible')),
        ...ge.value.map(fromExpired('group', 'eligible')),
        ...da.value.map(fromExpired('directory', 'active')),
        ...ga.value.map(fromExpired('group', 'active')),
      ].sort((a, b) => (b.endDateTime ?? '').localeCompare(a.endDateTime ?? ''));
    },
    refetchInterval: 60_000,
  });
}

/**
 * Refreshes the grants as soon as one of these waiting requests stops waiting — an approver
 * decided, a scheduled start came. Requests are polled every 2 s while one waits, grants only every
 * 30 s: without this the notice went away on approval but the role showed "Activate" for up to 30 s.
 */
export function useRefreshGrantsWhenSettled(waitingIds: readonly string[]): void {
  const client = useQueryClient();
  const key = [...waitingIds].sort().join(' ');
  const before = useRef(key);
  useEffect(() => {
    const now = new Set(key.split(' '));
    const settled = before.current.split(' ').some((id) => id !== '' && !now.has(id));
    before.current = key;
    if (settled) void client.invalidateQueries({ queryKey: grantKeys.all });
  }, [key, client]);
}

export interface RoleDefinition {
  readonly id: string;
  readonly displayName: string;
  readonly description: string | null;
  readonly isPrivileged: boolean;
}

const roleDefinitionsQuery = {
  queryKey: ['roleDefinitions'],
  queryFn: async () => {
    const page = await api<Collection<RoleDefinition>>(`${DIRECTORY}/roleDefinitions?$select=id,displayName,description,isPrivileged&$top=999`);
    return new Map(page.value.map((r) => [r.id, r]));
  },
  staleTime: 300_000,
};

/** The role catalogue, for names. */
export function useRoleDefinitions() {
  return useQuery(roleDefinitionsQuery);
}

export interface Group {
  readonly id: string;
  readonly displayName: string;
}

/** Display names of these groups. */
export function useGroupNames(ids: readonly string[]) {
  const results = useQueries({
    queries: [...new Set(ids)].map((id) => ({
      queryKey: ['group', id],
      queryFn: () => api<Group>(`/v1.0/groups/${encodeURIComponent(id)}?$select=id,displayName`),
      staleTime: 300_000,
    })),
  });
  return new Map(results.flatMap((r) => (r.data ? [[r.data.id, r.data.displayName] as const] : [])));
}

/** What a role's policy asks before activation, read from its Entra-shaped rules. */
export interface ActivationRules {
  readonly mfa: boolean;
  readonly justification: boolean;
  readonly ticket: boolean;
  readonly approval: boolean;
  /** Authentication context the activation needs (phishing-resistant sign-in), if any. */
  readonly authenticationContext: string | null;
  /** Maximum activation length in ISO 8601, e.g. PT8H. */
  readonly maximumDuration: string | null;
}

interface Rule {
  readonly id: string;
  readonly enabledRules?: readonly string[];
  readonly maximumDuration?: string;
  readonly setting?: { readonly isApprovalRequired?: boolean };
  readonly isEnabled?: boolean;
  readonly claimValue?: string | null;
}

interface PolicyAssignment {
  readonly policy?: { readonly rules?: readonly Rule[] };
}

export function activationRulesOf(rules: readonly Rule[]): ActivationRules {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const enabled = byId.get('Enablement_EndUser_Assignment')?.enabledRules ?? [];
  const context = byId.get('AuthenticationContext_EndUser_Assignment');
  return {
    mfa: enabled.includes('MultiFactorAuthentication'),
    justification: enabled.includes('Justification'),
    ticket: enabled.includes('Ticketing'),
    approval: byId.get('Approval_EndUser_Assignment')?.setting?.isApprovalRequired ?? false,
    authenticationContext: context?.isEnabled ? (context.claimValue ?? null) : null,
    maximumDuration: byId.get('Expiration_EndUser_Assignment')?.maximumDuration ?? null,
  };
}

interface PolicyAssignmentRow extends PolicyAssignment {
  readonly scopeId: string;
  readonly roleDefinitionId: string;
}

type PolicyOf = Pick<Grant, 'provider' | 'roleId' | 'scope'>;
const ASSIGNMENTS = '/v1.0/policies/roleManagementPolicyAssignments';
const quoted = (values: Iterable<string>) => [...new Set(values)].map(odataString).join(',');

/**
 * Reads the policies of many grants in at most two requests (directory roles, group access) rather
 * than one per grant: each grant's query asks here, and the asks of one moment go out together.
 */
let waiting: { g: PolicyOf; resolve(rules: ActivationRules | null): void; reject(e: unknown): void }[] = [];

async function readPolicies(batch: readonly PolicyOf[]): Promise<(ActivationRules | null)[]> {
  const directory = batch.filter((g) => g.provider === 'directory');
  const groups = batch.filter((g) => g.provider === 'group');
  const read = (filter: string) =>
    api<Collection<PolicyAssignmentRow>>(`${ASSIGNMENTS}?$filter=${encodeURIComponent(filter)}&$expand=policy($expand=rules)&$top=999`);
  const [roles, access] = await Promise.all([
    directory.length === 0
      ? null
      : read(
          `scopeType eq 'DirectoryRole' and roleDefinitionId in (${quoted(directory.map((g) => g.roleId))})` +
            ` and scopeId in (${quoted(['/', ...directory.map((g) => g.scope)])})`,
        ),
    groups.length === 0 ? null : read(`scopeType eq 'Group' and scopeId in (${quoted(groups.map((g) => g.scope))})`),
  ]);
  const rows = [...(roles?.value ?? []), ...(access?.value ?? [])];
  const find = (roleId: string, scopeId: string) => rows.find((r) => r.roleDefinitionId === roleId && r.scopeId === scopeId)?.policy?.rules;
  return batch.map((g) => {
    // A scope's own policy wins; else the role's at the tenant root.
    const rules = find(g.roleId, g.scope) ?? (g.provider === 'directory' ? find(g.roleId, '/') : undefined);
    return rules ? activationRulesOf(rules) : null;
  });
}

function rulesFor(g: PolicyOf): Promise<ActivationRules | null> {
  return new Promise((resolve, reject) => {
    waiting.push({ g, resolve, reject });
    if (waiting.length > 1) return;
    // The asks of one task come in one loop (the page's queries, or the prefetch's): a microtask sees them all.
    queueMicrotask(() => {
      const batch = waiting;
      waiting = [];
      readPolicies(batch.map((w) => w.g)).then(
        (rules) => batch.forEach((w, i) => w.resolve(rules[i] ?? null)),
        (error: unknown) => batch.forEach((w) => w.reject(error)),
      );
    });
  });
}

export const policyKey = (g: Pick<Grant, 'provider' | 'roleId' | 'scope'>) => ['activationRules', g.provider, g.roleId, g.scope] as const;
const rulesQuery = (g: PolicyOf) => ({ queryKey: policyKey(g), queryFn: () => rulesFor(g), staleTime: 60_000 });

/** The rules of these grants' roles, keyed by grantKey; read again on mount when `always`. */
function useRulesOf(grants: readonly PolicyOf[], always: boolean) {
  const distinct = [...new Map(grants.map((g) => [grantKey(g), g])).values()];
  const results = useQueries({
    queries: distinct.map((g) => ({ ...rulesQuery(g), ...(always ? { refetchOnMount: 'always' as const } : {}) })),
  });
  const rules = new Map<string, ActivationRules>();
  distinct.forEach((g, i) => {
    const data = results[i]?.data;
    if (data) rules.set(grantKey(g), data);
  });
  return { rules, checking: results.some((r) => r.isFetching) };
}

/** Activation rules of each of these grants' roles, keyed by `provider|role|scope`. */
export function useActivationRules(grants: readonly Grant[]) {
  return useRulesOf(grants, false).rules;
}

/**
 * The activation rules of these grants' roles as they are now, for the activation dialog: read
 * again whenever it opens, because an administrator may have changed them since My roles loaded
 * (the page keeps them for a minute). `checking` holds until that read has answered.
 */
export function useCurrentActivationRules(grants: readonly PolicyOf[]) {
  return useRulesOf(grants, true);
}

export type SelfAction = 'selfActivate' | 'selfDeactivate' | 'selfExtend' | 'selfRenew';

export interface SelfRequestInput {
  readonly grant: Pick<Grant, 'provider' | 'kind' | 'roleId' | 'scope' | 'principalId'>;
  readonly action: SelfAction;
  readonly justification?: string;
  readonly ticketNumber?: string;
  readonly ticketSystem?: string;
  readonly duration?: string;
  /** An end instead of a duration (extensions and renewals). */
  readonly endDateTime?: string;
  readonly startDateTime?: string;
}

export interface ScheduleRequest {
  readonly id: string;
  readonly status: string;
  readonly action: string;
  readonly approvalId: string | null;
  readonly scheduleInfo?: {
    readonly startDateTime: string | null;
    readonly expiration: { readonly endDateTime: string | null; readonly duration: string | null };
  };
}

/** The body and collection of a self-service request, as Graph takes it for roles and for groups. */
export function selfRequest(input: SelfRequestInput): { path: string; body: Record<string, unknown> } {
  const { grant, action } = input;
  const scheduleInfo =
    action === 'selfDeactivate'
      ? undefined
      : {
          ...(input.startDateTime ? { startDateTime: input.startDateTime } : {}),
          expiration: input.endDateTime
            ? { type: 'afterDateTime', endDateTime: input.endDateTime }
            : input.duration
              ? { type: 'afterDuration', duration: input.duration }
              : { type: 'notSpecified' },
        };
  const common = {
    action,
    principalId: grant.principalId,
    ...(input.justification ? { justification: input.justification } : {}),
    ...(input.ticketNumber || input.ticketSystem ? { ticketInfo: { ticketNumber: input.ticketNumber ?? null, ticketSystem: input.ticketSystem ?? null } } : {}),
    ...(scheduleInfo ? { scheduleInfo } : {}),
  };
  // Extending or renewing an eligibility is a request about the eligibility; activating and
  // deactivating are about an (activated) assignment.
  const eligibility = grant.kind === 'eligible' && (action === 'selfExtend' || action === 'selfRenew');
  if (grant.provider === 'group') {
    return {
      path: `${GROUPS}/${eligibility ? 'eligibility' : 'assignment'}ScheduleRequests`,
      body: { ...common, groupId: grant.scope, accessId: grant.roleId },
    };
  }
  return {
    path: `${DIRECTORY}/${eligibility ? 'roleEligibility' : 'roleAssignment'}ScheduleRequests`,
    body: { ...common, roleDefinitionId: grant.roleId, directoryScopeId: grant.scope },
  };
}

/** Submits a self-service request; the caller wraps it in a step-up. */
export function useSelfRequest() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: SelfRequestInput) => {
      const { path, body } = selfRequest(input);
      return api<ScheduleRequest>(path, { method: 'POST', body });
    },
    onSettled: async () => {
      await Promise.all([client.invalidateQueries({ queryKey: grantKeys.all }), client.invalidateQueries({ queryKey: requestKeys.all })]);
    },
  });
}
