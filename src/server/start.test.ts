import { describe, expect, it } from 'vitest';
import { redactUrl } from './start.ts';

describe('request log URLs', () => {
  it.each([
    ['/openpim/approvals/x?token=abc&decision=approve', '/openpim/approvals/x?token=[redacted]&decision=approve'],
    [
      '/openpim/auth/oidc/callback?code=c0de&state=s7ate&iss=https%3A%2F%2Fidp',
      '/openpim/auth/oidc/callback?code=[redacted]&state=[redacted]&iss=https%3A%2F%2Fidp',
    ],
    ['/callback?state=s&code=c', '/callback?state=[redacted]&code=[redacted]'],
    ['/v1.0/me?$select=id&zipcode=123', '/v1.0/me?$select=id&zipcode=123'],
  ])('%s → %s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });
});
