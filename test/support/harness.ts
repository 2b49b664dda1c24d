/**
 * A tenant on a real store with a fake clock, and callers for use cases: the medium test tier.
 *
 * @example
 *   const h = await openHarness(db);
 *   const alice = await h.user('alice@contoso.test');
 *   await h.submit(h.admin, { kind: 'eligibility', action: 'adminAssign', principalId: alice.id, ... });
 */
import { accessService, type AccessService } from '../../src/access/access-service.ts';
import { resolveCaller, type Caller } from '../../src/app/caller.ts';
import { accessFacts } from '../../src/store/access-facts.ts';
import { createUser } from '../../src/app/directory/create-user.ts';
import { processDue } from '../../src/app/jobs/process-due.ts';
import { submitRequest } from '../../src/app/requests/submit-request.ts';
import type { SubmitRequestInput } from '../../src/app/requests/request-input.ts';
import { bootstrapTenant } from '../../src/app/tenancy/bootstrap-tenant.ts';
import type { Principal, ScheduleRequest } from '../../src/domain/model.ts';
import { MINUTE } from '../../src/domain/time.ts';
import type { DatabaseTarget } from '../../src/store/database.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import type { TestDatabase } from './databases.ts';
import { FakeClock, testIds } from './fake-clock.ts';

export interface Harness {
  readonly store: Store;
  readonly clock: FakeClock;
  readonly deps: { uow: Store; clock: FakeClock; ids: typeof testIds };
  readonly tenantId: string;
  /** The bootstrap Global Administrator, with a fresh MFA. */
  readonly admin: Caller;
  /** Creates a user. */
  user(upn: string, displayName?: string): Promise<Principal>;
  /** A caller for a principal, resolved now; `mfa` marks a sign-in with MFA just now. */
  caller(principal: Principal | string, options?: { mfa?: boolean; acrs?: string[] }): Promise<Caller>;
  /** Submits a request with sensible defaults for the fields a test does not care about. */
  submit(
    caller: Caller,
    input: Partial<SubmitRequestInput> & Pick<SubmitRequestInput, 'action' | 'principalId' | 'roleDefinitionId'>,
  ): Promise<ScheduleRequest>;
  /** Runs the timeline for everything due now. */
  tick(): Promise<number>;
  /** The database this harness's store is open on. */
  readonly target: DatabaseTarget;
  /**
   * Closes the store and opens a new one on the same database with the same clock, as a process
   * restart would (the tenant is found, not bootstrapped again). Not for `:memory:` SQLite.
   */
  reopen(): Promise<Harness>;
  close(): Promise<void>;
}

export async function openHarness(database: TestDatabase, clock = new FakeClock()): Promise<Harness> {
  return openHarnessAt(await database.target(), clock);
}

/** A harness on a given database; when the database already holds the tenant, it is reused. */
export async function openHarnessAt(target: DatabaseTarget, clock = new FakeClock()): Promise<Harness> {
  const store = await openStore(target, { clock, ids: testIds });
  const deps = { uow: store, clock, ids: testIds };
  const boot = await bootstrapTenant(deps, { tenantName: 'Contoso', adminUpn: 'admin@contoso.test' });
  if (!boot) throw new Error('bootstrap failed');
  const tenantId = boot.tenant.id;

  const caller: Harness['caller'] = async (principal, options = {}) => {
    const principalId = typeof principal === 'string' ? principal : principal.id;
    const now = clock.now();
    return resolveCaller(
      store.read,
      {
        tenantId,
        principalId,
        amr: (options.mfa ?? true) ? ['pwd', 'mfa'] : ['pwd'],
        authTime: now,
        acrs: options.acrs ?? [],
        correlationId: testIds.uuid(),
      },
      now,
      15 * MINUTE,
    );
  };
  const admin = await caller(boot.admin);

  return {
    store,
    clock,
    deps,
    tenantId,
    admin,
    user: (upn, displayName) =>
      createUser(deps, admin, { userPrincipalName: upn, displayName: displayName ?? upn.split('@')[0]!, mail: null, accountEnabled: true }),
    caller,
    submit: (c, input) =>
      submitRequest(deps, c, {
        kind: 'assignment',
        directoryScopeId: '/',
        justification: 'Needed for work',
        ticketInfo: { ticketNumber: null, ticketSystem: null },
        scheduleInfo: { startDateTime: null, expiration: { type: 'notSpecified' } },
        isValidationOnly: false,
        targetScheduleId: null,
        ...input,
      }),
    tick: () => processDue(deps),
    target,
    async reopen() {
      if (target.kind === 'sqlite' && target.path === ':memory:') throw new Error('an in-memory SQLite database does not survive a restart');
      await store.close();
      return openHarnessAt(target, clock);
    },
    close: () => store.close(),
  };
}

/** The decision engine over the harness's store, as the server wires it: built now, told of every commit. */
export async function liveAccess(h: Pick<Harness, 'store'>): Promise<AccessService> {
  const access = accessService(accessFacts(h.store.db), h.store.read);
  await access.start();
  h.store.onCommit(() => access.markDirty());
  return access;
}
