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
    if (issue.code === 'unrecognized_keys')
      return `${path}: unknown propert${issue.keys.length > 1 ? 'ies' : 'y'} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
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
export const idString = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\s\u0000-\u001f\u007f]+$/, 'must be an id without spaces');

/** A place in a value being searched: its key under its parent (null at the top), found again through `parent`. */
interface Place {
  readonly value: unknown;
  readonly key: string | null;
  readonly inArray: boolean;
  readonly parent: Place | null;
}

/** A place as a dotted path with array indexes in brackets: `a[0].b`. */
function pathOf(place: Place): string {
  const steps: Place[] = [];
  for (let p: Place | null = place; p && p.key !== null; p = p.parent) steps.push(p);
  return steps.reverse().reduce((path, p) => (p.inArray ? `${path}[${p.key}]` : path ? `${path}.${p.key}` : p.key!), '');
}

/**
 * Where in a value (a parsed body, the query, the path parameters) a string or key holds a control
 * character — any at all when `oneLine`, else one that free text may not hold — as a dotted path
 * ('' for the value itself); null when none does. @example controlCharacterAt({ a: ['x\u0000'] }) === 'a[0]'
 *
 * A loop over a stack of places, not recursion, and the path is spelt out only for the place found:
 * a client may nest a body thousands of levels deep, which must be a 400, not a stack overflow (500).
 */
export function controlCharacterAt(value: unknown, oneLine = false): string | null {
  const pattern = oneLine ? CONTROL : CONTROL_BUT_LINE_BREAKS;
  const stack: Place[] = [{ value, key: null, inArray: false, parent: null }];
  while (stack.length > 0) {
    const place = stack.pop()!;
    if (place.key !== null && !place.inArray && pattern.test(place.key)) return pathOf(place);
    if (typeof place.value === 'string') {
      if (pattern.test(place.value)) return pathOf(place);
      continue;
    }
    if (!place.value || typeof place.value !== 'object') continue;
    const inArray = Array.isArray(place.value);
    // Pushed last to first, so the first entry is searched first (and a key before what it holds).
    const entries = Object.entries(place.value);
    for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i]![1], key: entries[i]![0], inArray, parent: place });
  }
  return null;
}

/**
 * Refuses a request whose path parameters hold a control character, or whose query or body holds
 * one that free text may not: what PostgreSQL cannot store (NUL) and what no name, id or query needs.
 */
export function refuseControlCharacters(request: { params: unknown; query: unknown; body: unknown }): void {
  const parts = [
    ['the URL path', request.params, true],
    ['the query', request.query, false],
    ['the request body', request.body, false],
  ] as const;
  for (const [part, value, oneLine] of parts) {
    const at = controlCharacterAt(value, oneLine);
    if (at !== null) {
      throw new DomainError(
        'Request_BadRequest',
        `${at ? `'${at}' in ${part}` : part} contains a control character (only free text may hold tabs and line breaks).`,
      );
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
export const duration = z
  .string()
  .max(40)
  .transform(
    parsed((text) => {
      parseDuration(text);
      return text;
    }),
  );
