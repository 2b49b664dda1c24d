/**
 * T2 from the database: a real SQLite file made by the project's own store (migrations, tenant
 * bootstrap), filled with the generated world by raw SQL batches in one transaction (seeding is not
 * measured), then the access service built from it as the server builds it at start-up —
 * `accessService(accessFacts(db), read).start()`: the bulk queries, the rows mapped, the index
 * loaded. Median of 5 builds, each a fresh service; heap per assignment after gc, the service alone.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseSync } from 'node:sqlite';
import { accessService, type AccessService } from '../src/access/access-service.ts';
import { AccessIndex } from '../src/access/index.ts';
import { ROLE } from '../src/domain/roles/catalogue.ts';
import { configSchema, type Config } from '../src/server/config.ts';
import { openServices } from '../src/server/start.ts';
import { randomIds, systemClock } from '../src/adapters/system-clock.ts';
import { accessFacts } from '../src/store/access-facts.ts';
import { sqliteTarget } from '../src/store/database.ts';
import { openStore } from '../src/store/store.ts';
import { f, gc, heap, log, median, mib, n0, type Row } from './common.ts';
import { DAY, mulberry32, uuid, type World } from './generate.ts';

const RUNS = 5;

export interface Seeded {
  readonly dir: string;
  readonly config: Config;
  readonly tenantId: string;
  readonly adminId: string;
  /** Users with a permanent eligibility for User Administrator at `/` and nothing else. */
  readonly activators: string[];
  /** Open active assignments in the database (the world's plus the bootstrap administrator's). */
  readonly assignments: number;
  readonly seedMs: number;
  readonly bytes: number;
}

/** A fresh data directory with the project's schema and tenant, filled with `world` and `activators` eligible users. */
export async function seed(world: World, activators: number): Promise<Seeded> {
  const dir = mkdtempSync(join(tmpdir(), 'openpim-bench-'));
  const config = configSchema.parse({
    dataDir: dir,
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    tenantName: 'Bench',
    bootstrapAdmin: 'admin@bench.test',
    weeklyDigest: false,
  });
  const services = await openServices(config);
  const tenantId = services.tenant.id;
  const adminId = services.admin!.id;
  await services.store.close();

  const t0 = performance.now();
  const path = sqliteTarget(dir);
  if (path.kind !== 'sqlite') throw new Error('unreachable');
  const db = new DatabaseSync(path.path);
  // Seeding only: this connection skips fsync and foreign-key checks (the data is consistent by construction).
  db.exec('pragma journal_mode = wal; pragma synchronous = off; pragma foreign_keys = off; pragma cache_size = -262144;');
  const now = world.now;
  const principal = db.prepare(`insert into principals (tenant_id, id, type, display_name, user_principal_name, upn_key, mail, account_enabled,
    is_break_glass, is_assignable_to_role, description, manager_id, created_at) values (?, ?, ?, ?, ?, ?, null, 1, 0, ?, null, null, ?)`);
  const member = db.prepare('insert into group_members (tenant_id, group_id, member_id, created_at) values (?, ?, ?, ?)');
  const scope = db.prepare('insert or ignore into scopes (tenant_id, id, type, display_name, parent_id) values (?, ?, ?, ?, ?)');
  const schedule = db.prepare(`insert into schedules (tenant_id, id, kind, principal_id, role_definition_id, directory_scope_id, assignment_type,
    member_type, start_at, end_at, closed, close_reason, closed_at, created_using, source_schedule_id, created_at, modified_at)
    values (?, ?, ?, ?, ?, ?, ?, 'Direct', ?, ?, 0, null, null, 'bench-seed', null, ?, ?)`);
  db.exec('begin');
  world.users.forEach((id, i) => principal.run(tenantId, id, 'user', `User ${i}`, `u${i}@bench.test`, `u${i}@bench.test`, 0, now - 400 * DAY));
  world.groups.forEach((id, i) => principal.run(tenantId, id, 'group', `Group ${i}`, null, null, 1, now - 400 * DAY));
  for (const m of world.snapshot.memberships) member.run(tenantId, m.groupId, m.memberId, now - 400 * DAY);
  for (const s of world.snapshot.scopes) scope.run(tenantId, s.id, s.type, s.displayName, s.parentId);
  for (const g of world.snapshot.grants) {
    schedule.run(tenantId, g.id, 'assignment', g.principalId, g.roleDefinitionId, g.scopeId, 'Assigned', g.startAt, g.endAt, g.startAt, g.startAt);
  }
  const rnd = mulberry32(11);
  const eligible: string[] = [];
  for (let i = 0; i < activators; i++) {
    const id = uuid(rnd);
    eligible.push(id);
    principal.run(tenantId, id, 'user', `Activator ${i}`, `activator${i}@bench.test`, `activator${i}@bench.test`, 0, now - DAY);
    schedule.run(tenantId, uuid(rnd), 'eligibility', id, ROLE.userAdministrator, '/', null, now - DAY, null, now - DAY, now - DAY);
  }
  db.exec('commit');
  db.exec('pragma wal_checkpoint(truncate)');
  const bytes = Number((db.prepare('select page_count * page_size as n from pragma_page_count(), pragma_page_size()').get() as { n: number }).n);
  db.close();
  const seedMs = performance.now() - t0;
  log(
    `seeded ${path.path}: ${n0(world.snapshot.grants.length)} assignments, ${n0(world.snapshot.memberships.length)} memberships, ${n0(world.users.length + world.groups.length)} principals, ${n0(activators)} eligible activators in ${(seedMs / 1000).toFixed(1)} s (${mib(bytes)})`,
  );
  return { dir, config, tenantId, adminId, activators: eligible, assignments: world.snapshot.grants.length + 1, seedMs, bytes };
}

