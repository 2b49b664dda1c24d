import { describe, expect, it } from 'vitest';
import { parseScimFilter } from './filter.ts';

describe('parseScimFilter', () => {
  it('reads eq terms joined by and, attribute names case-insensitively', () => {
    expect(parseScimFilter('userName eq "ada@contoso.test"')).toEqual([{ attribute: 'username', value: 'ada@contoso.test' }]);
    expect(parseScimFilter('externalId EQ "a \\"b\\"" AND userName eq "x"')).toEqual([
      { attribute: 'externalid', value: 'a "b"' },
      { attribute: 'username', value: 'x' },
    ]);
  });

  it.each([
    '',
    'userName co "a"',
    'userName eq "a" or userName eq "b"',
    '(userName eq "a")',
    'userName eq',
    'userName eq unquoted',
    'emails[type eq "work"] eq "x"',
  ])('refuses %j as invalidFilter', (text) => {
    expect(() => parseScimFilter(text)).toThrow(expect.objectContaining({ code: 'Request_BadRequest', details: { scimType: 'invalidFilter' } }));
  });
});
