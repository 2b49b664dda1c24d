/**
 * Values chosen to break things: the edges of what a field's type allows, instants and durations
 * beyond what the clock can hold, characters databases and terminals treat specially, and path
 * and query pieces a router or OData parser may mishandle. Each pool mixes fixed classics (so every
 * run tries them) with generated ones (so long runs keep finding new shapes).
 */
import fc from 'fast-check';

/** Instants at and past the ends of what Date, SQLite integers and PostgreSQL can hold, and malformed ones. */
export const HOSTILE_INSTANTS = [
  '9999-12-31T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00.000Z',
  '+275760-09-13T00:00:00.001Z',
  '10000-01-01T00:00:00Z',
  '-271821-04-20T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '1970-01-01T00:00:00Z',
  '2026-02-29T00:00:00Z',
  '2026-01-05T09:00:00+14:00',
  '2026-01-05T09:00:00-23:59',
  '2026-01-05T09:00:00.123456789Z',
  '2026-01-05T24:00:00Z',
  '2026-01-05',
  '2026-01-05T09:00:00',
  '2026-W02-1T00:00:00Z',
  '20260105T090000Z',
  'now',
  '',
] as const;

/** ISO 8601 durations far beyond any policy, negative, fractional or malformed. */
export const HOSTILE_DURATIONS = [
  'P14300000W',
  'P99999999D',
  'PT9007199254740993S',
  'PT99999999999999999999H',
  'P1000000Y',
  'P2147483647D',
  'P1Y',
  'P1M',
  'PT0S',
  'P0D',
  '-PT1H',
  'PT-1H',
  'PT1.5H',
  'PT0.0000001S',
  'P1W1D',
  'PT',
  'P',
  'PT1H ',
  '1H',
  'P1DT',
  'PT1e3S',
] as const;

/** Strings with NUL and other control characters, odd Unicode, and injection classics. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0001\u0008\u001b[31m\u007f',
  '\r\nX-Injected: 1',
  '\t',
  '\uFEFF',
  '\u202Eevil',
  '\u200B',
  '\uD800',
  '\uDFFF\uD800',
  '😀'.repeat(64),
  'Ω≈ç√∫˜µ≤≥÷',
  'ﷺ',
  '𝕳𝖊𝖑𝖑𝖔',
  'Ａｄｍｉｎ',
  'İı',
  'ß'.repeat(200),
  "' OR '1'='1",
  '"; DROP TABLE principals; --',
  '%00',
  '%',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '${7*7}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '-0',
  '0x10',
  '1e309',
  '/',
  '//',
  '/..',
  '*',
  '$ref',
  "filterByCurrentUser(on='principal')",
  'x'.repeat(257),
  'x'.repeat(1025),
  'x'.repeat(20_000),
] as const;

/** Numbers at the edges of JSON, JavaScript, 32/64-bit integers and PostgreSQL's int8. */
export const HOSTILE_NUMBERS = [
  0,
  -0,
  -1,
  1.5,
  1e-300,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  1.7976931348623157e308,
  -1.7976931348623157e308,
  9.2233720368547758e18,
] as const;

const controlChar = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c));
/**
 * Any code point, unpaired surrogates included. (fast-check's own `unit: 'binary'` builds a table of
 * all 1.1 million code points when the arbitrary is made: seconds of start-up for nothing here.)
 */
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
/** A string of any code points. */
export const anyString = (maxLength: number, minLength = 0): fc.Arbitrary<string> => fc.string({ unit: anyCodePoint, minLength, maxLength });

/**
 * Percent-encodes any string for a URL. encodeURIComponent throws on an unpaired surrogate; that one
 * is sent as the three bytes UTF-8 forbids for it (%ED%A0%80 for U+D800), which a server must refuse.
 */
