/** Brings a database to the latest schema. Safe to run at every start and from several nodes. */
import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely/migration';
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
import * as organizationDefault from './migrations/0013-organization-default.ts';

const MIGRATIONS = {
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
  '0013-organization-default': organizationDefault,
} satisfies Record<string, Migration>;

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  return migrate(db, (migrator) => migrator.migrateToLatest());
}

/** Brings a database to one migration and no further: upgrade tests start from an older schema. */
export async function migrateTo(db: Kysely<unknown>, name: keyof typeof MIGRATIONS & string): Promise<string[]> {
  return migrate(db, (migrator) => migrator.migrateTo(name));
}

async function migrate(db: Kysely<unknown>, run: (migrator: Migrator) => Promise<MigrationResultSet>): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'openpim_migrations', migrationLockTableName: 'openpim_migrations_lock' });
  const { error, results } = await run(migrator);
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
