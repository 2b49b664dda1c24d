/**
 * Vitest globalSetup: one PostgreSQL server for the whole run, shared by all test files.
 * OPENPIM_TEST_DATABASE_URL (a superuser URL of an existing server) skips starting our own.
 * Tests get the URL with inject('postgresUrl') and make their own database with createDatabase().
 */
import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from './postgres-cluster.ts';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.OPENPIM_TEST_DATABASE_URL;
  if (external) {
    project.provide('postgresUrl', external);
    return undefined;
  }
  const cluster = await startPostgresCluster();
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