export function percentEncode(text: string): string {
  let out = '';
  for (const ch of text) {
    const u = ch.charCodeAt(0);
    out +=
      ch.length === 1 && u >= 0xd800 && u <= 0xdfff
        ? [0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('')
        : encodeURIComponent(ch);
  }
  return out;
}

/** A hostile string: a classic, or a generated one with control characters or any code point (unpaired surrogates too). */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_INSTANTS, ...HOSTILE_DURATIONS) },
  { weight: 2, arbitrary: anyString(40) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 10 }), controlChar, fc.string({ maxLength: 10 })).map(([a, c, b]) => a + c + b) },
);

/** Any JSON value that is not what a field wants: wrong types, edges, nesting. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(...HOSTILE_NUMBERS, true, false, null, [], {}, [null], [''], { '': '' }, [[[[[[[[[[]]]]]]]]]]) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** Path segments as sent on the wire (already percent-encoded, or deliberately not). */
export const HOSTILE_SEGMENTS = [
  '%00',
  'a%00b',
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '%FF',
  '%2e%2e',
  '..',
  '.',
  '%2F',
  '%252F',
  "'",
  "''",
  "x')",
  "(id='x')",
  "filterByCurrentUser(on='principal')",
  'filterByCurrentUser(on=%27nobody%27)',
  '$ref',
  '%24count',
  'null',
  'undefined',
  '0',
  '-1',
  '00000000-0000-0000-0000-000000000000',
  '%20',
  '+',
  '%F0%9F%98%80',
  '%EF%BB%BF',
  'x'.repeat(501),
  'x'.repeat(4000),
  '%0d%0aX:1',
] as const;

export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) },
  { weight: 1, arbitrary: anyString(30, 1).map(percentEncode) },
);

/** OData $filter expressions with odd literals, nesting and lengths. */
const FILTERS = [
  "displayName eq '\u0000'",
  "displayName eq 'it''s'",
  "displayName eq ''''",
  "id eq 'x'''",
  'createdDateTime gt 9999-12-31T00:00:00Z',
  'createdDateTime gt -271821-04-20T00:00:00Z',
  'createdDateTime lt +275760-09-13T00:00:00Z',
  'createdDateTime gt 2026-02-29T00:00:00Z',
  'accountEnabled eq null',
  'accountEnabled eq 1',
  'displayName eq 1e400',
  'id eq 99999999999999999999999',
  'status in ()',
  "status in ('a',)",
  'not not not (id eq null)',
  `${'('.repeat(2000)}id eq 'x'${')'.repeat(2000)}`,
  `${"id eq 'x' or ".repeat(500)}id eq 'y'`,
  "principalId eq 'x' and",
  'eq eq eq',
  "roleDefinitionId eq guid'00000000-0000-0000-0000-000000000000'",
  "displayName eq '😀'",
  "startswith(displayName,'a')",
  'scheduleInfo/startDateTime gt 2026-01-01T00:00:00Z',
  '$it eq 1',
  "displayName eq 'x' and ".repeat(3),
] as const;

/** A query string (without `?`) of hostile OData options, raw or encoded. */
export const hostileQuery: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...FILTERS).map((f) => `$filter=${encodeURIComponent(f)}`) },
  { weight: 1, arbitrary: anyString(30).map((s) => `$filter=${percentEncode(s)}`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '$top=-1',
      '$top=1e10',
      '$top=99999999999999999999',
      '$skip=9007199254740993',
      '$skiptoken=%00',
      '$count=%00',
      '$select=%00',
      '$select=,,,',
      '$orderby=displayName%20desc%20desc',
      '$expand=*',
      '$filter',
      '$filter=',
      '%zz=1',
      'a=%',
      '$filter=%',
      '$top=1&$top=2',
      'token=%00',
      `token=${'x'.repeat(5000)}`,
      'filter=userName%20eq%20%22%00%22',
      'startIndex=-1&count=99999999999',
      'count=1e3',
      'excludedAttributes=%00',
    ),
  },
);
