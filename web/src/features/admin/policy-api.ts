/**
 * A role's policies (role settings): the one at `/` and any narrower scope's own, their rules as
 * Graph shapes them, and the ways to change them — PATCH one rule, reset one to inherit it (DELETE),
 * or give a scope its own policy. A group's two policies (PIM for Groups: `member` and `owner`), the
 * defaults for groups (the two at `/`, which groups' own inherit) and the tenant default, which every
 * other policy inherits from, are read and changed the same way.
 */
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, fetchAll, odataString } from '../../lib/api-client.ts';

export interface SubjectSet {
  readonly '@odata.type': '#microsoft.graph.singleUser' | '#microsoft.graph.groupMembers' | '#microsoft.graph.requestorManager';
  readonly userId?: string;
  readonly groupId?: string;
  readonly managerLevel?: number;
  readonly description?: string | null;
  readonly isBackup?: boolean | null;
}

export interface ApprovalStage {
  readonly approvalStageTimeOutInDays: number;
  readonly isApproverJustificationRequired: boolean;
  readonly escalationTimeInMinutes: number;
  readonly isEscalationEnabled: boolean;
  readonly primaryApprovers: readonly SubjectSet[];
  readonly escalationApprovers: readonly SubjectSet[];
  readonly approvalsRequired?: number;
}

export interface ApprovalSetting {
  readonly isApprovalRequired: boolean;
  readonly isApprovalRequiredForExtension: boolean;
  readonly isRequestorJustificationRequired: boolean;
  readonly approvalMode: 'SingleStage' | 'Serial' | 'Parallel' | 'NoApproval';
  readonly approvalStages: readonly ApprovalStage[];
  readonly grantStartsAt?: 'approval' | 'request';
}

/** Where a rule the policy does not set itself comes from (OpenPIM's `inheritedFrom`). */
export interface RuleSource {
  readonly policyId: string;
  /** `/`, a narrower scope path, or a group's id. */
  readonly scopeId: string;
  readonly isOrganizationDefault: boolean;
}

/** One rule in force, as GET returns it (fields per @odata.type); `inheritedFrom` when the policy does not set it itself. */
export interface Rule {
  readonly '@odata.type': string;
  readonly id: string;
  readonly inheritedFrom?: RuleSource;
  readonly isExpirationRequired?: boolean;
  readonly maximumDuration?: string;
  readonly enabledRules?: readonly string[];
  readonly setting?: ApprovalSetting;
  readonly isEnabled?: boolean;
  readonly claimValue?: string | null;
  readonly notificationType?: 'Email';
  readonly recipientType?: 'Requestor' | 'Approver' | 'Admin';
  readonly notificationLevel?: 'None' | 'Critical' | 'All';
  readonly isDefaultRecipientsEnabled?: boolean;
  readonly notificationRecipients?: readonly string[];
}

export interface Policy {
  readonly id: string;
  /** `/` or a narrower scope path; a group's policy names the group's id. */
  readonly scopeId: string;
  /** 'DirectoryRole', 'Group' for a group's member or owner policy, 'Directory' for the tenant default. */
  readonly scopeType?: string;
  /** The tenant default: it sets every rule and inherits none. */
  readonly isOrganizationDefault?: boolean;
  readonly lastModifiedDateTime: string | null;
  readonly lastModifiedBy: { readonly displayName: string | null } | null;
  readonly rules: readonly Rule[];
}

interface PolicyAssignment {
  readonly policyId: string;
  readonly roleDefinitionId: string;
  readonly scopeId: string;
  readonly policy: Policy;
}

export const policyKeys = {
  all: ['admin', 'policies'] as const,
  ofRole: (roleId: string) => ['admin', 'policies', roleId] as const,
  ofGroup: (groupId: string) => ['admin', 'policies', 'group', groupId] as const,
  tenantDefault: ['admin', 'policies', 'tenant-default'] as const,
  groupsDefault: ['admin', 'policies', 'groups-default'] as const,
};

