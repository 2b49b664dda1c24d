/**
 * The shape every Graph collection endpoint shares: parse OData options against the resource's
 * fields, fetch a page through a use case, shape each item, expand, and write the collection; and
 * the `$count` segment Graph serves beside each collection.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { OrderBy, Page } from '../../app/query.ts';
import { collection, entity } from '../collection.ts';
import { doc, listQuery, type Tag } from '../openapi.ts';
import { parseListQuery, type ParsedListQuery } from '../odata/parse-query.ts';
import { assertSelectable } from '../odata/select.ts';

export interface ListSpec<T, S extends object> {
  readonly entitySet: string;
  readonly fields: readonly string[];
  readonly defaultOrder: readonly OrderBy[];
  readonly properties: readonly string[];
  readonly expandable?: readonly string[];
  readonly fetch: (query: ParsedListQuery) => Promise<Page<T>>;
  readonly shape: (item: T) => S;
}

/** The `$expand`ed properties of each raw item, in order (navigation.ts: expander). */
export type Expand<T> = (items: readonly T[], names: readonly string[]) => Promise<readonly Record<string, unknown>[]>;

export async function listResponse<T, S extends object>(request: FastifyRequest, spec: ListSpec<T, S>, expand?: Expand<T>) {
  const query = parseListQuery(request.query as Record<string, unknown>, {
    fields: spec.fields,
    defaultOrder: spec.defaultOrder,
    expandable: spec.expandable ?? [],
  });
  if (query.select) assertSelectable(query.select, spec.properties);
  const page = await spec.fetch(query);
  let items: object[] = page.items.map(spec.shape);
  if (expand && query.expand?.length) {
    const extras = await expand(page.items, query.expand);
    items = items.map((item, i) => ({ ...item, ...extras[i] }));
  }
  return collection(request, spec.entitySet, { ...page, items }, query, spec.properties);
}

/** One entity with `$select` and `$expand` (of `expandable`), as listResponse writes each item. */
export async function entityResponse<T, S extends object>(
  request: FastifyRequest,
  entitySet: string,
  item: T,
  shape: (item: T) => S,
  options: { readonly properties: readonly string[]; readonly expandable?: readonly string[]; readonly expand?: Expand<T> },
) {
  const q = parseListQuery(request.query as Record<string, unknown>, { fields: [], defaultOrder: [], expandable: options.expandable ?? [] });
  const extras = q.expand?.length && options.expand ? (await options.expand([item], q.expand))[0] : {};
  return entity(request, entitySet, { ...shape(item), ...extras }, q.select, options.properties);
}

export interface CountSpec {
  readonly url: string;
  readonly noun: string;
  readonly tags: readonly Tag[];
  readonly fields: readonly string[];
  readonly defaultOrder: readonly OrderBy[];
  readonly fetch: (request: FastifyRequest, query: ParsedListQuery) => Promise<Page<unknown>>;
}

/**
 * `GET {collection}/$count`, as Graph answers it: the number of items (`$filter` applies), as
 * `text/plain`. The same use case as the list decides who may count.
 */
export function countRoute(app: FastifyInstance, spec: CountSpec): void {
  app.get(
    spec.url,
    doc({
      summary: `Count ${spec.noun}s`,
      tags: spec.tags,
      query: { $filter: listQuery(spec.fields).$filter! },
      responses: { 200: `The number of ${spec.noun}s matching $filter, as text/plain (who may list them may count them).` },
    }),
    async (req, reply) => {
      const q = parseListQuery(req.query as Record<string, unknown>, { fields: spec.fields, defaultOrder: spec.defaultOrder });
      const page = await spec.fetch(req, { ...q, top: 1, skip: 0, count: true });
      return reply.type('text/plain; charset=utf-8').send(String(page.count ?? page.items.length));
    },
  );
}

/** `filterByCurrentUser(on='principal')` as it arrives in a path segment. */
export function currentUserFunction(segment: string): 'principal' | 'approver' | null {
  const match = /^filterByCurrentUser\(on='(principal|approver)'\)$/.exec(decodeURIComponent(segment));
  return match ? (match[1] as 'principal' | 'approver') : null;
}
