/**
 * Firing use cases at the same time on purpose. On PostgreSQL the racers run on several pool
 * connections at once: an observer on its own connection watches pg_stat_activity, so a test can
 * check that several of them were inside a transaction together (SQLite has one connection, and
 * its writers queue by construction).
 */
import { sql } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import type { Harness } from './harness.ts';

/** The store's pg pool size (src/store/database.ts). */
export const POOL_SIZE = 10;

/** Runs `race` and reports the most sessions of the store's database seen inside a transaction at once. */
export async function maxOpenTransactions<T>(h: Harness, race: () => Promise<T>): Promise<{ result: T; max: number }> {
  if (h.store.dialect !== 'postgres') return { result: await race(), max: 1 };
  const { name } = await h.store.db.selectNoFrom((eb) => eb.fn<string>('current_database').as('name')).executeTakeFirstOrThrow();
  // Open the pool's connections first (it grows on demand), so the racers start together rather
  // than one finishing while the next is still connecting.
  await Promise.all(Array.from({ length: POOL_SIZE }, () => sql`select pg_sleep(0.02)`.execute(h.store.db)));
  const observer = new pg.Client({ connectionString: inject('postgresUrl') });
  await observer.connect();
  let max = 0;
  let done = false;
  const watching = (async () => {
    while (!done) {
      const { rows } = await observer.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where datname = $1 and xact_start is not null and backend_type = 'client backend'",
        [name],
      );
      max = Math.max(max, rows[0]!.n);
    }
  })();
  try {
    const result = await race();
    return { result, max };
  } finally {
    done = true;
    await watching;
    await observer.end();
  }
}
