/**
 * The app's routes, read from the running Fastify instance rather than written down, so a route
 * added tomorrow is fuzzed without anyone remembering to list it. Fastify has no public route list;
 * `printRoutes({ commonPrefix: false })` prints the router's tree, which is parsed here and every
 * route read back is confirmed with `hasRoute` (a misread tree fails loudly instead of fuzzing less).
 *
 * @example
 *   const { write, read } = routeTable(api.app);
 *   // write: [{ method: 'POST', path: '/v1.0/users' }, { method: 'PATCH', path: '/v1.0/users/:id' }, …]
 */
import type { FastifyInstance, HTTPMethods } from 'fastify';

export interface Route {
  readonly method: HTTPMethods;
  /** Fastify's pattern: `/v1.0/users/:id`, `/openpim/scopes/*`. */
  readonly path: string;
}

export const WRITE_METHODS: readonly string[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

export const routeKey = (r: Route): string => `${r.method} ${r.path}`;

/** The `:name` and `*` parameters of a pattern, in order. */
export const paramsOf = (path: string): string[] => [...path.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? '*');

/** Every route of the app: those that change something (POST, PUT, PATCH, DELETE) and those that read (GET). */
export function routeTable(app: FastifyInstance): { write: Route[]; read: Route[] } {
  const found: Route[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    // "│   ├── /members (GET, HEAD)": four characters of tree per level, then the path piece and its methods.
    const match = /^((?:[│ ] {3})*)[├└]── (\S+) \(([^)]*)\)/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const piece = match[2]!;
    const parent = stack.slice(0, depth).join('');
    // The printer drops the path before a wildcard; below a parent it stands for "/*".
    const path = piece === '*' ? `${parent.replace(/\/$/, '')}/*` : parent + piece;
    stack.length = depth;
    stack.push(piece === '*' ? path.slice(parent.length) : piece);
    for (const method of match[3]!.split(', ')) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      found.push({ method: method as HTTPMethods, path });
    }
  }
  // A wildcard printed at the top level has lost its prefix: it cannot be read back, and is left to
  // the OpenAPI document (routesOfDocument). A write route that cannot be read back is an error.
  const confirmed = found.filter((r) => app.hasRoute({ method: r.method, url: r.path }));
  const lost = found.filter((r) => !confirmed.includes(r) && WRITE_METHODS.includes(r.method));
  if (lost.length > 0) throw new Error(`the route table was misread: ${lost.map(routeKey).join(', ')}`);
  return {
    write: confirmed.filter((r) => WRITE_METHODS.includes(r.method)),
    read: confirmed.filter((r) => r.method === 'GET'),
  };
}

/** The operations of an OpenAPI document as routes (`{id}` → `:id`), e.g. to check the route table against. */
export function routesOfDocument(paths: Record<string, Record<string, unknown>>): Route[] {
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => ({ method: m.toUpperCase() as HTTPMethods, path: path.replace(/\{(\w+)\}/g, ':$1') })),
  );
}
