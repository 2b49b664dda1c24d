/**
 * The part of the SCIM filter language (RFC 7644 §3.4.2.2) that IdPs use to match and page:
 * `attribute eq "value"` terms joined by `and`. Attribute names compare case-insensitively;
 * anything else (`or`, `not`, `co`, `sw`, groupings, value paths) is refused with `invalidFilter`
 * rather than silently answered wrong.
 *
 * @example parseScimFilter('userName eq "ada@contoso.test" and externalId eq "42"')
 *   // → [{ attribute: 'username', value: 'ada@contoso.test' }, { attribute: 'externalid', value: '42' }]
 */
import { DomainError } from '../errors.ts';

export interface ScimFilterTerm {
  /** Lower-cased attribute path (`username`, `externalid`, `displayname`, `id`, `emails.value`). */
  readonly attribute: string;
  readonly value: string;
}

const TOKEN = /\s*("(?:[^"\\]|\\.)*"|[^\s()"]+|[()])/y;

const invalid = (detail: string) => new DomainError('Request_BadRequest', detail, { scimType: 'invalidFilter' });

function tokens(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) {
      if (text.slice(at).trim() === '') break;
      throw invalid(`The filter cannot be read at character ${at + 1}.`);
    }
    out.push(m[1]!);
  }
  return out;
}

function literal(token: string): string {
  if (token.startsWith('"')) {
    try {
      return JSON.parse(token) as string;
    } catch {
      throw invalid(`The filter value ${token} is not a valid string.`);
    }
  }
  if (/^(true|false|null|-?\d+(\.\d+)?)$/i.test(token)) return token.toLowerCase();
  throw invalid(`The filter value ${token} must be a quoted string.`);
}

export function parseScimFilter(text: string): ScimFilterTerm[] {
  const t = tokens(text);
  if (t.length === 0) throw invalid('The filter is empty.');
  const terms: ScimFilterTerm[] = [];
  for (let i = 0; ; i += 4) {
    const [attribute, op, value] = [t[i], t[i + 1], t[i + 2]];
    if (attribute === undefined || op === undefined || value === undefined || /^[()]$/.test(attribute)) {
      throw invalid('Each filter term must read: attribute eq "value".');
    }
    if (op.toLowerCase() !== 'eq') throw invalid(`The filter operator '${op}' is not supported: use eq, joined by and.`);
    if (!/^[A-Za-z][\w.:-]*$/.test(attribute)) throw invalid(`'${attribute}' is not a supported filter attribute.`);
    terms.push({ attribute: attribute.toLowerCase(), value: literal(value) });
    const joiner = t[i + 3];
    if (joiner === undefined) return terms;
    if (joiner.toLowerCase() !== 'and') throw invalid(`'${joiner}' is not supported in filters: join terms with and.`);
  }
}