/** Every policy of the role — `/` first, then narrower scopes' own — with their rules. Not read while `enabled` is false (no role chosen yet). */
export function useRolePolicies(roleId: string, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: policyKeys.ofRole(roleId),
    enabled,
    queryFn: async (): Promise<Policy[]> => {
      const filter = `scopeType eq 'DirectoryRole' and roleDefinitionId eq ${odataString(roleId)}`;
      const rows = await fetchAll<PolicyAssignment>(
        `/v1.0/policies/roleManagementPolicyAssignments?$filter=${encodeURIComponent(filter)}&$expand=policy($expand=rules)&$top=999`,
      );
      return rows.map((r) => r.policy).sort((a, b) => (a.scopeId === '/' ? -1 : b.scopeId === '/' ? 1 : a.scopeId.localeCompare(b.scopeId)));
    },
  });
}

export type GroupAccess = 'member' | 'owner';

/** The member and owner policies of type Group at `scopeId` (a group's id, or `/` for the defaults for groups), by access. */
async function groupPoliciesAt(scopeId: string): Promise<Partial<Record<GroupAccess, Policy>>> {
  const filter = `scopeId eq ${odataString(scopeId)} and scopeType eq 'Group'`;
  const rows = await fetchAll<PolicyAssignment>(
    `/v1.0/policies/roleManagementPolicyAssignments?$filter=${encodeURIComponent(filter)}&$expand=policy($expand=rules)&$top=999`,
  );
  return Object.fromEntries(rows.filter((r) => r.roleDefinitionId === 'member' || r.roleDefinitionId === 'owner').map((r) => [r.roleDefinitionId, r.policy]));
}

/** A group's two policies (PIM for Groups), by access; one the API does not show is absent. */
export function useGroupPolicies(groupId: string) {
  return useQuery({ queryKey: policyKeys.ofGroup(groupId), queryFn: () => groupPoliciesAt(groupId) });
}

/**
 * The defaults for groups, by access: the member and owner policies at `/`, which every group's own inherit from for
 * the rules they do not set (and which inherit from the tenant default in turn).
 */
export function useGroupsDefaultPolicies() {
  return useQuery({ queryKey: policyKeys.groupsDefault, queryFn: () => groupPoliciesAt('/') });
}

/** The tenant default policy, with its rules; null when the API shows none. */
export function useTenantDefaultPolicy() {
  return useQuery({
    queryKey: policyKeys.tenantDefault,
    queryFn: async (): Promise<Policy | null> => {
      const rows = await fetchAll<Policy>(`/v1.0/policies/roleManagementPolicies?$filter=${encodeURIComponent('isOrganizationDefault eq true')}&$expand=rules`);
      return rows[0] ?? null;
    },
  });
}

/** The changed fields of one rule, with its @odata.type (Graph requires it). */
export interface RulePatch {
  readonly rule: Rule;
  readonly changes: Partial<Rule>;
}

/** Every policy read, and My roles' activation rules (the same rules), read again: a change to one policy can change what others inherit. */
function refreshPolicies(client: QueryClient) {
  return Promise.all([client.invalidateQueries({ queryKey: policyKeys.all }), client.invalidateQueries({ queryKey: ['activationRules'] })]);
}

/** PATCHes the given rules one after another (each is then set by this policy); stops at the first refusal (the API's message is the error). */
export function useSaveRules(policyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (patches: readonly RulePatch[]) => {
      for (const p of patches) {
        await api(`/v1.0/policies/roleManagementPolicies/${encodeURIComponent(policyId)}/rules/${encodeURIComponent(p.rule.id)}`, {
          method: 'PATCH',
          body: { '@odata.type': p.rule['@odata.type'], id: p.rule.id, ...p.changes },
        });
      }
    },
    onSettled: () => refreshPolicies(client),
  });
}

/** Resets one rule to inherit it: the policy stops setting it (DELETE; not on the tenant default, which sets every rule). */
export function useResetRule(policyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (ruleId: string) =>
      api(`/v1.0/policies/roleManagementPolicies/${encodeURIComponent(policyId)}/rules/${encodeURIComponent(ruleId)}`, { method: 'DELETE' }),
    onSettled: () => refreshPolicies(client),
  });
}

/** Gives the role its own policy at a narrower scope; it sets no rule at first, so it inherits every rule in force there. */
export function useCreateScopedPolicy(roleId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (scopeId: string) => api<Policy>('/openpim/policies', { method: 'POST', body: { roleDefinitionId: roleId, scopeId } }),
    onSettled: () => client.invalidateQueries({ queryKey: policyKeys.ofRole(roleId) }),
  });
}

export const ruleOf = (policy: Policy, id: string): Rule | undefined => policy.rules.find((r) => r.id === id);
