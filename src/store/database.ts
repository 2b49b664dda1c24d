/**
 * Opens the database: node:sqlite in a data directory (the default) or PostgreSQL by URL.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { NodeSqliteDialect } from './dialects/node-sqlite.ts';
import type { Database } from './schema.ts';

export type DatabaseTarget = { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string };

export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: 'sqlite' | 'postgres';
}

// int8 (counts, epoch milliseconds) as numbers: every value we store fits in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** The SQLite file inside a data directory. */
export function sqliteTarget(dataDir: string): DatabaseTarget {
  if (dataDir === ':memory:') return { kind: 'sqlite', path: ':memory:' };
  mkdirSync(dataDir, { recursive: true });
  return { kind: 'sqlite', path: join(dataDir, 'openpim.db') };
}

export function openDatabase(target: DatabaseTarget): OpenDatabase {
  if (target.kind === 'sqlite') {
    const dialect = new NodeSqliteDialect({
      path: target.path,
      onOpen: (db) => {
        // WAL with synchronous=FULL: every commit is durable, nothing committed is lost on a crash.
        db.exec('pragma journal_mode = wal; pragma synchronous = full; pragma foreign_keys = on; pragma busy_timeout = 5000;');
      },
    });
    return { db: new Kysely<Database>({ dialect }), dialect: 'sqlite' };
  }
  const pool = new pg.Pool({ connectionString: target.url, max: 10 });
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres' };
}
