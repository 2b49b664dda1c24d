/**
 * What a request is about: a directory or resource role at a scope, or PIM for Groups access
 * (`member` / `owner`) to a group — and where its requests and approvals live in the API. Roles use
 * Graph's roleManagement collections (`roleDefinitionId` + `directoryScopeId`), groups the
 * identityGovernance ones (`accessId` + `groupId`); the CLI names both alike.
 */
import type { ApiClient } from './api-client.ts';
import { notFoundError, usageError } from './cli-error.ts';
import { roleCatalogue } from './role-catalogue.ts';

export type Provider = 'directory' | 'group';
export type Kind = 'assignment' | 'eligibility';

export interface Target {
  readonly provider: Provider;
  /** The role's display name, or `member` / `owner` for a group. */
  readonly role: string;
  /** The role definition id, or the access id (`member` / `owner`) for a group. */
  readonly roleDefinitionId: string;
  /** The scope; `/groups/{id}` for a group. */
  readonly directoryScopeId: string;
  readonly groupId: string | null;
  /** The group's display name (null for a role). */
  readonly groupName: string | null;
}

const ROLES = '/v1.0/roleManagement/directory';
const GROUPS = '/v1.0/identityGovernance/privilegedAccess/group';
export const GROUP_ACCESS = ['member', 'owner'] as const;

/** The collection of requests of one provider and kind. */
export const requestsPath = (provider: Provider, kind: Kind): string =>
  provider === 'directory' ? `${ROLES}/role${kind === 'assignment' ? 'Assignment' : 'Eligibility'}ScheduleRequests` : `${GROUPS}/${kind}ScheduleRequests`;

/** Where an approval is read and its steps decided. */
export const approvalPath = (provider: Provider, approvalId: string): string =>
  provider === 'directory' ? `/beta/roleManagement/directory/roleAssignmentApprovals/${approvalId}` : `${GROUPS}/assignmentApprovals/${approvalId}`;

/** The four request collections, in the order the CLI searches them for an id. */
export const REQUEST_COLLECTIONS: readonly { provider: Provider; kind: Kind }[] = [
  { provider: 'directory', kind: 'assignment' },
  { provider: 'directory', kind: 'eligibility' },
  { provider: 'group', kind: 'assignment' },
  { provider: 'group', kind: 'eligibility' },
];

/** The fields of a request body that name the target. */
export const targetBody = (t: Target): Record<string, string> =>
  t.provider === 'directory'
    ? { roleDefinitionId: t.roleDefinitionId, directoryScopeId: t.directoryScopeId }
    : { accessId: t.roleDefinitionId, groupId: t.groupId! };

/** How a person reads a target: `User Administrator`, `User Administrator at /administrativeUnits/x`, `member of Ops`. */
export const describeTarget = (t: Pick<Target, 'role' | 'directoryScopeId' | 'groupName' | 'groupId'>): string =>
  t.groupId ? `${t.role} of ${t.groupName ?? t.groupId}` : `${t.role}${t.directoryScopeId === '/' ? '' : ` at ${t.directoryScopeId}`}`;

interface Group {
  readonly id: string;
  readonly displayName: string;
}

const quote = (s: string) => s.replace(/'/g, "''");

/** A group named by id or display name (exactly one group must have it). */
export async function findGroup(client: ApiClient, nameOrId: string): Promise<Group> {
  const byName = await client.list<Group>(`/v1.0/groups?$filter=${encodeURIComponent(`displayName eq '${quote(nameOrId)}'`)}&$select=id,displayName`, 2);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) throw usageError(`more than one group is named '${nameOrId}': name it by id`);
  try {
    return await client.call<Group>('GET', `/v1.0/groups/${encodeURIComponent(nameOrId)}`);
  } catch (error) {
    if ((error as { status?: number }).status === 404 || (error as { status?: number }).status === 400) throw notFoundError(`no group named '${nameOrId}'`);
    throw error;
  }
}

export interface TargetSpec {
  readonly role: string;
  readonly scope?: string;
  readonly group?: string;
}

/** The targets the command line names, all resolved before anything is submitted. */
export async function resolveTargets(client: ApiClient, specs: readonly TargetSpec[]): Promise<Target[]> {
  const needRoles = specs.some((s) => !s.group);
  const catalogue = needRoles ? await roleCatalogue(client) : null;
  const groups = new Map<string, Group>();
  const targets: Target[] = [];
  for (const spec of specs) {
    if (spec.group) {
      const access = spec.role.trim().toLowerCase();
      if (!(GROUP_ACCESS as readonly string[]).includes(access)) throw usageError(`with --group, the role is member or owner, not '${spec.role}'`);
      const group = groups.get(spec.group) ?? (await findGroup(client, spec.group));
      groups.set(spec.group, group);
      targets.push({
        provider: 'group',
        role: access,
        roleDefinitionId: access,
        directoryScopeId: `/groups/${group.id}`,
        groupId: group.id,
        groupName: group.displayName,
      });
    } else {
      const role = catalogue!.find(spec.role);
      targets.push({
        provider: 'directory',
        role: role.displayName,
        roleDefinitionId: role.id,
        directoryScopeId: spec.scope ?? '/',
        groupId: null,
        groupName: null,
      });
    }
  }
  return targets;
}
