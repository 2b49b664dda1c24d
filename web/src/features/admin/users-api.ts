/**
 * Users, as the Users page reads and changes them: the directory's users (with accountEnabled), one
 * user, their sign-in methods (an administrator's view), direct groups and role assignments; and
 * create, enable / disable, reset password, remove the authenticator app, revoke sessions.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, fetchAll, odataString } from '../../lib/api-client.ts';
import { directoryKeys } from './api.ts';

export interface User {
  readonly id: string;
  readonly displayName: string;
  readonly userPrincipalName: string | null;
  readonly mail: string | null;
  readonly accountEnabled: boolean;
  readonly createdDateTime: string;
}

/** GET /openpim/users/{id}/authentication/methods: never a secret. */
export interface UserMethods {
  readonly passwordSetDateTime: string | null;
  readonly totp: { readonly id: string; readonly confirmedDateTime: string | null; readonly lastUsedDateTime: string | null } | null;
  readonly recoveryCodesRemaining: number;
  readonly lastSignInDateTime: string | null;
  readonly securityKeys: number;
  readonly isBreakGlass: boolean;
  readonly isPrivileged: boolean;
}

export interface UserGroup {
  readonly id: string;
  readonly displayName: string;
  readonly isAssignableToRole: boolean;
}

/** A direct eligible or active role schedule of the user, with its role. */
export interface UserRole {
  readonly id: string;
  readonly kind: 'eligible' | 'active';
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
  readonly assignmentType?: 'Assigned' | 'Activated' | null;
  readonly scheduleInfo: { readonly startDateTime: string | null; readonly expiration: { readonly endDateTime: string | null } };
  readonly roleDefinition?: { readonly displayName?: string } | null;
}

/** Passwords an administrator sets: the server's rules (password-policy.ts). */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
export const PASSWORD_RULES = `At least ${PASSWORD_MIN} characters (at most ${PASSWORD_MAX}); not only spaces. Length is what counts: no other rules.`;

/** What is wrong with a password before the server says it; undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  if (length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  if (password.trim() === '') return 'The password must not be only spaces.';
  return undefined;
}

/** How many users the list reads at most (999 a page): the search is done here, as in the pickers. */
export const USERS_LIMIT = 5_000;

const USERS = '/v1.0/users';
const user = (id: string) => `${USERS}/${encodeURIComponent(id)}`;

export const userKeys = {
  all: ['admin', 'users'] as const,
  list: ['admin', 'users', 'list'] as const,
  one: (id: string) => ['admin', 'users', 'one', id] as const,
  methods: (id: string) => ['admin', 'users', 'one', id, 'methods'] as const,
  groups: (id: string) => ['admin', 'users', 'one', id, 'groups'] as const,
  roles: (id: string) => ['admin', 'users', 'one', id, 'roles'] as const,
};

export function useUsers() {
  return useQuery({
    queryKey: userKeys.list,
    queryFn: () => fetchAll<User>(`${USERS}?$select=id,displayName,userPrincipalName,mail,accountEnabled,createdDateTime&$top=999`, USERS_LIMIT),
    staleTime: 30_000,
  });
}

export function useUser(id: string) {
  return useQuery({ queryKey: userKeys.one(id), queryFn: ({ signal }) => api<User>(user(id), { signal }), retry: false });
}

/** An administrator's view of the user's sign-in methods; a 403 (not an administrator of credentials) is not retried. */
export function useUserMethods(id: string) {
  return useQuery({
    queryKey: userKeys.methods(id),
    queryFn: ({ signal }) => api<UserMethods>(`/openpim/users/${encodeURIComponent(id)}/authentication/methods`, { signal }),
    retry: false,
  });
}

export function useUserGroups(id: string) {
  return useQuery({
    queryKey: userKeys.groups(id),
    queryFn: () => fetchAll<UserGroup>(`${user(id)}/memberOf?$select=id,displayName,isAssignableToRole&$top=999`, 1_000),
    retry: false,
  });
}

/** The user's own eligible and active role schedules (directory and resource roles; what groups give them is the group's). */
export function useUserRoles(id: string) {
  return useQuery({
    queryKey: userKeys.roles(id),
    queryFn: async (): Promise<UserRole[]> => {
      const query = `$filter=${encodeURIComponent(`principalId eq ${odataString(id)}`)}&$expand=roleDefinition&$top=999`;
      const [eligible, active] = await Promise.all([
        fetchAll<Omit<UserRole, 'kind'>>(`/v1.0/roleManagement/directory/roleEligibilitySchedules?${query}`, 1_000),
        fetchAll<Omit<UserRole, 'kind'>>(`/v1.0/roleManagement/directory/roleAssignmentSchedules?${query}`, 1_000),
      ]);
      return [...eligible.map((r) => ({ ...r, kind: 'eligible' as const })), ...active.map((r) => ({ ...r, kind: 'active' as const }))];
    },
    retry: false,
  });
}

export interface NewUser {
  readonly displayName: string;
  readonly userPrincipalName: string;
  readonly mail: string | null;
  readonly accountEnabled: boolean;
  readonly password: string | null;
}

/** After any change: the list, the user's detail, and the pickers' directory. */
function useRefresh() {
  const client = useQueryClient();
  return () => Promise.all([client.invalidateQueries({ queryKey: userKeys.all }), client.invalidateQueries({ queryKey: directoryKeys.principals })]);
}

export function useCreateUser() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (input: NewUser) =>
      api<User>(USERS, {
        method: 'POST',
        body: {
          displayName: input.displayName,
          userPrincipalName: input.userPrincipalName,
          accountEnabled: input.accountEnabled,
          ...(input.mail ? { mail: input.mail } : {}),
          ...(input.password !== null ? { passwordProfile: { password: input.password, forceChangePasswordNextSignIn: false } } : {}),
        },
      }),
    onSuccess: refresh,
  });
}

export type UserChange =
  { readonly kind: 'enable' | 'disable' | 'removeTotp' | 'revokeSessions' } | { readonly kind: 'resetPassword'; readonly password: string };

export function changeRequest(id: string, change: UserChange): Promise<unknown> {
  switch (change.kind) {
    case 'enable':
    case 'disable':
      return api(user(id), { method: 'PATCH', body: { accountEnabled: change.kind === 'enable' } });
    case 'resetPassword':
      return api(user(id), { method: 'PATCH', body: { passwordProfile: { password: change.password, forceChangePasswordNextSignIn: false } } });
    case 'removeTotp':
      return api(`/openpim/users/${encodeURIComponent(id)}/authentication/totp`, { method: 'DELETE' });
    case 'revokeSessions':
      return api(`${user(id)}/revokeSignInSessions`, { method: 'POST' });
  }
}

/** One change to a user; the caller wraps it in a step-up. Everything about users refreshes afterwards, refused or not. */
export function useChangeUser() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ id, change }: { id: string; change: UserChange }) => changeRequest(id, change),
    onSettled: refresh,
  });
}
