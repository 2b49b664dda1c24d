/**
 * `@odata.nextLink` construction and the opaque `$skiptoken` it carries. The token is only the
 * base64url of the row offset: it is opaque to clients by contract, not by secrecy, and every
 * other query option travels unchanged in the link, so the next page repeats the same query.
 */
import type { ListQuery } from '../../app/query.ts';
import { DomainError } from '../../domain/errors.ts';

/** Encodes a row offset as a `$skiptoken` value. */
export function encodeSkipToken(offset: number): string {
  return Buffer.from(String(offset), 'utf8').toString('base64url');
}

/** Decodes a `$skiptoken` value to a row offset; throws Request_BadRequest when it is not one of ours. */
export function decodeSkipToken(token: string): number {
  const invalid = () => new DomainError('Request_BadRequest', 'The $skiptoken is not valid.');
  if (!/^[A-Za-z0-9_-]{1,24}$/.test(token)) throw invalid();
  const text = Buffer.from(token, 'base64url').toString('utf8');
  // Require the canonical form so that one offset has exactly one token.
  if (!/^(0|[1-9]\d{0,14})$/.test(text) || encodeSkipToken(Number(text)) !== token) throw invalid();
  return Number(text);
}

const PAGING_OPTIONS = new Set(['$skip', '$skiptoken']);

function decodeKey(rawPair: string): string {
  const rawKey = rawPair.split('=', 1)[0] ?? '';
  try {
    return decodeURIComponent(rawKey.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return rawKey.toLowerCase();
  }
}

/**
 * The URL of the page after `query`: `requestUrl` (absolute) with `$skiptoken` set to skip+top and
 * any `$skip` removed. Other parameters keep their original encoding, so `$filter` stays readable.
 */
export function nextLink(requestUrl: string, query: ListQuery): string {
  const url = new URL(requestUrl);
  const pairs = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !PAGING_OPTIONS.has(decodeKey(pair)));
  pairs.push(`$skiptoken=${encodeSkipToken(query.skip + query.top)}`);
  url.search = `?${pairs.join('&')}`;
  return url.toString();
}
