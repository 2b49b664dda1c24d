/**
 * A list query in the terms of the API (OData-shaped), independent of HTTP and SQL.
 * The http layer parses `$filter`, `$orderby`, `$top`, … into it; the store translates it to SQL
 * through a per-resource field map, so only whitelisted properties ever reach a query.
 */
export type FilterValue = string | number | boolean | null;

export type Comparison = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterExpr =
  | { readonly op: 'and' | 'or'; readonly left: FilterExpr; readonly right: FilterExpr }
  | { readonly op: 'not'; readonly expr: FilterExpr }
  | { readonly op: Comparison; readonly field: string; readonly value: FilterValue }
  | { readonly op: 'in'; readonly field: string; readonly values: readonly FilterValue[] };

export interface OrderBy {
  readonly field: string;
  readonly direction: 'asc' | 'desc';
}

export interface ListQuery {
  readonly filter?: FilterExpr;
  readonly orderBy: readonly OrderBy[];
  /** Page size (already bounded by the http layer). */
  readonly top: number;
  /** Rows to skip (from `$skip` or an opaque `$skiptoken`). */
  readonly skip: number;
  /** Whether `@odata.count` was asked for. */
  readonly count: boolean;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Total matching rows, when the query asked for a count. */
  readonly count?: number;
  /** Whether rows remain after this page. */
  readonly hasMore: boolean;
}

/** The default and largest page sizes, as in Microsoft Graph. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 999;

/** The query narrowed by one more condition (ANDed with the caller's own filter). */
export const narrowed = (query: ListQuery, condition: FilterExpr): ListQuery => ({
  ...query,
  filter: query.filter ? { op: 'and', left: condition, right: query.filter } : condition,
});
