/** Reads for /scim/v2: users and groups not deleted by SCIM, found by id or by a filter, with a group's members. */
import { DomainError } from '../../domain/errors.ts';
import type { PrincipalType } from '../../domain/model.ts';
import type { ScimFilterTerm } from '../../domain/scim/filter.ts';
import type { ProvisionedPrincipal, ScimMatch } from '../ports/provisioning.ts';
import type { ReadRepositories } from '../ports/repositories.ts';
import type { ListQuery } from '../query.ts';
import type { ScimClient } from './scim-client.ts';

const ATTRIBUTES: Record<PrincipalType, Readonly<Record<string, keyof ScimMatch>>> = {
  user: { id: 'id', username: 'userName', externalid: 'externalId', displayname: 'displayName' },
  group: { id: 'id', externalid: 'externalId', displayname: 'displayName' },
  servicePrincipal: {},
};

/** The filter terms as equality conditions; an attribute named twice with two values matches nothing. */
export function scimMatch(type: PrincipalType, terms: readonly ScimFilterTerm[]): ScimMatch | null {
  const match: Record<string, string> = {};
  for (const term of terms) {
    const key = ATTRIBUTES[type][term.attribute];
    if (!key) throw new DomainError('Request_BadRequest', `Filtering on '${term.attribute}' is not supported.`, { scimType: 'invalidFilter' });
    if (match[key] !== undefined && match[key] !== term.value) return null;
    match[key] = term.value;
  }
  return match;
}

export async function findScim(
  read: ReadRepositories<'provisioning'>,
  client: ScimClient,
  type: PrincipalType,
  terms: readonly ScimFilterTerm[],
  startIndex: number,
  count: number,
): Promise<{ total: number; items: ProvisionedPrincipal[] }> {
  const match = scimMatch(type, terms);
  if (!match) return { total: 0, items: [] };
  return read.provisioning.find(client.tenantId, type, match, startIndex - 1, count);
}

export async function getScim(read: ReadRepositories<'provisioning'>, client: ScimClient, type: 'user' | 'group', id: string): Promise<ProvisionedPrincipal> {
  const found = await read.provisioning.get(client.tenantId, type, id);
  if (!found) throw new DomainError('Request_ResourceNotFound', `No ${type} has the id '${id}'.`);
  return found;
}

const ALL: ListQuery = {
  orderBy: [
    { field: 'displayName', direction: 'asc' },
    { field: 'id', direction: 'asc' },
  ],
  top: 1_000_000,
  skip: 0,
  count: false,
};

/** A group's direct members, for its `members` attribute. */
export async function scimMembers(
  read: ReadRepositories<'principals'>,
  client: ScimClient,
  groupId: string,
): Promise<{ id: string; displayName: string; type: PrincipalType }[]> {
  return (await read.principals.members(client.tenantId, groupId, ALL)).items.map((p) => ({ id: p.id, displayName: p.displayName, type: p.type }));
}
