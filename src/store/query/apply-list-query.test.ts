import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FilterExpr, ListQuery } from '../../app/query.ts';
import { DomainError, type ErrorCode } from '../../domain/errors.ts';
import { NodeSqliteDialect } from '../dialects/node-sqlite.ts';
import { applyFilter, applyOrderAndPage, listPage, parseInstant, type FieldMap } from './apply-list-query.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let db: Kysely<any>;

const T = (iso: string) => Date.parse(iso);
const rows = [
  { id: 'a', tenant: 't1', name: 'Alpha', score: 10, active: 1, created_at: T('2024-01-01T00:00:00Z'), role: 'r1' },
  { id: 'b', tenant: 't1', name: "O'Brien", score: 20, active: 0, created_at: T('2024-02-01T00:00:00Z'), role: 'r2' },
  { id: 'c', tenant: 't1', name: null, score: 30, active: 1, created_at: T('2024-03-01T00:00:00Z'), role: 'r1' },
  { id: 'd', tenant: 't1', name: 'Delta', score: null, active: 0, created_at: T('2024-04-01T00:00:00Z'), role: 'r3' },
  { id: 'e', tenant: 't1', name: 'Echo', score: 20, active: 1, created_at: T('2024-05-01T00:00:00Z'), role: 'r2' },
  { id: 'z', tenant: 't2', name: 'Other tenant', score: 20, active: 1, created_at: T('2024-01-01T00:00:00Z'), role: 'r1' },
];

const fields: FieldMap = {
  id: { column: 's.id', type: 'string' },
  displayName: { column: 's.name', type: 'string', nullable: true },
  score: { column: 's.score', type: 'number', nullable: true },
  isActive: { column: 's.active', type: 'boolean' },
  createdDateTime: { column: 's.created_at', type: 'instant' },
  'roleDefinition/displayName': { column: 'r.display_name', type: 'string' },
};

beforeAll(async () => {
  db = new Kysely({ dialect: new NodeSqliteDialect({ path: ':memory:' }) });
  await sql`create table items (id text primary key, tenant text not null, name text, score integer,
    active integer not null, created_at integer not null, role text not null)`.execute(db);
  await sql`create table roles (id text primary key, display_name text not null)`.execute(db);
  await db.insertInto('items').values(rows).execute();
  await db
    .insertInto('roles')
    .values([
      { id: 'r1', display_name: 'Global Administrator' },
      { id: 'r2', display_name: 'User Administrator' },
      { id: 'r3', display_name: 'Reader' },
    ])
    .execute();
});
afterAll(() => db.destroy());

// The shape a repository builds once: joins, tenant condition, selection.
const base = () => db.selectFrom('items as s').innerJoin('roles as r', 'r.id', 's.role').where('s.tenant', '=', 't1').select(['s.id']);

const ids = async (filter: FilterExpr) => (await applyFilter(base(), filter, fields).orderBy('s.id').execute()).map((r) => r.id as string).join('');

const query = (over: Partial<ListQuery> = {}): ListQuery => ({
  orderBy: [{ field: 'id', direction: 'asc' }],
  top: 100,
  skip: 0,
  count: false,
  ...over,
});

