/**
 * Translation of a ListQuery into Kysely, through a per-resource field map: only mapped API
 * properties ever reach SQL, and literals are checked and converted to the stored representation
 * (instants as epoch milliseconds, booleans as 0/1) so the same code serves SQLite and Postgres.
 *
 * Null semantics follow OData rather than SQL: `x ne 'a'` matches rows where x is null, and
 * `not (…)` matches rows where the inner comparison met a null (SQL would drop both).
 */
import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { FilterExpr, FilterValue, ListQuery, Page } from '../../app/query.ts';
import { DomainError } from '../../domain/errors.ts';
import { isSupportedInstant } from '../../domain/time.ts';

export type FieldType = 'string' | 'number' | 'boolean' | 'instant';

/**
 * API property name → SQL column reference (e.g. `s.principal_id`) and stored type. Set
 * `nullable` on columns that may hold null so ordering places nulls as OData does (first when
 * ascending) on every database; it is left off elsewhere so plain indexes serve the order.
 */
export type FieldMap = Record<string, { column: string; type: FieldType; nullable?: boolean }>;

// Kysely's builders are generic over the schema; this module works on any table, so it is loose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnySelect<O = any> = SelectQueryBuilder<any, any, O>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Eb = ExpressionBuilder<any, any>;

const SQL_OPERATOR = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):(\d{2}))$/i;

function column(fields: FieldMap, name: string) {
  const entry = fields[name];
  // Own-property check: a name such as 'constructor' must not reach the prototype.
  if (entry === undefined || !Object.hasOwn(fields, name)) {
    throw new DomainError('Request_UnsupportedQuery', `Property '${name}' is not supported in a query.`);
  }
  return entry;
}

/** Epoch milliseconds of an ISO 8601 date-time with offset; null when it is not a real instant in the supported range (domain/time.ts). */
export function parseInstant(text: string): number | null {
  const m = INSTANT.exec(text);
  if (!m) return null;
  const n = (i: number) => Number(m[i] ?? 0);
  const [y, mo, d, h, mi, s, oh, om] = [n(1), n(2), n(3), n(4), n(5), n(6), n(9), n(10)];
  const ms = Number(`${m[7] ?? ''}000`.slice(0, 3)); // digits beyond milliseconds are dropped
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const date = new Date(utc);
  // Date.UTC rolls 2024-02-30 over to March; a round trip exposes such dates.
  const real = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
  if (!real || h > 23 || mi > 59 || s > 59 || oh > 23 || om > 59) return null;
  const offset = (m[8] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  return isSupportedInstant(utc - offset) ? utc - offset : null;
}

/** Converts a filter literal to the stored representation of `type`, or throws Request_BadRequest. */
function toStored(name: string, type: FieldType, value: Exclude<FilterValue, null>): string | number {
  const mismatch = () =>
    new DomainError(
      'Request_BadRequest',
      type === 'instant'
        ? `Property '${name}' is of type instant; ${JSON.stringify(value)} is not a date-time with a zone between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z.`
        : `Property '${name}' is of type ${type}; ${JSON.stringify(value)} is not.`,
    );
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw mismatch();
      return value;
    case 'number':
      if (typeof value !== 'number') throw mismatch();
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw mismatch();
      return value ? 1 : 0;
    case 'instant': {
      const ms = typeof value === 'string' ? parseInstant(value) : null;
      if (ms === null) throw mismatch();
      return ms;
    }
  }
}

function condition(eb: Eb, expr: FilterExpr, fields: FieldMap): Expression<SqlBool> {
  switch (expr.op) {
    case 'and':
      return eb.and([condition(eb, expr.left, fields), condition(eb, expr.right, fields)]);
    case 'or':
      return eb.or([condition(eb, expr.left, fields), condition(eb, expr.right, fields)]);
    case 'not':
      // `is not true` rather than `not`: a comparison against null must count as false, then negate.
      return sql<SqlBool>`(${condition(eb, expr.expr, fields)}) is not true`;
    case 'in': {
      const { column: col, type } = column(fields, expr.field);
      const values = expr.values.filter((v) => v !== null).map((v) => toStored(expr.field, type, v));
      const parts: Expression<SqlBool>[] = [];
      if (values.length > 0) parts.push(eb(eb.ref(col), 'in', [...new Set(values)]));
      if (values.length < expr.values.length) parts.push(eb(eb.ref(col), 'is', null));
      return parts.length === 1 ? parts[0]! : eb.or(parts);
    }
    default: {
      const { column: col, type } = column(fields, expr.field);
      if (expr.value === null) {
        if (expr.op !== 'eq' && expr.op !== 'ne') {
          throw new DomainError('Request_BadRequest', `null can only be compared with eq or ne ('${expr.field}').`);
        }
        return eb(eb.ref(col), expr.op === 'eq' ? 'is' : 'is not', null);
      }
      const value = toStored(expr.field, type, expr.value);
      const comparison = eb(eb.ref(col), SQL_OPERATOR[expr.op], value);
      // In OData null ne 'a' is true; SQL's null <> 'a' is unknown.
      return expr.op === 'ne' ? eb.or([comparison, eb(eb.ref(col), 'is', null)]) : comparison;
    }
  }
}

/** Adds the where clause for `expr` (if any) to `qb`. */
export function applyFilter<QB extends AnySelect>(qb: QB, expr: FilterExpr | undefined, fields: FieldMap): QB {
  if (expr === undefined) return qb;
  return qb.where((eb: Eb) => condition(eb, expr, fields)) as QB;
}

/** Adds `order by` for the query's order, then `limit top+1 offset skip` (the extra row tells hasMore). */
export function applyOrderAndPage<QB extends AnySelect>(qb: QB, query: ListQuery, fields: FieldMap): QB {
  let result: AnySelect = qb;
  for (const { field, direction } of query.orderBy) {
    const { column: col, nullable } = column(fields, field);
    result = nullable
      ? result.orderBy(sql.ref(col), (ob) => (direction === 'asc' ? ob.asc().nullsFirst() : ob.desc().nullsLast()))
      : result.orderBy(sql.ref(col), direction);
  }
  return result.limit(query.top + 1).offset(query.skip) as QB;
}

/**
 * One page of a list. `base` carries the joins, the tenant condition and the selection; the
 * filter, order and paging of `query` are added here. The count (when asked) runs on `countBase`,
 * by default `base` with its selection cleared; pass one when `base` groups or selects distinct.
 */
export async function listPage<Row, T>(
  base: AnySelect<Row>,
  query: ListQuery,
  fields: FieldMap,
  mapRow: (row: Row) => T,
  countBase?: AnySelect,
): Promise<Page<T>> {
  const rows = await applyOrderAndPage(applyFilter(base, query.filter, fields), query, fields).execute();
  const hasMore = rows.length > query.top;
  const items = rows.slice(0, query.top).map(mapRow);
  if (!query.count) return { items, hasMore };
  // When this page is the last and not past the end, the total is already known.
  if (!hasMore && (items.length > 0 || query.skip === 0)) return { items, hasMore, count: query.skip + items.length };
  const counted = await applyFilter((countBase ?? base).clearSelect(), query.filter, fields)
    .clearOrderBy()
    .clearLimit()
    .clearOffset()
    .select((eb: Eb) => eb.fn.countAll().as('count'))
    .executeTakeFirst();
  // Postgres returns count(*) as a bigint string.
  return { items, hasMore, count: Number((counted as { count?: unknown } | undefined)?.count ?? 0) };
}
