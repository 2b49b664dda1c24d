/**
 * The shape every Graph collection endpoint shares: parse OData options against the resource's
 * fields, fetch a page through a use case, shape each item, expand, and write the collection.
 */
import type { FastifyRequest } from 'fastify';
import type { Caller } from '../../app/caller.ts';
import type { Repositories } from '../../app/ports/repositories.ts';
import type { OrderBy, Page } from '../../app/query.ts';
import { collection } from '../collection.ts';
import { parseListQuery, type ParsedListQuery } from '../odata/parse-query.ts';
import { assertSelectable } from '../odata/select.ts';
import { directoryObjectShape } from '../shapes/principals.ts';
import { roleShape } from '../shapes/roles.ts';

export interface ListSpec<T, S extends object> {
  readonly entitySet: string;
  readonly fields: readonly string[];
  readonly defaultOrder: readonly OrderBy[];
  readonly properties: readonly string[];
  readonly expandable?: readonly string[];
  readonly fetch: (query: ParsedListQuery) => Promise<Page<T>>;
  readonly shape: (item: T) => S;
}

export async function listResponse<T, S extends object>(request: FastifyRequest, spec: ListSpec<T, S>, expand?: (items: S[], names: readonly string[]) => Promise<S[]>) {
  const query = parseListQuery(request.query as Record<string, unknown>, {
    fields: spec.fields,
    defaultOrder: spec.defaultOrder,
    expandable: spec.expandable ?? [],
  });
  if (query.select) assertSelectable(query.select, spec.properties);
  const page = await spec.fetch(query);
  let items = page.items.map(spec.shape);
  if (expand && query.expand?.length) items = await expand(items, query.expand);
  return collection(request, spec.entitySet, { ...page, items }, query, spec.properties);
}

/** `$expand=principal,roleDefinition` on anything with principalId and roleDefinitionId. */
export function expandPrincipalAndRole(read: Repositories, caller: Caller) {
  return async <S extends { principalId: string; roleDefinitionId: string }>(items: S[], names: readonly string[]): Promise<S[]> => {
    const wantPrincipal = names.includes('principal');
    const wantRole = names.includes('roleDefinition');
    const principals = new Map<string, object | null>();
    const roles = new Map<string, object | null>();
    for (const item of items) {
      if (wantPrincipal && !principals.has(item.principalId)) {
        const p = await read.principals.get(caller.tenantId, item.principalId);
        principals.set(item.principalId, p ? directoryObjectShape(p) : null);
      }
      if (wantRole && !roles.has(item.roleDefinitionId)) {
        const r = await read.roles.get(caller.tenantId, item.roleDefinitionId);
        roles.set(item.roleDefinitionId, r ? roleShape(r) : null);
      }
    }
    return items.map((item) => ({
      ...item,
      ...(wantPrincipal ? { principal: principals.get(item.principalId) } : {}),
      ...(wantRole ? { roleDefinition: roles.get(item.roleDefinitionId) } : {}),
    }));
  };
}

/** `filterByCurrentUser(on='principal')` as it arrives in a path segment. */
export function currentUserFunction(segment: string): 'principal' | 'approver' | null {
  const match = /^filterByCurrentUser\(on='(principal|approver)'\)$/.exec(decodeURIComponent(segment));
  return match ? (match[1] as 'principal' | 'approver') : null;
}
