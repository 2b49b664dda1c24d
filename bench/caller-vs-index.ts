/**
 * What "what does P hold now" costs from each engine, per call (docs/decisions/0016). Standalone:
 *
 *   node bench/caller-vs-index.ts                         SQLite, 10k and 100k assignments
 *   node bench/caller-vs-index.ts --postgres              the same on a throwaway PostgreSQL cluster
 *   node bench/caller-vs-index.ts --scale=0.01 --samples=2000
 *
 * The world is the bench's (generate.ts: 1M assignments at scale 1, users in ~2.5 groups, a fifth
 * of the groups nested, a fifth of the grants held by groups, 40% time-bound), written through
 * Kysely into a store the project opened (migrations, tenant bootstrap). Then, for a seeded sample
 * of users, each asked in turn, alternating the ways over several rounds:
 *
 *   sql        resolveCaller: the principal, its groups (nested, static and timed), its active
 *              assignments and their roles — what every authenticated request does today.
 *   index      the access service's holdings(P, now) mapped to role definitions held in memory:
 *              the same roles and scoped roles, from the index.
 *   index+row  the principal's row from SQL (a Caller needs it: enabled, break-glass, name) plus
 *              the index's holdings: what an index-backed resolveCaller would cost.
 *   +feed      the same after reading the change feed (one query that finds nothing new), which
 *              makes the index as current as the SQL read even for another node's writes.
 *   check      one access check (the question `authorize` asks), from the index.
 *
 * Each call is timed alone; it prints the median over rounds of the mean, and p50 / p99 over
 * every call. The two answers are also compared for every sampled user (roles and scopes, as
 * test/medium/caller-index-agreement.test.ts compares them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { accessService } from '../src/access/access-service.ts';
import { resolveCaller } from '../src/app/caller.ts';
import { bootstrapTenant } from '../src/app/tenancy/bootstrap-tenant.ts';
import type { RoleDefinition } from '../src/domain/model.ts';
import { randomIds, systemClock } from '../src/adapters/system-clock.ts';
import { accessFacts } from '../src/store/access-facts.ts';
import type { DatabaseTarget } from '../src/store/database.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { createDatabase, startPostgresCluster, type PostgresCluster } from '../test/support/postgres-cluster.ts';
import { f, log, median, n0, pct } from './common.ts';
import { DAY, generate, HOUR, mulberry32, sizesAt, type World } from './generate.ts';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const postgres = args.includes('--postgres');
const scales = (arg('scale') ?? '0.01,0.1').split(',').map(Number);
const SAMPLES = Number(arg('samples') ?? 1000);
const ROUNDS = 5;
const BATCH = 500;

/** Writes the world's principals, memberships, scopes and assignments (the tenant and the built-in roles are the bootstrap's). */
async function fill(store: Store, tenantId: string, world: World): Promise<void> {
  const created = world.now - 400 * DAY;
  const principal = (id: string, type: 'user' | 'group', i: number) => ({
    tenant_id: tenantId,
    id,
    type,
    display_name: `${type} ${i}`,
    user_principal_name: type === 'user' ? `u${i}@bench.test` : null,
    upn_key: type === 'user' ? `u${i}@bench.test` : null,
    mail: null,
    account_enabled: 1,
    is_break_glass: 0,
    is_assignable_to_role: type === 'group' ? 1 : 0,
    description: null,
    manager_id: null,
    created_at: created,
    external_id: null,
    given_name: null,
    family_name: null,
    scim_deleted_at: null,
  });
  const rows = {
    principals: [...world.users.map((id, i) => principal(id, 'user', i)), ...world.groups.map((id, i) => principal(id, 'group', i))],
    members: world.snapshot.memberships.map((m) => ({ tenant_id: tenantId, group_id: m.groupId, member_id: m.memberId, created_at: created })),
    scopes: world.snapshot.scopes
      .filter((s) => s.id !== '/')
      .map((s) => ({ tenant_id: tenantId, id: s.id, type: s.type, display_name: s.displayName, parent_id: s.parentId })),
    schedules: world.snapshot.grants.map((g) => ({
      tenant_id: tenantId,
      id: g.id,
      kind: 'assignment' as const,
      principal_id: g.principalId,
      role_definition_id: g.roleDefinitionId,
      directory_scope_id: g.scopeId,
      assignment_type: 'Assigned' as const,
      member_type: 'Direct' as const,
      start_at: g.startAt,
      end_at: g.endAt,
      closed: 0,
      close_reason: null,
      closed_at: null,
      created_using: 'bench-seed',
      source_schedule_id: null,
      created_at: g.startAt,
      modified_at: g.startAt,
    })),
  };
  const t = performance.now();
  for (let i = 0; i < rows.principals.length; i += BATCH)
    await store.db
      .insertInto('principals')
      .values(rows.principals.slice(i, i + BATCH))
      .execute();
  for (let i = 0; i < rows.members.length; i += BATCH)
    await store.db
      .insertInto('group_members')
      .values(rows.members.slice(i, i + BATCH))
      .execute();
  for (let i = 0; i < rows.scopes.length; i += BATCH)
    await store.db
      .insertInto('scopes')
      .values(rows.scopes.slice(i, i + BATCH))
      .execute();
  for (let i = 0; i < rows.schedules.length; i += BATCH)
    await store.db
      .insertInto('schedules')
      .values(rows.schedules.slice(i, i + BATCH))
      .execute();
  // Statistics for the planner, as a database in use has them (SQLite: what the store runs at every open; PostgreSQL: autovacuum's).
  if (store.dialect === 'sqlite') await sql`pragma optimize = 0x10002`.execute(store.db);
  else await sql`analyze`.execute(store.db);
  log(
    `  seeded ${n0(rows.schedules.length)} assignments, ${n0(rows.members.length)} memberships, ${n0(rows.principals.length)} principals in ${f((performance.now() - t) / 1000, 1)} s`,
  );
}

