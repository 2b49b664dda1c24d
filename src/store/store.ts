/**
 * The store: repositories over one database, a UnitOfWork that runs use cases in a transaction
 * (retrying PostgreSQL serialization failures a bounded number of times), and after-commit hooks.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Clock, Ids } from '../app/ports/clock.ts';
import type { Repositories, UnitOfWork } from '../app/ports/repositories.ts';
import { DomainError } from '../domain/errors.ts';
import { openDatabase, type DatabaseTarget } from './database.ts';
import { isRetryable } from './driver-errors.ts';
import { migrateToLatest } from './migrate.ts';
import { accountsRepository } from './repositories/accounts.repository.ts';
import { activityStatsRepository } from './repositories/activity-stats.repository.ts';
import { approvalsRepository } from './repositories/approvals.repository.ts';
import { auditRepository } from './repositories/audit.repository.ts';
import { breakGlassUsesRepository } from './repositories/break-glass-uses.repository.ts';
import { clientSecretsRepository } from './repositories/client-secrets.repository.ts';
import { clientKeysRepository } from './repositories/client-keys.repository.ts';
import { deliveriesRepository } from './repositories/deliveries.repository.ts';
import { feedReaderRepository } from './repositories/feed-reader.repository.ts';
import { feedRepository } from './repositories/feed.repository.ts';
import { linkUsesRepository } from './repositories/link-uses.repository.ts';
import { policiesRepository } from './repositories/policies.repository.ts';
import { principalsRepository } from './repositories/principals.repository.ts';
import { provisioningRepository } from './repositories/provisioning.repository.ts';
import { requestsRepository } from './repositories/requests.repository.ts';
import { rolesRepository } from './repositories/roles.repository.ts';
import { schedulesRepository } from './repositories/schedules.repository.ts';
import { scopesRepository } from './repositories/scopes.repository.ts';
import { tenantsRepository } from './repositories/tenants.repository.ts';
import { timelineRepository } from './repositories/timeline.repository.ts';
import { totpRepository } from './repositories/totp.repository.ts';
import { webauthnRepository } from './repositories/webauthn.repository.ts';
import { federationRepository } from './repositories/federation.repository.ts';
import { sessionsRepository } from './repositories/sessions.repository.ts';
import type { Database } from './schema.ts';

const MAX_ATTEMPTS = 4;

/** What a committed transaction may tell listeners (the timeline re-arms on new due times). */
export interface CommitInfo {
  readonly earliestDue: number | null;
}

export interface Store extends UnitOfWork {
  /** The repositories bound to the database: reads, and writes each in a statement of its own (AutocommitUnitOfWork). */
  readonly read: Repositories;
  readonly db: Kysely<Database>;
  readonly dialect: 'sqlite' | 'postgres';
  /** Called after every commit, never inside a transaction. */
  onCommit(listener: (info: CommitInfo) => void): () => void;
  close(): Promise<void>;
}

export interface StoreOptions {
  readonly clock: Clock;
  readonly ids: Ids;
  /** Bring the schema up to date on open (default true). */
  readonly migrate?: boolean;
}

function repositories(db: Kysely<Database>, options: StoreOptions, onScheduled: (dueAt: number) => void): Repositories {
  return {
    tenants: tenantsRepository(db),
    principals: principalsRepository(db),
    roles: rolesRepository(db),
    scopes: scopesRepository(db),
    policies: policiesRepository(db),
    schedules: schedulesRepository(db),
    requests: requestsRepository(db),
    approvals: approvalsRepository(db),
    timeline: timelineRepository(db, onScheduled),
    audit: auditRepository(db, () => options.ids.uuid()),
    feed: feedRepository(db, () => options.clock.now()),
    feedReader: feedReaderRepository(db),
    deliveries: deliveriesRepository(db),
    linkUses: linkUsesRepository(db),
    activity: activityStatsRepository(db),
    accounts: accountsRepository(db),
    totp: totpRepository(db),
    clientSecrets: clientSecretsRepository(db),
    clientKeys: clientKeysRepository(db),
    webauthn: webauthnRepository(db),
    provisioning: provisioningRepository(db),
    federation: federationRepository(db),
    sessions: sessionsRepository(db),
    breakGlassUses: breakGlassUsesRepository(db),
  };
}

/**
 * PostgreSQL: take the chain head's row lock before the work reads anything, so write
 * transactions run one after another, as SQLite's BEGIN IMMEDIATE makes them. Use cases decide
 * on what they read (the schedule to end, the other standing Global Administrators, the request
 * still pending); under READ COMMITTED two transactions reading before either wrote both saw the
 * old state and both acted — two deactivations of one activation, or the last two permanent
 * Global Administrators removed together. Every write appends to the audit chain and so queued
 * on this row anyway; taking it first only moves the queue ahead of the reads. Each statement
 * after the wait sees everything committed before it (docs/decisions/0005).
 */
async function serializeWrites(trx: Transaction<Database>): Promise<void> {
  await trx.selectFrom('chain_head').select('id').where('id', '=', 1).forUpdate().execute();
}

export async function openStore(target: DatabaseTarget, options: StoreOptions): Promise<Store> {
  const { db, dialect } = openDatabase(target);
  if (options.migrate ?? true) await migrateToLatest(db as Kysely<unknown>);
  // SQLite plans by statistics: without them it preferred a covering index on the wrong leading
  // column and scanned (bench/REPORT.md, T3/T4). Gather them (bounded) where missing or stale.
  if (dialect === 'sqlite') await sql`pragma analysis_limit = 1000`.execute(db).then(() => sql`pragma optimize = 0x10002`.execute(db));
  const listeners = new Set<(info: CommitInfo) => void>();

  async function attempt<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    let earliestDue: number | null = null;
    const noteDue = (dueAt: number) => {
      earliestDue = earliestDue === null ? dueAt : Math.min(earliestDue, dueAt);
    };
    const result = await db.transaction().execute(async (trx: Transaction<Database>) => {
      if (dialect === 'postgres') await serializeWrites(trx);
      return work(repositories(trx, options, noteDue));
    });
    const info: CommitInfo = { earliestDue };
    for (const listener of listeners) {
      try {
        listener(info);
      } catch {
        // A listener's failure must not turn a committed change into an error.
      }
    }
    return result;
  }

  return {
    db,
    dialect,
    read: repositories(db, options, () => {}),
    async run(work) {
      for (let i = 1; ; i++) {
        try {
          return await attempt(work);
        } catch (error) {
          if (!isRetryable(error)) throw error;
          if (i >= MAX_ATTEMPTS) throw new DomainError('ConcurrencyConflict', 'The change conflicted with concurrent changes; retry.');
        }
      }
    },
    onCommit(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await db.destroy();
    },
  };
}
