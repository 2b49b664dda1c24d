/** Writes Graph collection and entity responses: @odata.context, @odata.count, @odata.nextLink, $select. */
import type { FastifyRequest } from 'fastify';
import type { Page } from '../app/query.ts';
import { nextLink } from './odata/next-link.ts';
import type { ParsedListQuery } from './odata/parse-query.ts';
import { applySelect } from './odata/select.ts';

export function requestUrl(request: FastifyRequest): string {
  const host = request.headers.host ?? 'localhost';
  return `${request.protocol}://${host}${request.url}`;
}

export function contextUrl(request: FastifyRequest, entitySet: string): string {
  const host = request.headers.host ?? 'localhost';
  const version = request.url.startsWith('/beta/') ? 'beta' : 'v1.0';
  return `${request.protocol}://${host}/${version}/$metadata#${entitySet}`;
}

export function collection<T extends object>(request: FastifyRequest, entitySet: string, page: Page<T>, query: ParsedListQuery, known: readonly string[]) {
  const body: Record<string, unknown> = { '@odata.context': contextUrl(request, entitySet) };
  if (page.count !== undefined) body['@odata.count'] = page.count;
  if (page.hasMore) body['@odata.nextLink'] = nextLink(requestUrl(request), query);
  body.value = page.items.map((item) => applySelect(item, query.select, known));
  return body;
}

export function entity<T extends object>(request: FastifyRequest, entitySet: string, item: T, select?: readonly string[], known?: readonly string[]) {
  return { '@odata.context': `${contextUrl(request, entitySet)}/$entity`, ...applySelect(item, select, known) };
}