interface Way {
  readonly name: string;
  readonly call: (principalId: string) => Promise<unknown>;
}

async function measure(label: string, target: DatabaseTarget, scale: number): Promise<void> {
  const store = await openStore(target, { clock: systemClock, ids: randomIds });
  try {
    const boot = await bootstrapTenant({ uow: store, clock: systemClock, ids: randomIds }, { tenantName: 'Bench', adminUpn: 'admin@bench.test' });
    if (!boot) throw new Error('bootstrap failed');
    const tenantId = boot.tenant.id;
    const now = Date.now();
    const world = generate(42, sizesAt(scale), now);
    log(`${label}, scale ${scale}:`);
    await fill(store, tenantId, world);
    const access = accessService(accessFacts(store.db), store.read);
    await access.start();
    // An index-backed resolver would keep the role definitions in memory, as the index does.
    const roles = new Map<string, RoleDefinition>(
      (await store.read.roles.list(tenantId, { orderBy: [], top: 999, skip: 0, count: false })).items.map((r) => [r.id, r]),
    );

    const rnd = mulberry32(7);
    const sample = Array.from({ length: SAMPLES }, () => world.users[Math.floor(rnd() * world.users.length)]!);
    const auth = (principalId: string) => ({ tenantId, principalId, amr: ['pwd', 'mfa'], authTime: now, acrs: [], correlationId: 'bench' });
    const fromIndex = async (principalId: string) => {
      const held = await access.holdings(tenantId, principalId, now);
      const defs = held.flatMap((r) => {
        const role = roles.get(r.roleDefinitionId);
        return role?.isEnabled ? [{ role, scopeId: r.scopeId }] : [];
      });
      return { roles: defs.filter((d) => d.scopeId === '/').map((d) => d.role), scopedRoles: defs.filter((d) => d.scopeId !== '/') };
    };
    const ways: Way[] = [
      { name: 'sql (resolveCaller)', call: (p) => resolveCaller(store.read, auth(p), now, HOUR) },
      { name: 'index (holdings → roles)', call: fromIndex },
      { name: 'index + principal row', call: async (p) => [await store.read.principals.get(tenantId, p), await fromIndex(p)] },
      // As current as the SQL read on any node: the change feed is read (one query, nothing new) before the index answers.
      {
        name: 'index + row + feed read',
        call: async (p) => {
          access.markDirty();
          return [await store.read.principals.get(tenantId, p), await fromIndex(p)];
        },
      },
      { name: 'check (one permission)', call: (p) => access.check(tenantId, p, 'openpim.directory/users/update', '/', now) },
    ];

    // The two answers, compared for every sampled user.
    let agree = 0;
    let held = 0;
    const pairs = (xs: { role: RoleDefinition; scopeId: string }[]) => [...new Set(xs.map((x) => `${x.role.id}@${x.scopeId}`))].sort().join(',');
    for (const p of sample) {
      const c = await resolveCaller(store.read, auth(p), now, HOUR);
      const i = await fromIndex(p);
      const a = pairs([...c.roles.map((role) => ({ role, scopeId: '/' })), ...c.scopedRoles.map((s) => ({ role: s.role, scopeId: s.scopeId }))]);
      const b = pairs([...i.roles.map((role) => ({ role, scopeId: '/' })), ...i.scopedRoles]);
      if (a === b) agree++;
      held += c.roles.length + c.scopedRoles.length;
    }
    const groups = await Promise.all(sample.slice(0, 200).map((p) => store.read.principals.groupsOf(tenantId, p, now)));
    log(
      `  answers agree for ${agree} / ${sample.length} sampled users; they hold ${f(held / sample.length, 1)} grants on average, ` +
        `and are in ${f(groups.reduce((s, g) => s + g.length, 0) / groups.length, 1)} groups (nested included)`,
    );

    // Warm up, then rounds alternating the ways; every call timed alone.
    for (const way of ways) for (const p of sample.slice(0, 200)) await way.call(p);
    const means = new Map<string, number[]>(ways.map((w) => [w.name, []]));
    const calls = new Map<string, number[]>(ways.map((w) => [w.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const way of ways) {
        const xs = calls.get(way.name)!;
        const t0 = performance.now();
        for (const p of sample) {
          const t = performance.now();
          await way.call(p);
          xs.push(performance.now() - t);
        }
        means.get(way.name)!.push((performance.now() - t0) / sample.length);
      }
    }
    const sqlMean = median(means.get(ways[0]!.name)!);
    for (const way of ways) {
      const xs = calls.get(way.name)!.sort((a, b) => a - b);
      const mean = median(means.get(way.name)!);
      log(
        `  ${way.name.padEnd(28)} mean ${f(mean * 1000, 1).padStart(7)} µs   p50 ${f(pct(xs, 0.5) * 1000, 1).padStart(7)} µs   p99 ${f(pct(xs, 0.99) * 1000, 1).padStart(7)} µs` +
          `   (${way === ways[0] ? 'the reference' : `${f(sqlMean / mean, 1)}× faster than sql`})`,
      );
    }

    // Where resolveCaller's time goes, once over the sample.
    const part = async (fn: (p: string) => Promise<unknown>) => {
      const t = performance.now();
      for (const p of sample) await fn(p);
      return ((performance.now() - t) / sample.length) * 1000;
    };
    const getUs = await part((p) => store.read.principals.get(tenantId, p));
    const groupsUs = await part((p) => store.read.principals.groupsOf(tenantId, p, now));
    const memberOf = new Map<string, string[]>();
    for (const p of sample) memberOf.set(p, await store.read.principals.groupsOf(tenantId, p, now));
    const activeUs = await part((p) => store.read.schedules.activeOf(tenantId, [p, ...memberOf.get(p)!], now));
    log(
      `  resolveCaller's parts (mean): principals.get ${f(getUs, 1)} µs, groupsOf ${f(groupsUs, 1)} µs, activeOf ${f(activeUs, 1)} µs, the rest (roles.getMany, mapping)`,
    );
  } finally {
    await store.close();
  }
}

let cluster: PostgresCluster | null = null;
const dirs: string[] = [];
try {
  if (postgres) cluster = await startPostgresCluster();
  for (const scale of scales) {
    if (cluster) {
      await measure('PostgreSQL', { kind: 'postgres', url: await createDatabase(cluster.url) }, scale);
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'openpim-caller-bench-'));
      dirs.push(dir);
      await measure('SQLite (a file)', { kind: 'sqlite', path: join(dir, 'openpim.db') }, scale);
    }
  }
} finally {
  await cluster?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
