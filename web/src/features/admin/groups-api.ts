/**
 * One group as its administration page reads it: the group, its static (directory) members and
 * their changes through members/$ref, and who holds its PIM for Groups access — eligible and active
 * member and owner schedules, read into the role pages' Holding shape so their lists and dialogs
 * serve both. Admin requests for that access go through roles-api.ts (useAdminRequest, provider 'group').
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, fetchAll, odataString } from '../../lib/api-client.ts';
import { directoryKeys, type DirectoryObject } from './api.ts';
import { roleKeys, type HolderKind, type Holding } from './roles-api.ts';

const GROUPS = '/v1.0/identityGovernance/privilegedAccess/group';

export interface Group {
  readonly id: string;
  readonly displayName: string;
  readonly description: string | null;
  readonly isAssignableToRole: boolean;
}

/** A direct member, as GET /v1.0/groups/{id}/members gives it: a user, a group or a service principal. */
export interface Member {
  readonly '@odata.type': '#microsoft.graph.user' | '#microsoft.graph.group' | '#microsoft.graph.servicePrincipal';
  readonly id: string;
  readonly displayName: string;
  readonly userPrincipalName?: string | null;
  readonly isAssignableToRole?: boolean;
}

export const groupKeys = {
  group: (groupId: string) => ['admin', 'group', groupId] as const,
  members: (groupId: string) => ['admin', 'group', groupId, 'members'] as const,
};

const groupPath = (groupId: string) => `/v1.0/groups/${encodeURIComponent(groupId)}`;

export function useGroup(groupId: string) {
  return useQuery({
    queryKey: groupKeys.group(groupId),
    queryFn: ({ signal }) => api<Group>(`${groupPath(groupId)}?$select=id,displayName,description,isAssignableToRole`, { signal }),
    // No such group is an answer, not a failure to retry.
    retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status === 404),
  });
}

/** The group's direct members (static membership), by name. */
export function useGroupMembers(groupId: string) {
  return useQuery({
    queryKey: groupKeys.members(groupId),
    queryFn: () => fetchAll<Member>(`${groupPath(groupId)}/members?$top=999`),
  });
}

export interface NewGroup {
  readonly displayName: string;
  readonly description: string | null;
  readonly isAssignableToRole: boolean;
}

/** Creates a security group (POST /v1.0/groups); the caller wraps it in a step-up. */
export function useCreateGroup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: NewGroup) =>
      api<Group>('/v1.0/groups', {
        method: 'POST',
        body: {
          displayName: input.displayName,
          mailEnabled: false,
          securityEnabled: true,
          isAssignableToRole: input.isAssignableToRole,
          ...(input.description ? { description: input.description } : {}),
        },
      }),
    onSettled: () => client.invalidateQueries({ queryKey: directoryKeys.principals }),
  });
}

/** Adds a direct member (POST members/$ref); the caller wraps it in a step-up. */
export function useAddMember(groupId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (memberId: string) =>
      api<void>(`${groupPath(groupId)}/members/$ref`, {
        method: 'POST',
        body: { '@odata.id': `${window.location.origin}/v1.0/directoryObjects/${memberId}` },
      }),
    onSettled: () => client.invalidateQueries({ queryKey: groupKeys.members(groupId) }),
  });
}

/** Removes a direct member (DELETE members/{id}/$ref); the caller wraps it in a step-up. */
export function useRemoveMember(groupId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (memberId: string) => api<void>(`${groupPath(groupId)}/members/${encodeURIComponent(memberId)}/$ref`, { method: 'DELETE' }),
    onSettled: () => client.invalidateQueries({ queryKey: groupKeys.members(groupId) }),
  });
}

/** A PIM for Groups schedule as the API gives it (Graph's lower-case memberType and assignmentType). */
interface GroupSchedule {
  readonly id: string;
  readonly principalId: string;
  readonly groupId: string;
  readonly accessId: 'member' | 'owner';
  readonly memberType: 'direct' | 'group' | null;
  readonly assignmentType?: 'assigned' | 'activated' | null;
  readonly scheduleInfo: Holding['scheduleInfo'];
  readonly status?: string;
}

const capitalised = <T extends string>(value: string): T => (value.charAt(0).toUpperCase() + value.slice(1)) as T;

/** A group schedule as a Holding (roles-api.ts): the access as the role, the group as the scope, the principal named from the directory. */
export function toHolding(s: GroupSchedule, principals: readonly DirectoryObject[] | undefined): Holding {
  const p = principals?.find((x) => x.id === s.principalId);
  return {
    provider: 'group',
    id: s.id,
    principalId: s.principalId,
    roleDefinitionId: s.accessId,
    directoryScopeId: s.groupId,
    memberType: capitalised<Holding['memberType']>(s.memberType ?? 'direct'),
    assignmentType: s.assignmentType ? capitalised<'Assigned' | 'Activated'>(s.assignmentType) : null,
    scheduleInfo: s.scheduleInfo,
    ...(s.status ? { status: s.status } : {}),
    principal: p
      ? {
          '@odata.type': p.kind === 'group' ? '#microsoft.graph.group' : '#microsoft.graph.user',
          displayName: p.displayName,
          userPrincipalName: p.kind === 'user' ? p.detail : null,
        }
      : null,
  };
}

/**
 * Who holds the group's member and owner access (eligible or active, current and future). A group's
 * grants are few: they are read whole. The key sits under roleKeys.holders(groupId), which an admin
 * request for the group refreshes.
 */
export function useGroupSchedules(groupId: string, kind: HolderKind) {
  return useQuery({
    queryKey: roleKeys.holdersOf(groupId, kind),
    queryFn: () =>
      fetchAll<GroupSchedule>(
        `${GROUPS}/${kind === 'eligible' ? 'eligibilitySchedules' : 'assignmentSchedules'}?$filter=${encodeURIComponent(`groupId eq ${odataString(groupId)}`)}&$top=999`,
      ),
    refetchInterval: 30_000,
  });
}

/** Who let the group's member or owner access run out in the last 30 days (eligible or active), for renewal. */
export function useExpiredGroupSchedules(groupId: string, kind: HolderKind) {
  return useQuery({
    queryKey: [...roleKeys.holdersOf(groupId, kind), 'expired'],
    queryFn: () =>
      fetchAll<GroupSchedule>(
        `/openpim/identityGovernance/privilegedAccess/group/${kind === 'eligible' ? 'expiredEligibilitySchedules' : 'expiredAssignmentSchedules'}` +
          `?$filter=${encodeURIComponent(`groupId eq ${odataString(groupId)}`)}&$top=999`,
      ),
  });
}
