/**
 * The composition root: opens the store, makes sure a tenant exists, catches up on everything the
 * timeline missed while the server was down — before /healthz says ready — then serves HTTP.
 */
import type { FastifyInstance } from 'fastify';
import { processDue } from '../app/jobs/process-due.ts';
import type { Principal } from '../domain/model.ts';
import { bootstrapTenant } from '../app/tenancy/bootstrap-tenant.ts';
import type { Tenant } from '../app/ports/repositories.ts';
import { buildApp } from '../http/app.ts';
import { sqliteTarget, type DatabaseTarget } from '../store/database.ts';
import { signingKeyStore } from '../store/signing-keys.ts';
import { openStore, type Store } from '../store/store.ts';
import type { Config } from './config.ts';
import { jwtTokens, type JwtTokens } from './jwt-tokens.ts';
import { randomIds, systemClock } from './system-clock.ts';
import { startTimelineRunner } from './timeline-runner.ts';
import type { Clock, Ids } from '../app/ports/clock.ts';

export interface Running {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly tokens: JwtTokens;
  readonly tenant: Tenant;
  readonly admin: Principal;
  /** Overdue items processed at start-up. */
  readonly caughtUp: number;
  close(): Promise<void>;
}

export const targetOf = (config: Pick<Config, 'dataDir' | 'databaseUrl'>): DatabaseTarget =>
  config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : sqliteTarget(config.dataDir);

/** Opens the store and the token service over it, bootstrapping the tenant on an empty database. */
export async function openServices(config: Config, clock: Clock = systemClock, ids: Ids = randomIds) {
  const store = await openStore(targetOf(config), { clock, ids });
  try {
    const boot = await bootstrapTenant({ uow: store, clock, ids }, { tenantName: config.tenantName, adminUpn: config.bootstrapAdmin });
    const tenant = boot?.tenant ?? (await store.read.tenants.first());
    if (!tenant) throw new Error('the database has no tenant');
    const admin = boot?.admin ?? null;
    const tokens = jwtTokens(signingKeyStore(store.db), clock, ids);
    return { store, tokens, tenant, admin, created: boot?.created ?? false };
  } catch (error) {
    await store.close();
    throw error;
  }
}

export async function startServer(config: Config, clock: Clock = systemClock, ids: Ids = randomIds): Promise<Running> {
  const { store, tokens, tenant, admin } = await openServices(config, clock, ids);
  let ready = false;
  const app = await buildApp({
    uow: store,
    clock,
    ids,
    tokens,
    mfaMaxAge: config.mfaMaxAge,
    bodyLimit: config.bodyLimit,
    isReady: () => ready,
    logger: config.logLevel === 'silent' ? false : {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
  });
  const deps = { uow: store, clock, ids, onError: (item: { id: number }, error: unknown) => app.log.error({ err: error, item }, 'timeline item failed') };
  // Catch up before serving: nothing overdue is left unrecorded when the first request arrives.
  const caughtUp = await processDue(deps);
  const runner = startTimelineRunner(deps);
  const unsubscribe = store.onCommit((info) => runner.wake(info.earliestDue));
  const address = await app.listen({ host: config.host, port: config.port });
  ready = true;
  const bootstrapAdmin = admin ?? (await store.read.principals.getByUpn(tenant.id, config.bootstrapAdmin));
  return {
    url: address,
    app,
    store,
    tokens,
    tenant,
    admin: bootstrapAdmin!,
    caughtUp,
    async close() {
      unsubscribe();
      runner.stop();
      await app.close();
      await store.close();
    },
  };
}
