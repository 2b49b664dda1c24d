/**
 * Request bodies are parsed with zod into exactly the fields a use case takes. Unknown fields are
 * refused (a typo must not be silently ignored); OData annotations (`@odata.type`, …) are allowed.
 */
import { z } from 'zod';
import { DomainError } from '../domain/errors.ts';

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

/** An id in a URL path or body: non-empty, bounded, no control characters. */
export const idString = z.string().min(1).max(200).regex(/^[^\s\u0000-\u001f]+$/, 'must be an id without spaces');