/** T2: the service built from the database, as at server start-up. */
export async function measureBuild(seeded: Seeded, quick: boolean): Promise<{ rows: Row[]; notes: string[] }> {
  const store = await openStore(sqliteTarget(seeded.dir), { clock: systemClock, ids: randomIds });
  const builds: number[] = [];
  const perGrant: number[] = [];
  let service: AccessService | null = null;
  for (let run = 0; run < RUNS; run++) {
    service = null;
    gc();
    const before = heap();
    const t = performance.now();
    service = accessService(accessFacts(store.db), store.read);
    await service.start();
    builds.push(performance.now() - t);
    gc();
    perGrant.push((heap() - before) / seeded.assignments);
    log(`build from the database ${run + 1}: ${builds[run]!.toFixed(0)} ms, ${perGrant[run]!.toFixed(0)} B/assignment (heap ${mib(heap())})`);
  }
  // Sanity: the built service answers (the bootstrap administrator may manage role assignments at `/`).
  const probe = await service!.check(seeded.tenantId, seeded.adminId, 'openpim.directory/roleAssignments/manage', '/', Date.now());
  if (!probe.allowed) throw new Error('the index built from the database does not allow the bootstrap administrator');
  service = null;
  gc();

  // Where the time goes, once: the bulk read, the rows mapped to grants, the in-memory load.
  const facts = accessFacts(store.db);
  let t = performance.now();
  const snapshot = await facts.snapshot(seeded.tenantId);
  const readMs = performance.now() - t;
  t = performance.now();
  const grants = snapshot.grants;
  const mapMs = performance.now() - t;
  t = performance.now();
  new AccessIndex().load({ roles: snapshot.roles, scopes: snapshot.scopes, memberships: snapshot.memberships, grants });
  const loadMs = performance.now() - t;
  log(
    `one build taken apart: read ${readMs.toFixed(0)} ms (${n0(snapshot.grants.length)} schedules, ${n0(snapshot.memberships.length)} memberships), map ${mapMs.toFixed(0)} ms, index load ${loadMs.toFixed(0)} ms`,
  );
  await store.close();

  const buildMs = median(builds);
  const bytes = median(perGrant);
  const over = buildMs / 2000;
  const scaleNote = quick ? ' (QUICK: 0.1 scale)' : '';
  return {
    rows: [
      {
        id: 'T2',
        metric: `index built from the database, ${n0(seeded.assignments)} assignments${scaleNote}`,
        target: '≤ 2 s',
        measured: `${f(buildMs / 1000)} s`,
        ratio: `${f(over)} of budget`,
        result: buildMs <= 2000,
        note:
          (buildMs <= 2000 ? '' : `missed by ${f((buildMs - 2000) / 1000)} s (${f(over, 1)}× the budget). `) +
          `One build taken apart: the bulk read ${f(readMs / 1000)} s, rows → grants ${f(mapMs / 1000)} s, index load ${f(loadMs / 1000)} s` +
          (buildMs <= 2000
            ? ''
            : ` — the read is \`accessFacts.snapshot\` selecting the six columns a grant needs of ${n0(snapshot.grants.length)} schedules through Kysely and ` +
              `node:sqlite's \`all()\`, which materialises every row as an object before the first is used (≈ ${f((readMs * 1000) / snapshot.grants.length, 1)} µs per row); ` +
              'reading in batches straight into the index, or persisting the index, are the ways left to close the gap' +
              `${loadMs > 2000 ? "; in that build the index load alone, with the read's rows still alive, is over the budget too (the in-memory build row times it without them)" : ''}`) +
          `. Median of ${RUNS}: ${builds.map((b) => f(b / 1000)).join(', ')} s`,
      },
      {
        id: 'T2',
        metric: 'heap per assignment, index built from the database',
        target: '≤ 300 B',
        measured: `${bytes.toFixed(0)} B`,
        ratio: `${f(bytes / 300)} of budget`,
        result: bytes <= 300,
        note: `JS heap + ArrayBuffers after gc, the access service alone (median of ${RUNS}); the database rows are garbage once the index is built`,
      },
    ],
    notes: [
      `**T2 from the database.** A SQLite file (${mib(seeded.bytes)}) created by the project's store (migrations, tenant bootstrap) in a temporary directory, ` +
        `filled by raw SQL in one transaction (${f(seeded.seedMs / 1000, 1)} s, not measured; the seeded rows skip the audit log and the timeline, which the build does not read). ` +
        'The timed build is what the server does at start-up: `accessService(accessFacts(db), store.read).start()` — the change-feed head, the bulk ' +
        'queries through Kysely and node:sqlite, the rows mapped to schedules and grants, the index loaded. The file was just written, so it is in the OS page cache (a warm start).',
    ],
  };
}
