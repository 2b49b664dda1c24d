import { describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type OrderBy } from '../../app/query.ts';
import { DomainError, type ErrorCode } from '../../domain/errors.ts';
import { encodeSkipToken } from './next-link.ts';
import { parseListQuery, type ListQueryOptions } from './parse-query.ts';

const defaultOrder: OrderBy[] = [
  { field: 'createdDateTime', direction: 'desc' },
  { field: 'id', direction: 'asc' },
];
const options: ListQueryOptions = {
  fields: ['id', 'principalId', 'roleDefinition/id', 'status', 'createdDateTime'],
  defaultOrder,
};
const parse = (q: Record<string, unknown>, o: ListQueryOptions = options) => parseListQuery(q, o);

function failure(q: Record<string, unknown>, o: ListQueryOptions = options): DomainError {
  try {
    parse(q, o);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error(`parseListQuery accepted ${JSON.stringify(q)}`);
}
const expectError = (q: Record<string, unknown>, code: ErrorCode, message: string, o?: ListQueryOptions) => {
  const error = failure(q, o);
  expect(error.code).toBe(code);
  expect(error.message).toContain(message);
};

describe('parseListQuery defaults', () => {
  it('returns the default page when no options are given', () => {
    expect(parse({})).toEqual({ orderBy: defaultOrder, top: DEFAULT_PAGE_SIZE, skip: 0, count: false });
  });

  it('ignores parameters without $ and undefined values', () => {
    expect(parse({ api: 'v1', filter: 'nonsense(', $top: undefined })).toEqual(parse({}));
  });
});

describe('parseListQuery $filter', () => {
  it('parses the filter and canonicalises property names', () => {
    expect(parse({ $filter: "PRINCIPALID eq 'a' and roledefinition/ID eq 'b'" }).filter).toEqual({
      op: 'and',
      left: { op: 'eq', field: 'principalId', value: 'a' },
      right: { op: 'eq', field: 'roleDefinition/id', value: 'b' },
    });
  });

  it('checks fields under not and in', () => {
    expect(parse({ $filter: "not (status in ('a'))" }).filter).toEqual({
      op: 'not',
      expr: { op: 'in', field: 'status', values: ['a'] },
    });
    expectError({ $filter: "not (secret in ('a'))" }, 'Request_UnsupportedQuery', "'secret'");
  });

  it('refuses properties outside the whitelist', () => {
    expectError({ $filter: "status eq 'a' or password eq 'x'" }, 'Request_UnsupportedQuery', "Property 'password'");
  });

  it('passes filter syntax errors through', () => {
    expectError({ $filter: "startswith(status, 'a')" }, 'Request_UnsupportedQuery', 'startswith');
    expectError({ $filter: '' }, 'Request_UnsupportedQuery', 'empty');
  });
});

describe('parseListQuery $orderby', () => {
  it('parses directions and appends the remaining default order', () => {
    expect(parse({ $orderby: 'status desc, principalId' }).orderBy).toEqual([
      { field: 'status', direction: 'desc' },
      { field: 'principalId', direction: 'asc' },
      ...defaultOrder,
    ]);
  });

  it('does not repeat a default property that was requested', () => {
    expect(parse({ $orderby: 'ID DESC' }).orderBy).toEqual([
      { field: 'id', direction: 'desc' },
      { field: 'createdDateTime', direction: 'desc' },
    ]);
  });

  it.each(['status sideways', 'status asc desc', '', 'status,', "startswith(status,'a')"])('refuses %j', (text) => {
    expect(failure({ $orderby: text }).code).toBe('Request_UnsupportedQuery');
  });

  it('refuses unknown and duplicate properties', () => {
    expectError({ $orderby: 'secret' }, 'Request_UnsupportedQuery', "Property 'secret'");
    expectError({ $orderby: 'status, Status desc' }, 'Request_BadRequest', 'twice');
  });
});

describe('parseListQuery paging', () => {
  it('parses $top within bounds', () => {
    expect(parse({ $top: '1' }).top).toBe(1);
    expect(parse({ $top: String(MAX_PAGE_SIZE) }).top).toBe(MAX_PAGE_SIZE);
  });

  it.each(['0', '1000', '-1', '1.5', 'ten', '', '1e2', '0x10'])('refuses $top=%j', (text) => {
    expectError({ $top: text }, 'Request_BadRequest', '$top');
  });

  it('parses $skip and refuses bad values', () => {
    expect(parse({ $skip: '0' }).skip).toBe(0);
    expect(parse({ $skip: '250' }).skip).toBe(250);
    expectError({ $skip: '-5' }, 'Request_BadRequest', '$skip');
    expectError({ $skip: '99999999999999999' }, 'Request_BadRequest', '$skip');
  });

  it('decodes $skiptoken', () => {
    expect(parse({ $skiptoken: encodeSkipToken(300) }).skip).toBe(300);
    expectError({ $skiptoken: 'garbage!' }, 'Request_BadRequest', '$skiptoken');
    expectError({ $skiptoken: Buffer.from('-3').toString('base64url') }, 'Request_BadRequest', '$skiptoken');
  });

  it('refuses $skip together with $skiptoken', () => {
    expectError({ $skip: '1', $skiptoken: encodeSkipToken(2) }, 'Request_BadRequest', 'together');
  });

  it('parses $count', () => {
    expect(parse({ $count: 'true' }).count).toBe(true);
    expect(parse({ $count: 'TRUE' }).count).toBe(true);
    expect(parse({ $count: 'false' }).count).toBe(false);
    expectError({ $count: 'yes' }, 'Request_BadRequest', '$count');
  });
});

describe('parseListQuery $select and $expand', () => {
  it('splits $select and drops duplicates', () => {
    expect(parse({ $select: 'id, status,status' }).select).toEqual(['id', 'status']);
    expect(parse({ $select: '*' }).select).toBeUndefined();
    expectError({ $select: 'id,,status' }, 'Request_BadRequest', "Invalid name ''");
    expectError({ $select: 'id;drop' }, 'Request_BadRequest', 'Invalid name');
  });

  it('splits $expand and refuses nested options', () => {
    expect(parse({ $expand: 'roleDefinition, principal' }).expand).toEqual(['roleDefinition', 'principal']);
    expectError({ $expand: 'roleDefinition($select=id)' }, 'Request_UnsupportedQuery', '$expand');
    expectError({ $expand: '*' }, 'Request_UnsupportedQuery', '$expand=*');
  });

  it('checks $expand against expandable names when given', () => {
    const withExpand = { ...options, expandable: ['roleDefinition', 'principal'] };
    expect(parse({ $expand: 'ROLEDEFINITION' }, withExpand).expand).toEqual(['roleDefinition']);
    expectError({ $expand: 'secrets' }, 'Request_BadRequest', "'secrets'", withExpand);
  });
});

describe('parseListQuery option handling', () => {
  it('accepts option names in any case', () => {
    const parsed = parse({ $TOP: '5', $OrderBy: 'status' });
    expect(parsed.top).toBe(5);
    expect(parsed.orderBy[0]).toEqual({ field: 'status', direction: 'asc' });
  });

  it.each(['$search', '$format', '$apply', '$levels', '$deltatoken'])('refuses %s', (name) => {
    expectError({ [name]: 'x' }, 'Request_UnsupportedQuery', name);
  });

  it('refuses repeated options', () => {
    expectError({ $top: ['1', '2'] }, 'Request_BadRequest', 'more than once');
    expectError({ $top: '1', $Top: '2' }, 'Request_BadRequest', 'more than once');
  });

  it('refuses non-string values', () => {
    expectError({ $top: 5 }, 'Request_BadRequest', 'string');
  });
});
