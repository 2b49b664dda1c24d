/**
 * Reading the directory, role definitions and policies. Every signed-in principal may: users need
 * to see whom they work with, which roles exist and what activating one will ask of them.
 */
import { DomainError } from '../../domain/errors.ts';
import type { Principal, PrincipalType, RoleDefinition, Scope } from '../../domain/model.ts';
import type { Caller } from '../caller.ts';
import type { Policy, ReadRepositories } from '../ports/repositories.ts';
import { narrowed, type ListQuery, type Page } from '../query.ts';
import { effectivePolicies, effectivePolicy } from '../policies/resolve-policy.ts';

export const listPrincipals = (read: ReadRepositories<'principals'>, caller: Caller, type: PrincipalType, query: ListQuery): Promise<Page<Principal>> =>
  read.principals.list(caller.tenantId, type, query);

export async function getPrincipal(read: ReadRepositories<'principals'>, caller: Caller, type: PrincipalType, idOrUpn: string): Promise<Principal> {
  const p = (await read.principals.get(caller.tenantId, idOrUpn)) ?? (type === 'user' ? await read.principals.getByUpn(caller.tenantId, idOrUpn) : null);
  if (!p || p.type !== type)
    throw new DomainError('Request_ResourceNotFound', `Resource '${idOrUpn}' does not exist or one of its queried reference-property objects are not present.`);
  return p;
}

export async function listMembers(read: ReadRepositories<'principals'>, caller: Caller, groupId: string, query: ListQuery): Promise<Page<Principal>> {
  await getPrincipal(read, caller, 'group', groupId);
  return read.principals.members(caller.tenantId, groupId, query);
}

/** The groups a user is a direct, static member of. */
export async function listMemberOf(read: ReadRepositories<'principals'>, caller: Caller, userIdOrUpn: string, query: ListQuery): Promise<Page<Principal>> {
  const user = await getPrincipal(read, caller, 'user', userIdOrUpn);
  return read.principals.memberOf(caller.tenantId, user.id, query);
}

/** Directory and resource role definitions; the group roles (`member`, `owner`) belong to PIM for Groups. */
export const listRoles = (read: ReadRepositories<'roles'>, caller: Caller, query: ListQuery): Promise<Page<RoleDefinition>> =>
  read.roles.list(caller.tenantId, narrowed(query, { op: 'ne', field: 'kind', value: 'group' }));

export async function getRole(read: ReadRepositories<'roles'>, caller: Caller, id: string): Promise<RoleDefinition> {
  const role = await read.roles.get(caller.tenantId, id);
  if (!role || role.kind === 'group') throw new DomainError('Request_ResourceNotFound', `Role definition '${id}' does not exist.`);
  return role;
}

/** Policies with the rules in force for each (policies/resolve-policy.ts), the tenant default among them. */
export async function listPolicies(read: ReadRepositories<'policies' | 'scopes'>, caller: Caller, query: ListQuery): Promise<Page<Policy>> {
  const page = await read.policies.list(caller.tenantId, query);
  return { ...page, items: await effectivePolicies(read, page.items) };
}

/** Graph's policy assignments link a policy to its role: every policy but the tenant default, which has no role. */
export const listRolePolicies = (read: ReadRepositories<'policies' | 'scopes'>, caller: Caller, query: ListQuery): Promise<Page<Policy>> =>
  listPolicies(read, caller, narrowed(query, { op: 'eq', field: 'isOrganizationDefault', value: false }));

export async function getPolicy(read: ReadRepositories<'policies' | 'scopes'>, caller: Caller, id: string): Promise<Policy> {
  const policy = await read.policies.get(caller.tenantId, id);
  if (!policy) throw new DomainError('Request_ResourceNotFound', `Policy '${id}' does not exist.`);
  return effectivePolicy(read, policy);
}

/** Scopes of one type (e.g. administrative units). */
export function listScopes(read: ReadRepositories<'scopes'>, caller: Caller, type: Scope['type'], query: ListQuery): Promise<Page<Scope>> {
  return read.scopes.list(caller.tenantId, narrowed(query, { op: 'eq', field: 'type', value: type }));
}

export async function getScope(read: ReadRepositories<'scopes'>, caller: Caller, id: string): Promise<Scope> {
  const scope = await read.scopes.get(caller.tenantId, id);
  if (!scope || scope.type !== 'resource') throw new DomainError('Request_ResourceNotFound', `No resource scope is registered at '${id}'.`);
  return scope;
}
