/**
 * "Some target of the event has this id", for the audit log's `targetResources/id eq '…'` filter
 * and the caller's own events. Targets are stored as JSON text (the text the hash chain covers),
 * so the condition reads that text itself: hiding an event from someone's view means rewriting
 * hashed data, which `audit verify` reports.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { FilterExpr } from '../../app/query.ts';
import { DomainError } from '../../domain/errors.ts';

export const TARGET_ID = 'targetResources/id';

/**
 * The stored targets mention `id` as a target's id. `"id":"…"` cannot occur inside a JSON string
 * (its quotes would be escaped), so a display name can't fake a match. `replace` rather than LIKE:
 * LIKE ignores ASCII case on SQLite, and `instr`/`strpos` differ by dialect.
 */
export function targetsMention(column: string, id: string): RawBuilder<SqlBool> {
  const needle = `"id":${JSON.stringify(id)}`;
  return sql<SqlBool>`replace(${sql.ref(column)}, ${needle}, '') <> ${sql.ref(column)}`;
}

const mentionsTarget = (expr: FilterExpr): boolean => {
  switch (expr.op) {
    case 'and':
    case 'or':
      return mentionsTarget(expr.left) || mentionsTarget(expr.right);
    case 'not':
      return mentionsTarget(expr.expr);
    default:
      return expr.field === TARGET_ID;
  }
};

/**
 * Splits the `targetResources/id eq '…'` conditions ANDed into a filter from the rest, which the
 * field map translates. Anywhere else (under `or` or `not`, with another operator) it is refused.
 *
 * @example
 *   splitTargetConditions(parse("targetResources/id eq 'u1' and result eq 'success'"))
 *   // → { targetIds: ['u1'], rest: result eq 'success' }
 */
export function splitTargetConditions(filter: FilterExpr | undefined): { targetIds: string[]; rest: FilterExpr | undefined } {
  if (filter === undefined) return { targetIds: [], rest: undefined };
  if (filter.op === 'and') {
    const left = splitTargetConditions(filter.left);
    const right = splitTargetConditions(filter.right);
    const rest = left.rest && right.rest ? { op: 'and' as const, left: left.rest, right: right.rest } : (left.rest ?? right.rest);
    return { targetIds: [...left.targetIds, ...right.targetIds], rest };
  }
  if (filter.op === 'eq' && filter.field === TARGET_ID) {
    if (typeof filter.value !== 'string')
      throw new DomainError('Request_BadRequest', `Property '${TARGET_ID}' is compared with a string; ${JSON.stringify(filter.value)} is not.`);
    return { targetIds: [filter.value], rest: undefined };
  }
  if (mentionsTarget(filter)) {
    throw new DomainError('Request_UnsupportedQuery', `Property '${TARGET_ID}' can only be compared with eq, joined to the rest of the filter with and.`);
  }
  return { targetIds: [], rest: filter };
}
