// Proves the test PostgreSQL server from the globalSetup works: databases can be created,
// connected to and written, and each createDatabase() call gets a database of its own.
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, dropDatabase } from '../support/postgres-cluster.ts';

const adminUrl = inject('postgresUrl');
const created: string[] = [];

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

afterAll(async () => {
  // The throwaway cluster dies with the run, but an external server (OPENPIM_TEST_DATABASE_URL) keeps them.
  for (const url of created) await dropDatabase(adminUrl, url);
});

describe('test PostgreSQL server', () => {
  it('creates a database that can be queried and written', async () => {
    const url = await createDatabase(adminUrl);
    created.push(url);
    const client = await connect(url);
    try {
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      expect((await client.query('select current_database() as db')).rows[0].db).toBe(new URL(url).pathname.slice(1));
      expect((await client.query('show server_encoding')).rows[0].server_encoding).toBe('UTF8');
      await client.query('create table t (id serial primary key, name text not null)');
      await client.query('insert into t (name) values ($1), ($2)', ['alice', 'bob']);
      expect((await client.query('select name from t order by id')).rows).toEqual([{ name: 'alice' }, { name: 'bob' }]);
    } finally {
      await client.end();
    }
  });

  it('gives every createDatabase() call a separate database', async () => {
    const [a, b] = await Promise.all([createDatabase(adminUrl), createDatabase(adminUrl)]);
    created.push(a, b);
    expect(a).not.toBe(b);
    const [ca, cb] = await Promise.all([connect(a), connect(b)]);
    try {
      await ca.query('create table only_in_a (x int)');
      const seen = await cb.query("select count(*)::int as n from information_schema.tables where table_name = 'only_in_a'");
      expect(seen.rows[0].n).toBe(0);
    } finally {
      await Promise.all([ca.end(), cb.end()]);
    }
  });

  it('accepts an explicit database name', async () => {
    const name = `openpim_named_${process.pid}_${Date.now()}`;
    const url = await createDatabase(adminUrl, name);
    created.push(url);
    expect(new URL(url).pathname).toBe(`/${name}`);
    const client = await connect(url);
    try {
      expect((await client.query('select current_database() as db')).rows[0].db).toBe(name);
    } finally {
      await client.end();
    }
  });
});
