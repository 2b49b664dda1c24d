import { describe, expect, it } from 'vitest';
import type { ListQuery } from '../../app/query.ts';
import { DomainError } from '../../domain/errors.ts';
import { decodeSkipToken, encodeSkipToken, nextLink } from './next-link.ts';

const query = (skip: number, top: number): ListQuery => ({ orderBy: [], top, skip, count: false });
const BASE = 'https://pim.example.com/v1.0/roleManagement/directory/roleEligibilitySchedules';

describe('skip tokens', () => {
  it('round-trips offsets', () => {
    for (const offset of [0, 1, 100, 999_999_999_999_999]) {
      const token = encodeSkipToken(offset);
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeSkipToken(token)).toBe(offset);
    }
  });

  it.each([
    '',
    '!!',
    'abc=',
    Buffer.from('01').toString('base64url'),
    Buffer.from('1.5').toString('base64url'),
    Buffer.from('x').toString('base64url'),
    'A'.repeat(40),
  ])('refuses %j', (token) => {
    expect(() => decodeSkipToken(token)).toThrow(DomainError);
    try {
      decodeSkipToken(token);
    } catch (error) {
      expect((error as DomainError).code).toBe('Request_BadRequest');
    }
  });
});

describe('nextLink', () => {
  it('adds $skiptoken for skip + top', () => {
    const link = nextLink(`${BASE}?$top=10`, query(0, 10));
    expect(link).toBe(`${BASE}?$top=10&$skiptoken=${encodeSkipToken(10)}`);
  });

  it('replaces an existing $skiptoken and removes $skip in any case or encoding', () => {
    const url = `${BASE}?%24skip=20&$filter=status%20eq%20'Provisioned'&$SKIPTOKEN=abc&$top=5&api=1`;
    const link = new URL(nextLink(url, query(20, 5)));
    expect([...link.searchParams.keys()]).toEqual(['$filter', '$top', 'api', '$skiptoken']);
    expect(link.searchParams.get('$filter')).toBe("status eq 'Provisioned'");
    expect(decodeSkipToken(link.searchParams.get('$skiptoken')!)).toBe(25);
  });

  it('keeps the encoding of the other parameters', () => {
    const link = nextLink(`${BASE}?$filter=principalId+eq+%27a%2Fb%27&$orderby=id%20desc`, query(0, 100));
    expect(link).toContain('$filter=principalId+eq+%27a%2Fb%27&$orderby=id%20desc&$skiptoken=');
  });

  it('works without a query string and keeps the path', () => {
    const link = new URL(nextLink(`${BASE}`, query(0, 100)));
    expect(link.pathname).toBe(new URL(BASE).pathname);
    expect(decodeSkipToken(link.searchParams.get('$skiptoken')!)).toBe(100);
  });
});
