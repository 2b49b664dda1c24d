import { describe, expect, it } from 'vitest';
import { DomainError } from '../../domain/errors.ts';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseFilter } from './parse-filter.ts';

const GUID = '62e90394-69f5-4237-9190-012177145e10';

function failure(text: string): DomainError {
  try {
    parseFilter(text);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error(`parseFilter accepted ${JSON.stringify(text)}`);
}

describe('parseFilter comparisons and literals', () => {
  it.each(['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const)('parses %s', (op) => {
    expect(parseFilter(`count ${op} 5`)).toEqual({ op, field: 'count', value: 5 });
  });

  it('keeps field paths with slashes', () => {
    expect(parseFilter(`roleDefinition/id eq '${GUID}'`)).toEqual({ op: 'eq', field: 'roleDefinition/id', value: GUID });
  });

  it('unescapes doubled quotes in strings', () => {
    expect(parseFilter("name eq 'O''Brien'")).toEqual({ op: 'eq', field: 'name', value: "O'Brien" });
    expect(parseFilter("name eq ''''")).toEqual({ op: 'eq', field: 'name', value: "'" });
    expect(parseFilter("name eq ''")).toEqual({ op: 'eq', field: 'name', value: '' });
  });

  it('keeps keywords, parentheses and spaces inside strings verbatim', () => {
    expect(parseFilter("name eq ' a and (b) or not c, '")).toEqual({ op: 'eq', field: 'name', value: ' a and (b) or not c, ' });
  });

  it('parses numbers', () => {
    expect(parseFilter('n eq -12')).toMatchObject({ value: -12 });
    expect(parseFilter('n eq 3.25')).toMatchObject({ value: 3.25 });
    expect(parseFilter('n eq 1e3')).toMatchObject({ value: 1000 });
    expect(parseFilter('n eq 0')).toMatchObject({ value: 0 });
  });

  it('parses booleans and null case-insensitively', () => {
    expect(parseFilter('a eq true')).toMatchObject({ value: true });
    expect(parseFilter('a eq FALSE')).toMatchObject({ value: false });
    expect(parseFilter('a eq Null')).toMatchObject({ value: null });
  });

  it('returns bare GUIDs as strings', () => {
    expect(parseFilter(`principalId eq ${GUID}`)).toEqual({ op: 'eq', field: 'principalId', value: GUID });
    expect(parseFilter(`principalId eq ${GUID.toUpperCase()}`)).toMatchObject({ value: GUID.toUpperCase() });
  });

  it('returns DateTimeOffset literals as their ISO strings', () => {
    for (const iso of ['2024-01-01T00:00:00Z', '2024-01-01T00:00Z', '2024-06-30T12:34:56.1234567+02:00', '2024-01-01T00:00:00-05:30']) {
      expect(parseFilter(`startDateTime ge ${iso}`)).toEqual({ op: 'ge', field: 'startDateTime', value: iso });
    }
  });

  it('accepts keywords in any case and extra whitespace', () => {
    expect(parseFilter("  a EQ 'x'\tAND\nb Ne 1 ")).toEqual({
      op: 'and',
      left: { op: 'eq', field: 'a', value: 'x' },
      right: { op: 'ne', field: 'b', value: 1 },
    });
  });
});

describe('parseFilter in-lists', () => {
  it('parses a list of mixed literals', () => {
    expect(parseFilter(`status in ('Provisioned', 'Granted',${GUID}, 3, null)`)).toEqual({
      op: 'in',
      field: 'status',
      values: ['Provisioned', 'Granted', GUID, 3, null],
    });
  });

  it('parses a single-element list and IN in upper case', () => {
    expect(parseFilter("status IN ('a')")).toEqual({ op: 'in', field: 'status', values: ['a'] });
  });

  it.each(['status in ()', "status in ('a',)", "status in ('a' 'b')", "status in 'a'", "status in ('a'"])('rejects malformed list %s', (text) => {
    expect(failure(text).code).toBe('Request_UnsupportedQuery');
  });
});

describe('parseFilter boolean structure', () => {
  const a = { op: 'eq', field: 'a', value: 1 } as const;
  const b = { op: 'eq', field: 'b', value: 2 } as const;
  const c = { op: 'eq', field: 'c', value: 3 } as const;

  it('binds and tighter than or', () => {
    expect(parseFilter('a eq 1 or b eq 2 and c eq 3')).toEqual({ op: 'or', left: a, right: { op: 'and', left: b, right: c } });
    expect(parseFilter('a eq 1 and b eq 2 or c eq 3')).toEqual({ op: 'or', left: { op: 'and', left: a, right: b }, right: c });
  });

  it('associates left', () => {
    expect(parseFilter('a eq 1 or b eq 2 or c eq 3')).toEqual({ op: 'or', left: { op: 'or', left: a, right: b }, right: c });
  });

  it('lets parentheses override precedence', () => {
    expect(parseFilter('(a eq 1 or b eq 2) and c eq 3')).toEqual({ op: 'and', left: { op: 'or', left: a, right: b }, right: c });
    expect(parseFilter('((a eq 1))')).toEqual(a);
  });

  it('applies not to the next comparison or group', () => {
    expect(parseFilter('not a eq 1 and b eq 2')).toEqual({ op: 'and', left: { op: 'not', expr: a }, right: b });
    expect(parseFilter('not (a eq 1 or b eq 2)')).toEqual({ op: 'not', expr: { op: 'or', left: a, right: b } });
    expect(parseFilter('NOT not a eq 1')).toEqual({ op: 'not', expr: { op: 'not', expr: a } });
    expect(parseFilter('not(a eq 1)')).toEqual({ op: 'not', expr: a });
  });
});

describe('parseFilter errors', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ["startswith(displayName, 'a')", "function 'startswith'"],
    ["members/any(m: m eq 'x')", "function 'members/any'"],
    ["name eq tolower('A')", "function 'tolower'"],
    ['n add 1 eq 2', "arithmetic operator 'add'"],
    ['n eq 1 add 2', "arithmetic operator 'add'"],
    ["roles has 'x'", "'has' operator"],
    ["name eq 'abc", 'unterminated string'],
    ['name eq', 'expected a literal value but found end of filter'],
    ['name', "expected a comparison operator after 'name'"],
    ["name like 'a'", "expected a comparison operator after 'name'"],
    ["eq 'a'", 'expected a property name'],
    ["'a' eq name", 'expected a property name'],
    ['a eq b', 'comparing two properties'],
    ["a eq 'x' b eq 'y'", "expected 'and', 'or' or end of filter but found 'b'"],
    ["a eq 'x' and", 'expected a property name but found end of filter'],
    ["(a eq 'x'", "expected ')'"],
    ["a eq 'x')", "found ')'"],
    ['a eq "x"', `unexpected character '"'`],
    ['a eq 1e999', 'out of range'],
    ['a eq 2024-01-01', "'2024-01-01'"],
    ['a eq 2024-01-01T00:00:00', "'2024-01-01T00:00:00'"],
    ['a eq 62e90394-69f5-4237-9190', 'literal value'],
    ['a eq $it', "unexpected character '$'"],
    ["microsoft.graph.user/name eq 'x'", 'expected a property name'],
  ])('rejects %j', (text, message) => {
    const error = failure(text);
    expect(error.code).toBe('Request_UnsupportedQuery');
    expect(error.message).toContain(message);
    expect(error.message).toMatch(/at position \d+/);
  });

  it('reports the position of the offending token', () => {
    const error = failure("name eq 'x' and startswith(a, 'b')");
    expect(error.message).toContain('at position 16');
    expect(error.details).toEqual({ position: 16 });
  });
});

