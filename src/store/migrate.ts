/** Brings a database to the latest schema. Safe to run at every start and from several nodes. */
import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import * as core from './migrations/0001-core.ts';
import * as approvals from './migrations/0002-approvals.ts';
import * as notifications from './migrations/0003-notifications.ts';
import * as identity from './migrations/0004-identity.ts';
import * as groupAccess from './migrations/0005-group-access.ts';
import * as lookupIndexes from './migrations/0006-lookup-indexes.ts';
import * as webauthn from './migrations/0007-webauthn.ts';
import * as scim from './migrations/0008-scim.ts';
import * as sessions from './migrations/0009-sessions.ts';
import * as federation from './migrations/0010-federation.ts';
import * as breakGlass from './migrations/0011-break-glass.ts';
import * as clientKeys from './migrations/0012-client-keys.ts';

const MIGRATIONS: Record<string, Migration> = {
  '0001-core': core,
  '0002-approvals': approvals,
  '0003-notifications': notifications,
  '0004-identity': identity,
  '0005-group-access': groupAccess,
  '0006-lookup-indexes': lookupIndexes,
  '0007-webauthn': webauthn,
  '0008-scim': scim,
  '0009-sessions': sessions,
  '0010-federation': federation,
  '0011-break-glass': breakGlass,
  '0012-client-keys': clientKeys,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'openpim_migrations', migrationLockTableName: 'openpim_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
