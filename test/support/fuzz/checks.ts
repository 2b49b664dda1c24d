/**
 * What must hold for every fuzzed request, whatever was sent:
 *
 *  1. no 5xx: hostile input is the client's mistake, never the server's;
 *  2. a refused request (4xx) changed nothing (fuzz/state.ts);
 *  3. an error is answered in the API's error shape — Graph's, OAuth's on the token endpoint, SCIM's
 *     under /scim/v2 — never the framework's own, and without traces of the implementation;
 *  4. every response carries `X-Content-Type-Options: nosniff` (a browser must not guess a type).
 */
import type { LightMyRequestResponse } from 'fastify';

const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
/** Stack frames, file names, driver and library names: what an error body must never show. */
const INTERNALS = /\bat [\w.<>]+ \(|\.ts:\d+|node_modules|SQLITE_|kysely|ZodError|TypeError|RangeError|violates .*constraint/i;

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Whether an error body has the shape its route promises; a problem, or null. */
function errorShapeProblem(url: string, res: LightMyRequestResponse): string | null {
  const body = parse(res.body) as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return `error body is not JSON: ${res.body.slice(0, 120)}`;
  if (url.startsWith('/scim/')) {
    const ok = Array.isArray(body.schemas) && body.schemas.includes(SCIM_ERROR) && body.status === String(res.statusCode) && typeof body.detail === 'string';
    return ok ? null : `not a SCIM error: ${res.body.slice(0, 120)}`;
  }
  if (url.startsWith('/openpim/oauth2/token')) {
    return typeof body.error === 'string' && typeof body.error_description === 'string' ? null : `not an OAuth error: ${res.body.slice(0, 120)}`;
  }
  const error = body.error as Record<string, unknown> | undefined;
  const ok =
    Object.keys(body).length === 1 &&
    typeof error?.code === 'string' &&
    typeof error.message === 'string' &&
    typeof (error.innerError as Record<string, unknown> | undefined)?.['request-id'] === 'string';
  return ok ? null : `not a Graph error: ${res.body.slice(0, 120)}`;
}

/** The problems with a response, but for the state (1, 3, 4); `[]` when none. */
export function responseProblems(request: { readonly url: string; readonly payload?: string }, res: LightMyRequestResponse): string[] {
  const problems: string[] = [];
  if (res.statusCode >= 500) problems.push(`status ${res.statusCode}`);
  if (res.statusCode >= 400) {
    const shape = errorShapeProblem(request.url.split('?')[0]!, res);
    if (shape) problems.push(shape);
    // A message may quote what the client sent; only what the client did not send is a leak.
    const leak = INTERNALS.exec(res.body)?.[0];
    if (leak && !`${request.url} ${request.payload ?? ''}`.includes(leak)) problems.push(`error body shows internals: ${res.body.slice(0, 200)}`);
  }
  if (res.headers['x-content-type-options'] !== 'nosniff') problems.push('no X-Content-Type-Options: nosniff');
  return problems;
}
