import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely, sql, type Generated } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeSqliteDialect } from './node-sqlite.ts';

interface Db {
  items: { id: Generated<number>; name: string | null; flag: number | null; at: number | null };
}

const open = (path: string, busyTimeout = 5000) =>
  new Kysely<Db>({ dialect: new NodeSqliteDialect({ path, onOpen: (d) => d.exec(`pragma journal_mode = wal; pragma busy_timeout = ${busyTimeout};`) }) });

const names = async (db: Kysely<Db>) => (await db.selectFrom('items').select('name').orderBy('id').execute()).map((r) => r.name);

describe('NodeSqliteDialect', () => {
  let dir: string;
  let path: string;
  let db: Kysely<Db>;
  const others: Kysely<Db>[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openpim-sqlite-'));
    path = join(dir, 'test.db');
    db = open(path);
    await sql`create table items (id integer primary key, name text, flag integer, at integer)`.execute(db);
  });
  afterEach(async () => {
    await db.destroy();
    for (const other of others.splice(0)) await other.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs selects, inserts, updates and returning clauses', async () => {
    const inserted = await db.insertInto('items').values({ name: 'a', flag: 1, at: 1 }).executeTakeFirst();
    expect(inserted.insertId).toBe(1n);
    await db.insertInto('items').values({ name: 'b', flag: 0, at: 2 }).execute();
    const updated = await db.updateTable('items').set({ flag: 1 }).where('flag', '=', 0).executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(1n);
    const returned = await db
      .updateTable('items')
      .set((eb) => ({ at: eb('at', '+', 10) }))
      .where('id', '=', 2)
      .returning(['id', 'at'])
      .execute();
    expect(returned).toEqual([{ id: 2, at: 12 }]);
    expect(await names(db)).toEqual(['a', 'b']);
  });

  it('binds booleans as 1/0 and undefined as null', async () => {
    await sql`insert into items (name, flag, at) values (${'t'}, ${true}, ${undefined}), (${'f'}, ${false}, ${null})`.execute(db);
    expect(await db.selectFrom('items').select(['name', 'flag', 'at']).orderBy('id').execute()).toEqual([
      { name: 't', flag: 1, at: null },
      { name: 'f', flag: 0, at: null },
    ]);
    expect(
      await db
        .selectFrom('items')
        .select('name')
        .where(sql<boolean>`flag = ${true}`)
        .execute(),
    ).toEqual([{ name: 't' }]);
  });

  it('refuses Date parameters, and the connection stays usable', async () => {
    const at = new Date('2026-01-05T09:00:00Z') as unknown as number;
    await expect(db.insertInto('items').values({ name: 'd', flag: 0, at }).execute()).rejects.toThrow(/epoch milliseconds, not Date/);
    await expect(db.transaction().execute((trx) => trx.insertInto('items').values({ name: 'd', flag: 0, at }).execute())).rejects.toThrow(TypeError);
    await db.insertInto('items').values({ name: 'after', flag: 0, at: 1_767_603_600_000 }).execute();
    expect(await db.selectFrom('items').selectAll().execute()).toEqual([{ id: 1, name: 'after', flag: 0, at: 1_767_603_600_000 }]);
  });

  it('commits a transaction, and rolls one back when its work throws', async () => {
    await db.transaction().execute((trx) => trx.insertInto('items').values({ name: 'kept', flag: 0, at: 0 }).execute());
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ name: 'dropped', flag: 0, at: 0 }).execute();
        expect(await names(trx)).toEqual(['kept', 'dropped']);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await names(db)).toEqual(['kept']);
    // A failed statement inside a transaction also rolls all of it back.
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ name: 'dropped too', flag: 0, at: 0 }).execute();
        await trx.insertInto('items').values({ id: 1, name: 'duplicate id', flag: 0, at: 0 }).execute();
      }),
    ).rejects.toMatchObject({ code: 'ERR_SQLITE_ERROR', errcode: 1555 });
    expect(await names(db)).toEqual(['kept']);
    const reader = new DatabaseSync(path, { readOnly: true });
    expect(reader.prepare('select count(*) as n from items').get()).toEqual({ n: 1 });
    reader.close();
  });

  it('opens transactions with BEGIN IMMEDIATE: the write lock is held from the start, not from the first write', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let begun!: () => void;
    const hasBegun = new Promise<void>((resolve) => (begun = resolve));
    const holding = db.transaction().execute(async (trx) => {
      await trx.selectFrom('items').selectAll().execute(); // reads only: a deferred BEGIN would take no write lock
      begun();
      await gate;
    });
    await hasBegun;

    // Another connection (another process, in production) cannot start writing meanwhile…
    const other = new DatabaseSync(path);
    other.exec('pragma busy_timeout = 0');
    expect(() => other.exec('begin immediate')).toThrow(/locked|busy/i);
    // …but can still read (WAL).
    expect(other.prepare('select count(*) as n from items').get()).toEqual({ n: 0 });
    release();
    await holding;
    other.exec("begin immediate; insert into items (name) values ('other'); commit;");
    other.close();
    expect(await names(db)).toEqual(['other']);
  });

  it('gives up with SQLITE_BUSY after busy_timeout while another connection writes, and recovers', async () => {
    const other = new DatabaseSync(path);
    other.exec("begin immediate; insert into items (name) values ('first')");
    setTimeout(() => other.exec('commit'), 100);
    // The synchronous driver blocks this thread while waiting, so the commit above cannot run:
    // with a short timeout the wait ends in SQLITE_BUSY rather than hanging.
    const impatient = open(path, 50);
    others.push(impatient);
    await expect(impatient.transaction().execute((trx) => trx.insertInto('items').values({ name: 'second' }).execute())).rejects.toThrow(/locked|busy/i);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await impatient.transaction().execute((trx) => trx.insertInto('items').values({ name: 'second' }).execute());
    expect(await names(db)).toEqual(['first', 'second']);
    other.close();
  });

  it('serialises transactions and queries of one Kysely instance on its single connection', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = db.transaction().execute(async (trx) => {
      order.push('first begins');
      await trx.insertInto('items').values({ name: 'first' }).execute();
      await gate;
      order.push('first ends');
    });
    const second = db.transaction().execute(async (trx) => {
      order.push('second begins');
      await trx.insertInto('items').values({ name: 'second' }).execute();
    });
    const read = names(db).then((n) => order.push(`read sees ${n.join(',')}`));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual(['first begins']);
    release();
    await Promise.all([first, second, read]);
    expect(order).toEqual(['first begins', 'first ends', 'second begins', 'read sees first,second']);
  });

  it('does not stream, and closes once', async () => {
    await expect(
      (async () => {
        for await (const _ of db.selectFrom('items').selectAll().stream()) break;
      })(),
    ).rejects.toThrow(/not supported/);
    await db.destroy();
    await db.destroy();
  });
});
