/**
 * The role catalogue and who holds a role: eligible and active schedules (current and future) of
 * one role, page by page, with the principal expanded; admin requests that change them — for a
 * directory or resource role, or for PIM for Groups access (a group's member or owner).
 */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, fetchAll, odataString, relativeLink, type Collection } from '../../lib/api-client.ts';

const DIRECTORY = '/v1.0/roleManagement/directory';
const GROUPS = '/v1.0/identityGovernance/privilegedAccess/group';

/** Azure's well-known resource roles: assigned at resource scopes, not at `/`. The API does not say a role's kind. */
const RESOURCE_TEMPLATES = new Set([
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', // Owner
  'b24988ac-6180-42a0-ab88-20f7382dd24c', // Contributor
  'acdd72a7-3385-48ef-bd42-f606fba81ae7', // Reader
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', // User Access Administrator
]);

export type RoleKind = 'directory' | 'resource' | 'custom';

export interface CatalogueRole {
  readonly id: string;
  readonly templateId: string;
  readonly displayName: string;
  readonly description: string | null;
  readonly isBuiltIn: boolean;
  readonly isEnabled: boolean;
  readonly isPrivileged: boolean;
}

export const kindOf = (r: Pick<CatalogueRole, 'isBuiltIn' | 'templateId' | 'id'>): RoleKind =>
  !r.isBuiltIn ? 'custom' : RESOURCE_TEMPLATES.has(r.templateId) || RESOURCE_TEMPLATES.has(r.id) ? 'resource' : 'directory';

export const roleKeys = {
  catalogue: ['admin', 'roles'] as const,
  holders: (roleId: string) => ['admin', 'holders', roleId] as const,
  holdersOf: (roleId: string, kind: HolderKind) => ['admin', 'holders', roleId, kind] as const,
};

export function useCatalogue() {
  return useQuery({
    queryKey: roleKeys.catalogue,
    queryFn: () =>
      fetchAll<CatalogueRole>(`${DIRECTORY}/roleDefinitions?$select=id,templateId,displayName,description,isBuiltIn,isEnabled,isPrivileged&$top=999`),
    staleTime: 60_000,
  });
}

export type HolderKind = 'eligible' | 'active';

/** Where a grant lives: a directory or resource role, or PIM for Groups access. */
export type Provider = 'directory' | 'group';

/**
 * One eligible or active schedule of the role, as the schedules collections give it. PIM for Groups
 * schedules are read into the same shape (groups-api.ts): `provider` 'group', `roleDefinitionId` the
 * access (`member` or `owner`) and `directoryScopeId` the group's id.
 */
export interface Holding {
  readonly provider?: Provider;
  readonly id: string;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
  readonly memberType: 'Direct' | 'Group' | 'Inherited';
  /** `Expired` for what ran out in the last 30 days (the expired collections); may be renewed. */
  readonly status?: string;
  readonly assignmentType?: 'Assigned' | 'Activated' | null;
  readonly scheduleInfo: {
    readonly startDateTime: string | null;
    readonly expiration: { readonly type: string; readonly endDateTime: string | null; readonly duration: string | null };
  };
  readonly principal?: { readonly '@odata.type'?: string; readonly displayName?: string; readonly userPrincipalName?: string | null } | null;
}

const COLLECTION: Record<HolderKind, string> = { eligible: 'roleEligibilitySchedules', active: 'roleAssignmentSchedules' };
const PAGE = 50;

/** Who holds the role, a page (50) at a time; the next page follows @odata.nextLink. */
export function useHolders(roleId: string, kind: HolderKind) {
  return useInfiniteQuery({
    queryKey: roleKeys.holdersOf(roleId, kind),
    initialPageParam: `${DIRECTORY}/${COLLECTION[kind]}?$filter=${encodeURIComponent(`roleDefinitionId eq ${odataString(roleId)}`)}&$expand=principal&$top=${PAGE}`,
    queryFn: ({ pageParam, signal }) => api<Collection<Holding>>(pageParam, { signal }),
    getNextPageParam: (last) => (last['@odata.nextLink'] ? relativeLink(last['@odata.nextLink']) : undefined),
    refetchInterval: 30_000,
  });
}

const EXPIRED: Record<HolderKind, string> = { eligible: 'expiredRoleEligibilitySchedules', active: 'expiredRoleAssignmentSchedules' };

/** Who held the role and let it run out in the last 30 days (eligible or active), for renewal. */
export function useExpiredHolders(roleId: string, kind: HolderKind) {
  return useQuery({
    queryKey: [...roleKeys.holdersOf(roleId, kind), 'expired'],
    queryFn: () =>
      fetchAll<Holding>(
        `/openpim/roleManagement/directory/${EXPIRED[kind]}?$filter=${encodeURIComponent(`roleDefinitionId eq ${odataString(roleId)}`)}&$expand=principal&$top=999`,
      ),
  });
}

export type AdminAction = 'adminAssign' | 'adminRemove' | 'adminUpdate' | 'adminExtend' | 'adminRenew';

export type Expiration =
  | { readonly type: 'noExpiration' }
  | { readonly type: 'afterDateTime'; readonly endDateTime: string }
  | { readonly type: 'afterDuration'; readonly duration: string };

export interface AdminRequestInput {
  /** Absent: a directory or resource role. For 'group', roleDefinitionId is the access and directoryScopeId the group id. */
  readonly provider?: Provider;
  readonly kind: HolderKind;
  readonly action: AdminAction;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
  readonly justification?: string;
  readonly startDateTime?: string;
  readonly expiration?: Expiration;
  readonly targetScheduleId?: string;
}

/**
 * The request body as Graph takes it for roleEligibilityScheduleRequests / roleAssignmentScheduleRequests,
 * or — for PIM for Groups — the group eligibilityScheduleRequests / assignmentScheduleRequests.
 */
export function adminRequest(input: AdminRequestInput): { path: string; body: Record<string, unknown> } {
  const group = input.provider === 'group';
  const path = group
    ? `${GROUPS}/${input.kind === 'eligible' ? 'eligibility' : 'assignment'}ScheduleRequests`
    : `${DIRECTORY}/${input.kind === 'eligible' ? 'roleEligibility' : 'roleAssignment'}ScheduleRequests`;
  const scheduleInfo =
    input.action === 'adminRemove'
      ? undefined
      : {
          ...(input.startDateTime ? { startDateTime: input.startDateTime } : {}),
          ...(input.expiration ? { expiration: input.expiration } : {}),
        };
  return {
    path,
    body: {
      action: input.action,
      principalId: input.principalId,
      ...(group
        ? { groupId: input.directoryScopeId, accessId: input.roleDefinitionId }
        : { roleDefinitionId: input.roleDefinitionId, directoryScopeId: input.directoryScopeId }),
      ...(input.justification ? { justification: input.justification } : {}),
      ...(input.targetScheduleId ? { targetScheduleId: input.targetScheduleId } : {}),
      ...(scheduleInfo ? { scheduleInfo } : {}),
    },
  };
}

export interface RequestResult {
  readonly id: string;
  readonly status: string;
}

/** Submits an admin request; the caller wraps it in a step-up. Holders of the role (or of the group's access) refresh afterwards. */
export function useAdminRequest() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: AdminRequestInput) => {
      const { path, body } = adminRequest(input);
      return api<RequestResult>(path, { method: 'POST', body });
    },
    onSettled: (_d, _e, input) =>
      client.invalidateQueries({ queryKey: roleKeys.holders(input.provider === 'group' ? input.directoryScopeId : input.roleDefinitionId) }),
  });
}