async function rejects(promise: () => unknown, code: ErrorCode, message: string) {
  let error: unknown;
  try {
    await promise();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  expect((error as DomainError).message).toContain(message);
}

describe('applyFilter', () => {
  it.each<[FilterExpr, string]>([
    [{ op: 'eq', field: 'displayName', value: "O'Brien" }, 'b'],
    [{ op: 'ne', field: 'displayName', value: 'Alpha' }, 'bcde'], // null ne 'Alpha' is true in OData
    [{ op: 'gt', field: 'score', value: 20 }, 'c'],
    [{ op: 'ge', field: 'score', value: 20 }, 'bce'],
    [{ op: 'lt', field: 'score', value: 20 }, 'a'],
    [{ op: 'le', field: 'score', value: 20 }, 'abe'],
    [{ op: 'eq', field: 'displayName', value: null }, 'c'],
    [{ op: 'ne', field: 'score', value: null }, 'abce'],
    [{ op: 'eq', field: 'isActive', value: true }, 'ace'],
    [{ op: 'eq', field: 'isActive', value: false }, 'bd'],
    [{ op: 'in', field: 'id', values: ['a', 'c', 'z', 'q'] }, 'ac'],
    [{ op: 'in', field: 'displayName', values: ['Echo', null] }, 'ce'],
    [{ op: 'in', field: 'score', values: [null] }, 'd'],
    [{ op: 'ge', field: 'createdDateTime', value: '2024-03-01T00:00:00Z' }, 'cde'],
    [{ op: 'lt', field: 'createdDateTime', value: '2024-03-01T01:00:00+02:00' }, 'ab'], // = 2024-02-29T23:00Z
    [{ op: 'eq', field: 'createdDateTime', value: '2024-02-01T00:00:00.0000000Z' }, 'b'],
    [{ op: 'eq', field: 'roleDefinition/displayName', value: 'User Administrator' }, 'be'],
  ])('%j → %s', async (filter, expected) => {
    expect(await ids(filter)).toBe(expected);
  });

  it('combines with and / or and keeps the base condition', async () => {
    const a: FilterExpr = { op: 'eq', field: 'isActive', value: true };
    const b: FilterExpr = { op: 'eq', field: 'score', value: 20 };
    const c: FilterExpr = { op: 'eq', field: 'id', value: 'd' };
    expect(await ids({ op: 'and', left: a, right: b })).toBe('e');
    expect(await ids({ op: 'or', left: a, right: b })).toBe('abce');
    expect(await ids({ op: 'or', left: { op: 'and', left: a, right: b }, right: c })).toBe('de');
    expect(await ids({ op: 'and', left: a, right: { op: 'or', left: b, right: c } })).toBe('e');
  });

  it('negates with OData null semantics', async () => {
    expect(await ids({ op: 'not', expr: { op: 'eq', field: 'displayName', value: 'Alpha' } })).toBe('bcde');
    expect(await ids({ op: 'not', expr: { op: 'gt', field: 'score', value: 15 } })).toBe('ad');
    expect(await ids({ op: 'not', expr: { op: 'in', field: 'score', values: [10, 30] } })).toBe('bde');
    expect(await ids({ op: 'not', expr: { op: 'not', expr: { op: 'eq', field: 'score', value: 20 } } })).toBe('be');
    const either: FilterExpr = { op: 'or', left: { op: 'eq', field: 'isActive', value: false }, right: { op: 'lt', field: 'score', value: 15 } };
    expect(await ids({ op: 'not', expr: either })).toBe('ce');
  });

  it('leaves the query alone without a filter', async () => {
    expect((await applyFilter(base(), undefined, fields).execute()).length).toBe(5);
  });

  it('refuses unmapped fields with Request_UnsupportedQuery', async () => {
    await rejects(() => ids({ op: 'eq', field: 'tenant', value: 't2' }), 'Request_UnsupportedQuery', "'tenant'");
    await rejects(() => ids({ op: 'eq', field: 'constructor', value: 'x' }), 'Request_UnsupportedQuery', "'constructor'");
  });

  it.each<[FilterExpr, string]>([
    [{ op: 'eq', field: 'displayName', value: 5 }, 'string'],
    [{ op: 'eq', field: 'score', value: '5' }, 'number'],
    [{ op: 'eq', field: 'isActive', value: 1 }, 'boolean'],
    [{ op: 'eq', field: 'createdDateTime', value: 1704067200000 }, 'instant'],
    [{ op: 'eq', field: 'createdDateTime', value: 'yesterday' }, 'instant'],
    [{ op: 'eq', field: 'createdDateTime', value: '2024-02-30T00:00:00Z' }, 'instant'],
    [{ op: 'eq', field: 'createdDateTime', value: '2024-01-01T00:00:00' }, 'instant'],
    [{ op: 'in', field: 'score', values: [1, 'two'] }, 'number'],
    [{ op: 'gt', field: 'score', value: null }, 'null can only be compared'],
  ])('refuses %j with Request_BadRequest', async (filter, message) => {
    await rejects(() => ids(filter), 'Request_BadRequest', message);
  });
});

describe('parseInstant', () => {
  it('converts offsets and fractions to epoch milliseconds', () => {
    expect(parseInstant('2024-01-01T00:00:00Z')).toBe(T('2024-01-01T00:00:00Z'));
    expect(parseInstant('2024-01-01T02:30:00+02:30')).toBe(T('2024-01-01T00:00:00Z'));
    expect(parseInstant('2023-12-31T19:00-05:00')).toBe(T('2024-01-01T00:00:00Z'));
    expect(parseInstant('2024-01-01T00:00:00.1239999z')).toBe(T('2024-01-01T00:00:00.123Z'));
    expect(parseInstant('2024-02-29T23:59:59Z')).toBe(T('2024-02-29T23:59:59Z'));
  });

  it.each([
    '2023-02-29T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T00:60:00Z',
    '2024-01-01',
    '0099-01-01T00:00:00Z',
    '2024-01-01T00:00:00+24:00',
    // Outside the range every instant keeps (domain/time.ts).
    '1969-12-31T23:59:59Z',
    '0100-01-01T00:00:00Z',
    '9999-12-31T23:59:59-00:01',
  ])('refuses %s', (text) => {
    expect(parseInstant(text)).toBeNull();
  });
});

describe('applyOrderAndPage and listPage', () => {
  const page = (over: Partial<ListQuery>) => listPage(base(), query(over), fields, (r) => r.id as string);

  it('orders by mapped columns, ties broken by later keys', async () => {
    const orderBy = [
      { field: 'score', direction: 'desc' },
      { field: 'id', direction: 'desc' },
    ] as const;
    expect((await page({ orderBy })).items.join('')).toBe('cebad'); // desc: nulls last
    expect(
      (
        await page({
          orderBy: [
            { field: 'score', direction: 'asc' },
            { field: 'id', direction: 'asc' },
          ],
        })
      ).items.join(''),
    ).toBe('dabec');
    expect(
      (
        await page({
          orderBy: [
            { field: 'roleDefinition/displayName', direction: 'asc' },
            { field: 'id', direction: 'asc' },
          ],
        })
      ).items.join(''),
    ).toBe('acdbe');
  });

  it('pages with top and skip and reports hasMore', async () => {
    expect(await page({ top: 2 })).toEqual({ items: ['a', 'b'], hasMore: true });
    expect(await page({ top: 2, skip: 2 })).toEqual({ items: ['c', 'd'], hasMore: true });
    expect(await page({ top: 2, skip: 4 })).toEqual({ items: ['e'], hasMore: false });
    expect(await page({ top: 5 })).toEqual({ items: ['a', 'b', 'c', 'd', 'e'], hasMore: false });
    expect(await page({ top: 2, skip: 10 })).toEqual({ items: [], hasMore: false });
  });

  it('counts when asked, with the filter applied', async () => {
    const filter: FilterExpr = { op: 'ne', field: 'id', value: 'a' };
    expect(await page({ top: 2, count: true })).toEqual({ items: ['a', 'b'], hasMore: true, count: 5 });
    expect(await page({ top: 2, count: true, filter })).toEqual({ items: ['b', 'c'], hasMore: true, count: 4 });
    expect(await page({ top: 2, skip: 2, count: true, filter })).toEqual({ items: ['d', 'e'], hasMore: false, count: 4 });
    expect(await page({ top: 2, skip: 9, count: true, filter })).toEqual({ items: [], hasMore: false, count: 4 });
    expect(await page({ count: true, filter: { op: 'eq', field: 'id', value: 'q' } })).toEqual({ items: [], hasMore: false, count: 0 });
  });

  it('uses the given count query', async () => {
    const countBase = db.selectFrom('items as s').innerJoin('roles as r', 'r.id', 's.role').where('s.tenant', '=', 't1');
    const result = await listPage(base(), query({ top: 1, count: true }), fields, (r) => r.id, countBase);
    expect(result).toEqual({ items: ['a'], hasMore: true, count: 5 });
  });

  it('maps rows', async () => {
    const result = await listPage(base().select('s.score'), query({ top: 1 }), fields, (r) => ({ id: r.id, score: r.score }));
    expect(result.items).toEqual([{ id: 'a', score: 10 }]);
  });

  it('compiles limit top+1 and offset skip', () => {
    const compiled = applyOrderAndPage(base(), query({ top: 10, skip: 30 }), fields).compile();
    expect(compiled.sql).toMatch(/order by "s"\."id" asc limit \? offset \?$/);
    expect(compiled.parameters.slice(-2)).toEqual([11, 30]);
  });

  it('refuses ordering by an unmapped field', async () => {
    await rejects(() => page({ orderBy: [{ field: 'tenant', direction: 'asc' }] }), 'Request_UnsupportedQuery', "'tenant'");
  });
});
