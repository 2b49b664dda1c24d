/**
 * The databases every storage-level test runs against: embedded SQLite and the throwaway
 * PostgreSQL cluster started by global-setup (a fresh database per store).
 */
import { inject } from 'vitest';
import type { DatabaseTarget } from '../../src/store/database.ts';
import { createDatabase } from './postgres-cluster.ts';

export interface TestDatabase {
  readonly name: 'sqlite' | 'postgres';
  target(): Promise<DatabaseTarget>;
}

export const TEST_DATABASES: readonly TestDatabase[] = [
  { name: 'sqlite', target: async () => ({ kind: 'sqlite', path: ':memory:' }) },
  { name: 'postgres', target: async () => ({ kind: 'postgres', url: await createDatabase(inject('postgresUrl')) }) },
];
