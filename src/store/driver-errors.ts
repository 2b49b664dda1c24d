/** Recognises driver errors so repositories can turn them into the core's conflict codes. */

/** Is this a unique-constraint violation on the given table (SQLite) or index (PostgreSQL)? */
export function isUniqueViolation(error: unknown, table: string, index?: string): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { code?: string; errcode?: number; constraint?: string; table?: string };
  if (e.code === '23505') return index ? e.constraint === index : e.table === table;
  if (e.code === 'ERR_SQLITE_ERROR' && (e.errcode === 2067 || e.errcode === 1555)) {
    return e.message.includes(`constraint failed: ${table}.`);
  }
  return false;
}

/** Should the whole transaction be retried (PostgreSQL serialization failure or deadlock)? */
export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === '40001' || code === '40P01';
}
