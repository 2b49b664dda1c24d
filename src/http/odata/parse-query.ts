/**
 * Turns the OData system query options of a list request (`$filter`, `$orderby`, `$top`, …) into
 * a ListQuery. Property names are checked against the resource's whitelist here, so the store
 * only ever sees names it has a column for; names match case-insensitively (as in Graph) and
 * come out in their canonical spelling.
 */
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type FilterExpr, type ListQuery, type OrderBy } from '../../app/query.ts';
import { DomainError } from '../../domain/errors.ts';
import { decodeSkipToken } from './next-link.ts';
import { parseFilter } from './parse-filter.ts';

export interface ListQueryOptions {
  /** Properties that may appear in `$filter` and `$orderby`. */
  readonly fields: readonly string[];
  /** Order applied after the requested one; should end in a unique key so paging is stable. */
  readonly defaultOrder: readonly OrderBy[];
  /** Navigation properties `$expand` may name; when absent, any simple name passes through. */
  readonly expandable?: readonly string[];
}

export type ParsedListQuery = ListQuery & { select?: string[]; expand?: string[] };

const SUPPORTED = new Set(['$filter', '$orderby', '$top', '$skip', '$skiptoken', '$count', '$select', '$expand']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*$/;
/** Bound on `$skip`, far beyond any real list, so offsets stay exact integers. */
const MAX_SKIP = 999_999_999_999_999;

const unsupported = (message: string) => new DomainError('Request_UnsupportedQuery', message);
const badRequest = (message: string) => new DomainError('Request_BadRequest', message);

/** Parses the `$`-options of `q` (other parameters are ignored) into a ListQuery for one resource. */
export function parseListQuery(q: Record<string, unknown>, options: ListQueryOptions): ParsedListQuery {
  const raw = systemOptions(q);
  const canonical = new Map(options.fields.map((f) => [f.toLowerCase(), f]));
  const field = (name: string, option: string): string => {
    const found = canonical.get(name.toLowerCase());
    if (found === undefined) throw unsupported(`Property '${name}' is not supported in ${option}.`);
    return found;
  };

  const filterText = raw.get('$filter');
  const filter = filterText === undefined ? undefined : resolveFields(parseFilter(filterText), field);
  const top = raw.has('$top') ? integer(raw.get('$top')!, '$top', 1, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;

  const skipText = raw.get('$skip');
  const token = raw.get('$skiptoken');
  if (skipText !== undefined && token !== undefined) {
    throw badRequest('$skip and $skiptoken cannot be used together.');
  }
  let skip = 0;
  if (token !== undefined) skip = decodeSkipToken(token);
  else if (skipText !== undefined) skip = integer(skipText, '$skip', 0, MAX_SKIP);

  const result: ParsedListQuery = {
    ...(filter !== undefined && { filter }),
    orderBy: orderBy(raw.get('$orderby'), options.defaultOrder, field),
    top,
    skip,
    count: flag(raw.get('$count')),
  };
  const select = raw.get('$select');
  if (select !== undefined) {
    const names = nameList(select, '$select', badRequest);
    if (!names.includes('*')) result.select = names;
  }
  const expand = raw.get('$expand');
  if (expand !== undefined) result.expand = expandList(expand, options.expandable);
  return result;
}

/** The `$`-options, keyed lower-case; unknown or repeated options are refused. */
function systemOptions(q: Record<string, unknown>): Map<string, string> {
  const options = new Map<string, string>();
  for (const [key, value] of Object.entries(q)) {
    if (!key.startsWith('$') || value === undefined) continue;
    const name = key.toLowerCase();
    if (!SUPPORTED.has(name)) throw unsupported(`Query option '${key}' is not supported.`);
    if (options.has(name) || Array.isArray(value)) throw badRequest(`Query option '${key}' was specified more than once.`);
    if (typeof value !== 'string') throw badRequest(`Query option '${key}' must be a string.`);
    options.set(name, value);
  }
  return options;
}

function integer(text: string, option: string, min: number, max: number): number {
  const trimmed = text.trim();
  const value = /^\d{1,16}$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!(value >= min && value <= max)) {
    throw badRequest(`Query option '${option}' must be an integer from ${min} to ${max}; got '${text}'.`);
  }
  return value;
}

function flag(text: string | undefined): boolean {
  if (text === undefined) return false;
  const lower = text.trim().toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  throw badRequest(`Query option '$count' must be true or false; got '${text}'.`);
}

/** Rewrites every property name in a filter to its canonical spelling, refusing unknown ones. */
function resolveFields(expr: FilterExpr, field: (name: string, option: string) => string): FilterExpr {
  switch (expr.op) {
    case 'and':
    case 'or':
      return { op: expr.op, left: resolveFields(expr.left, field), right: resolveFields(expr.right, field) };
    case 'not':
      return { op: 'not', expr: resolveFields(expr.expr, field) };
    default: // comparisons and 'in'
      return { ...expr, field: field(expr.field, '$filter') };
  }
}

/** `a desc, b` → the requested order followed by the default order's remaining properties. */
function orderBy(text: string | undefined, defaults: readonly OrderBy[], field: (name: string, option: string) => string): OrderBy[] {
  const requested: OrderBy[] = [];
  for (const item of text === undefined ? [] : text.split(',')) {
    const match = /^\s*(\S+)(?:\s+(asc|desc))?\s*$/i.exec(item);
    if (!match || !NAME.test(match[1]!)) {
      throw unsupported(`Invalid $orderby item '${item.trim()}': expected 'property [asc|desc]'.`);
    }
    const name = field(match[1]!, '$orderby');
    if (requested.some((o) => o.field === name)) throw badRequest(`Property '${name}' appears twice in $orderby.`);
    requested.push({ field: name, direction: match[2]?.toLowerCase() === 'desc' ? 'desc' : 'asc' });
  }
  // The defaults break ties, so offset paging sees one stable order.
  return [...requested, ...defaults.filter((d) => !requested.some((o) => o.field === d.field))];
}

function nameList(text: string, option: string, error: (message: string) => DomainError): string[] {
  const names = text.split(',').map((n) => n.trim());
  for (const name of names) {
    if (name !== '*' && !NAME.test(name)) throw error(`Invalid name '${name}' in ${option}.`);
  }
  return [...new Set(names)];
}

function expandList(text: string, expandable: readonly string[] | undefined): string[] {
  if (/[()]/.test(text)) throw unsupported('Options inside $expand (…) are not supported.');
  const names = nameList(text, '$expand', unsupported);
  if (names.includes('*')) throw unsupported("'$expand=*' is not supported.");
  if (expandable === undefined) return names;
  const canonical = new Map(expandable.map((e) => [e.toLowerCase(), e]));
  return names.map((name) => {
    const found = canonical.get(name.toLowerCase());
    if (found === undefined) throw badRequest(`Property '${name}' cannot be expanded.`);
    return found;
  });
}