describe('parseFilter bounds', () => {
  it(`accepts up to ${MAX_FILTER_LENGTH} characters and refuses more`, () => {
    const padding = (n: number) => `a eq '${'x'.repeat(n - 7)}'`;
    expect(padding(MAX_FILTER_LENGTH)).toHaveLength(MAX_FILTER_LENGTH);
    expect(() => parseFilter(padding(MAX_FILTER_LENGTH))).not.toThrow();
    expect(failure(padding(MAX_FILTER_LENGTH + 1)).message).toContain('longer than');
  });

  it(`accepts nesting to depth ${MAX_FILTER_DEPTH} and refuses deeper`, () => {
    const nested = (depth: number) => `${'('.repeat(depth)}a eq 1${')'.repeat(depth)}`;
    expect(parseFilter(nested(MAX_FILTER_DEPTH))).toEqual({ op: 'eq', field: 'a', value: 1 });
    expect(failure(nested(MAX_FILTER_DEPTH + 1)).message).toContain('nesting deeper');
    expect(failure(`${'not '.repeat(MAX_FILTER_DEPTH + 1)}a eq 1`).message).toContain('nesting deeper');
  });

  it('handles a long flat chain without deep recursion', () => {
    const text = Array.from({ length: 150 }, (_, i) => `f eq ${i}`).join(' or ');
    expect(text.length).toBeLessThanOrEqual(MAX_FILTER_LENGTH);
    expect(() => parseFilter(text)).not.toThrow();
  });
});
