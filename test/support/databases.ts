/**
 * The databases every storage-level test runs against: embedded SQLite and the throwaway
 * PostgreSQL cluster started by global-setup (a fresh database per store).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { DatabaseTarget } from '../../src/store/database.ts';
import { createDatabase } from './postgres-cluster.ts';

export interface TestDatabase {
  readonly name: 'sqlite' | 'postgres';
  target(): Promise<DatabaseTarget>;
}

const postgres: TestDatabase = { name: 'postgres', target: async () => ({ kind: 'postgres', url: await createDatabase(inject('postgresUrl')) }) };

export const TEST_DATABASES: readonly TestDatabase[] = [{ name: 'sqlite', target: async () => ({ kind: 'sqlite', path: ':memory:' }) }, postgres];

/**
 * Databases that outlive their store, for restart tests: a SQLite file in a fresh temporary
 * directory (the caller removes it) and PostgreSQL.
 */
export const DURABLE_TEST_DATABASES: readonly TestDatabase[] = [
  { name: 'sqlite', target: async () => ({ kind: 'sqlite', path: join(await mkdtemp(join(tmpdir(), 'openpim-test-')), 'openpim.db') }) },
  postgres,
];
