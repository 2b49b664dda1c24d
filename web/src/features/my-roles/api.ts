/**
 * What the signed-in person may activate and holds: directory and resource roles, and PIM for
 * Groups membership and ownership, one list of "grants" whatever the API collection they come from.
 */
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { api, odataString, type Collection } from '../../lib/api-client.ts';
import { requestKeys } from '../requests/api.ts';

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

const fromDirectory = (kind: Grant['kind']) => (x: DirectoryInstance): Grant => ({
  id: x.id, provider: 'directory', kind, principalId: x.principalId, roleId: x.roleDefinitionId, scope: x.directoryScopeId,
  startDateTime: x.startDateTime, endDateTime: x.endDateTime, memberType: x.memberType, assignmentType: x.assignmentType ?? null,
});
const fromGroup = (kind: Grant['kind']) => (x: GroupInstance): Grant => ({
  id: x.id, provider: 'group', kind, principalId: x.principalId, roleId: x.accessId, scope: x.groupId,
  startDateTime: x.startDateTime, endDateTime: x.endDateTime, memberType: x.memberType, assignmentType: x.assignmentType ?? null,
});

export const grantKeys = { all: ['grants'] as const, expired: ['grants', 'expired'] as const };

/** Every eligible and active grant of the caller, now. */
export function useMyGrants() {
  return useQuery({
    queryKey: grantKeys.all,
    queryFn: async (): Promise<Grant[]> => {
      const [de, da, ge, ga] = await Promise.all([
        api<Collection<DirectoryInstance>>(`${DIRECTORY}/roleEligibilityScheduleInstances/${MINE}`),
        api<Collection<DirectoryInstance>>(`${DIRECTORY}/roleAssignmentScheduleInstances/${MINE}`),
        api<Collection<GroupInstance>>(`${GROUPS}/eligibilityScheduleInstances/${MINE}`),
        api<Collection<GroupInstance>>(`${GROUPS}/assignmentScheduleInstances/${MINE}`),
      ]);
      return [
        ...de.value.map(fromDirectory('eligible')), ...ge.value.map(fromGroup('eligible')),
        ...da.value.map(fromDirectory('active')), ...ga.value.map(fromGroup('active')),
      ];
    },
    refetchInterval: 30_000,
  });
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

const fromExpired = (provider: Provider, kind: Grant['kind']) => (x: ExpiredSchedule): Grant => ({
  id: x.id, provider, kind, principalId: x.principalId,
  roleId: provider === 'group' ? x.accessId! : x.roleDefinitionId!, scope: provider === 'group' ? x.groupId! : x.directoryScopeId!,
  startDateTime: x.scheduleInfo.startDateTime, endDateTime: x.scheduleInfo.expiration.endDateTime, memberType: x.memberType, assignmentType: x.assignmentType ?? null,
});

/** The caller's eligibilities and assignments that ran out in the last 30 days: what they may renew. */
export function useMyExpiredGrants() {
  return useQuery({
    queryKey: grantKeys.expired,
    queryFn: async (): Promise<Grant[]> => {
      const [de, da, ge, ga] = await Promise.all([
        api<Collection<ExpiredSchedule>>(`/openpim/roleManagement/directory/expiredRoleEligibilitySchedules/${MINE}`),
        api<Collection<ExpiredSchedule>>(`/openpim/roleManagement/directory/expiredRoleAssignmentSchedules/${MINE}`),
        api<Collection<ExpiredSchedule>>(`/openpim/identityGovernance/privilegedAccess/group/expiredEligibilitySchedules/${MINE}`),
        api<Collection<ExpiredSchedule>>(`/openpim/identityGovernance/privilegedAccess/group/expiredAssignmentSchedules/${MINE}`),
      ]);
      return [
        ...de.value.map(fromExpired('directory', 'eligible')), ...ge.value.map(fromExpired('group', 'eligible')),
        ...da.value.map(fromExpired('directory', 'active')), ...ga.value.map(fromExpired('group', 'active')),
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

/** The role catalogue, for names. */
export function useRoleDefinitions() {
  return useQuery({
    queryKey: ['roleDefinitions'],
    queryFn: async () => {
      const page = await api<Collection<RoleDefinition>>(`${DIRECTORY}/roleDefinitions?$select=id,displayName,description,isPrivileged&$top=999`);
      return new Map(page.value.map((r) => [r.id, r]));
    },
    staleTime: 300_000,
  });
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

const policyFilter = (g: Pick<Grant, 'provider' | 'roleId' | 'scope'>, scopeId: string) => (g.provider === 'group'
  ? `scopeId eq ${odataString(g.scope)} and scopeType eq 'Group' and roleDefinitionId eq ${odataString(g.roleId)}`
  : `scopeId eq ${odataString(scopeId)} and scopeType eq 'DirectoryRole' and roleDefinitionId eq ${odataString(g.roleId)}`);

async function rulesFor(g: Pick<Grant, 'provider' | 'roleId' | 'scope'>): Promise<ActivationRules | null> {
  // A scope's own policy wins; else the role's at the tenant root.
  const scopes = g.provider === 'directory' && g.scope !== '/' ? [g.scope, '/'] : [g.scope];
  for (const scopeId of scopes) {
    const page = await api<Collection<PolicyAssignment>>(
      `/v1.0/policies/roleManagementPolicyAssignments?$filter=${encodeURIComponent(policyFilter(g, scopeId))}&$expand=policy($expand=rules)`,
    );
    const rules = page.value[0]?.policy?.rules;
    if (rules) return activationRulesOf(rules);
  }
  return null;
}

export const policyKey = (g: Pick<Grant, 'provider' | 'roleId' | 'scope'>) => ['activationRules', g.provider, g.roleId, g.scope] as const;

/** Activation rules of each of these grants' roles, keyed by `provider|role|scope`. */
export function useActivationRules(grants: readonly Grant[]) {
  const distinct = [...new Map(grants.map((g) => [`${g.provider}|${g.roleId}|${g.scope}`, g])).values()];
  const results = useQueries({
    queries: distinct.map((g) => ({ queryKey: policyKey(g), queryFn: () => rulesFor(g), staleTime: 60_000 })),
  });
  const map = new Map<string, ActivationRules>();
  distinct.forEach((g, i) => {
    const data = results[i]?.data;
    if (data) map.set(`${g.provider}|${g.roleId}|${g.scope}`, data);
  });
  return map;
}

/**
 * The activation rules of these grants' roles as they are now, for the activation dialog: read
 * again whenever it opens, because an administrator may have changed them since My roles loaded
 * (the page keeps them for a minute). `checking` holds until that read has answered.
 */
export function useCurrentActivationRules(grants: readonly Pick<Grant, 'provider' | 'roleId' | 'scope'>[]) {
  const distinct = [...new Map(grants.map((g) => [`${g.provider}|${g.roleId}|${g.scope}`, g])).values()];
  const results = useQueries({
    queries: distinct.map((g) => ({ queryKey: policyKey(g), queryFn: () => rulesFor(g), staleTime: 60_000, refetchOnMount: 'always' as const })),
  });
  const rules = new Map<string, ActivationRules>();
  distinct.forEach((g, i) => {
    const data = results[i]?.data;
    if (data) rules.set(`${g.provider}|${g.roleId}|${g.scope}`, data);
  });
  return { rules, checking: results.some((r) => r.isFetching) };
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
  readonly scheduleInfo?: { readonly startDateTime: string | null; readonly expiration: { readonly endDateTime: string | null; readonly duration: string | null } };
}

/** The body and collection of a self-service request, as Graph takes it for roles and for groups. */
export function selfRequest(input: SelfRequestInput): { path: string; body: Record<string, unknown> } {
  const { grant, action } = input;
  const scheduleInfo = action === 'selfDeactivate' ? undefined : {
    ...(input.startDateTime ? { startDateTime: input.startDateTime } : {}),
    expiration: input.endDateTime ? { type: 'afterDateTime', endDateTime: input.endDateTime }
      : input.duration ? { type: 'afterDuration', duration: input.duration } : { type: 'notSpecified' },
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
    return { path: `${GROUPS}/${eligibility ? 'eligibility' : 'assignment'}ScheduleRequests`, body: { ...common, groupId: grant.scope, accessId: grant.roleId } };
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
