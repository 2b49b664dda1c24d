/**
 * Request bodies are parsed with zod into exactly the fields a use case takes. Unknown fields are
 * refused (a typo must not be silently ignored); OData annotations (`@odata.type`, …) are allowed.
 * Here too are what every schema shares — ids, single-line text, instants, durations — and the
 * control-character rule of every request.
 */
import { z } from 'zod';
import { DomainError, isDomainError } from '../domain/errors.ts';
import { parseDuration, parseInstant } from '../domain/time.ts';

/** Drops `@odata.*` keys that a schema does not name, at the top level. */
function withoutAnnotations(body: unknown, keep: ReadonlySet<string>): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([k]) => !k.startsWith('@odata.') || keep.has(k)));
}

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new DomainError('Request_BadRequest', 'The request body must be a JSON object.');
  }
  const keep = new Set(schema instanceof z.ZodObject ? Object.keys(schema.shape).filter((k) => k.startsWith('@odata.')) : []);
  const result = schema.safeParse(withoutAnnotations(body, keep));
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.join('.') || 'body';
    if (issue.code === 'unrecognized_keys') return `${path}: unknown propert${issue.keys.length > 1 ? 'ies' : 'y'} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    return `${path}: ${issue.message}`;
  });
  throw new DomainError('Request_BadRequest', `Invalid request body. ${problems.join('; ')}.`, { problems });
}

/**
 * Control characters (C0 and DEL). No input may carry them — PostgreSQL's text cannot hold NUL,
 * and the rest only ever serve to forge log lines or hide text in a name — except that free text
 * (a justification, a description) may hold tabs and line breaks. app.ts refuses the latter kind
 * in every body, query and path (controlCharacterAt); schemas add singleLine to every name, id,
 * path and code, which may not hold line breaks either.
 */
const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The check of a name, id, path or code: one line, no control characters. @example z.string().max(256).check(singleLine) */
export const singleLine = z.refine<string>((text) => !CONTROL.test(text), 'must be one line without control characters');

/** An id in a URL path or body: non-empty, bounded, no spaces or control characters. */
export const idString = z.string().min(1).max(200).regex(/^[^\s\u0000-\u001f\u007f]+$/, 'must be an id without spaces');

/**
 * Where in a value (a parsed body, the query, the path parameters) a string or key holds a control
 * character — any at all when `oneLine`, else one that free text may not hold — as a dotted path
 * ('' for the value itself); null when none does. @example controlCharacterAt({ a: ['x\u0000'] }) === 'a[0]'
 */
export function controlCharacterAt(value: unknown, oneLine = false, path = ''): string | null {
  const pattern = oneLine ? CONTROL : CONTROL_BUT_LINE_BREAKS;
  if (typeof value === 'string') return pattern.test(value) ? path : null;
  if (!value || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const at = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (pattern.test(key)) return at;
    const found = controlCharacterAt(item, oneLine, at);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Refuses a request whose path parameters hold a control character, or whose query or body holds
 * one that free text may not: what PostgreSQL cannot store (NUL) and what no name, id or query needs.
 */
export function refuseControlCharacters(request: { params: unknown; query: unknown; body: unknown }): void {
  const parts = [['the URL path', request.params, true], ['the query', request.query, false], ['the request body', request.body, false]] as const;
  for (const [part, value, oneLine] of parts) {
    const at = controlCharacterAt(value, oneLine);
    if (at !== null) {
      throw new DomainError('Request_BadRequest', `${at ? `'${at}' in ${part}` : part} contains a control character (only free text may hold tabs and line breaks).`);
    }
  }
}

/** A zod transform through a domain parser, whose DomainError message becomes the issue's. */
function parsed<T>(parse: (text: string) => T) {
  return (text: string, ctx: z.RefinementCtx): T => {
    try {
      return parse(text);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
      return z.NEVER;
    }
  };
}

/** An ISO-8601 date-time with a zone, in the supported range (domain/time.ts), as epoch milliseconds. */
export const instant = z.string().max(40).transform(parsed(parseInstant));
/** An ISO-8601 duration of at most 100 years (domain/time.ts), kept as its text. */
export const duration = z.string().max(40).transform(parsed((text) => {
  parseDuration(text);
  return text;
}));
