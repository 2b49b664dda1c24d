/**
 * The portal (web/, built into web/dist) served at `/`: hashed assets cached for a year, the page
 * itself never cached, every path that is not the API's falling back to the page so that the
 * portal's own routes (/assignments, /approvals/{id}, …) open directly in a browser. API routes
 * keep precedence: they are matched before this catch-all, and an unknown path under an API prefix,
 * or asked for by a client that does not accept HTML, still gets the API's 404. The page's CSP allows scripts from this origin only (no inline script) and no framing.
 * Hashed assets go out compressed (brotli or gzip, as the browser accepts).
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.ts';
import { sendError } from './errors.ts';
import { sendScimError } from './scim-errors.ts';
import { cookieName, readCookie } from './session-cookie.ts';

/** Where `vite build web` puts the portal. */
export const DEFAULT_PORTAL_DIR = resolve(import.meta.dirname, '../../web/dist');

const API_PREFIXES = ['/v1.0/', '/beta/', '/openpim/', '/scim/'];
const API_PATHS = new Set(['/healthz', '/openapi.json', '/v1.0', '/beta', '/openpim', '/scim']);

export const PORTAL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Fluent UI writes its generated CSS rules into <style> elements at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export const isApiPath = (path: string): boolean => API_PATHS.has(path) || API_PREFIXES.some((p) => path.startsWith(p));

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Marks the portal's routes: the auth hook lets them through (the page signs in itself). */
    portal?: boolean;
  }
}

const PORTAL_ROUTE = { portal: true };

const pageHeaders = {
  'content-security-policy': PORTAL_CSP,
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/** A file of the build, or null when there is none at that path (never outside the build folder). */
async function fileOf(dir: string, path: string): Promise<{ body: Buffer; type: string } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  const file = normalize(join(dir, decoded));
  if (!file.startsWith(dir + sep)) return null;
  try {
    if (!(await stat(file)).isFile()) return null;
    return { body: await readFile(file), type: TYPES[extname(file)] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
}

const NOT_BUILT =
  '<!doctype html><meta charset="utf-8"><title>OpenPIM</title><p>The portal is not built. ' +
  'Run <code>./openpim demo</code> or <code>./openpim serve</code> through the launcher, which builds it.</p>';

/**
 * What My roles (the page at `/` and `/assignments`) reads first. A browser with a session cookie is
 * told to fetch these while it loads the script (`Link: rel=preload`), and the page's own fetches of
 * the same addresses take those answers: the first reads no longer wait for the script to run. Keep
 * in step with web/src/features/my-roles/api.ts and features/auth/api.ts (the portal's browser
 * tests and the T14 bench fail on a read made twice).
 */
const MY_ROLES_FIRST_READS = [
  '/openpim/auth/session',
  ...[
    'roleManagement/directory/roleEligibilityScheduleInstances',
    'roleManagement/directory/roleAssignmentScheduleInstances',
    'identityGovernance/privilegedAccess/group/eligibilityScheduleInstances',
    'identityGovernance/privilegedAccess/group/assignmentScheduleInstances',
  ].map((set) => `/v1.0/${set}/filterByCurrentUser(on='principal')`),
  '/v1.0/roleManagement/directory/roleDefinitions?$select=id,displayName,description,isPrivileged&$top=999',
];
const PRELOAD_MY_ROLES = MY_ROLES_FIRST_READS.map((url) => `<${url}>; rel=preload; as=fetch; crossorigin`).join(', ');
/** Whether the request carries a session cookie, by either of its names (the portal does not know which the server uses). */
const hasSessionCookie = (request: FastifyRequest): boolean =>
  [true, false].some((secure) => readCookie(request.headers.cookie, cookieName({ secure })) !== null);

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);
const COMPRESSIBLE = new Set(['.js', '.css', '.svg', '.json', '.html', '.txt']);

/**
 * Hashed assets compressed once and kept: brotli for browsers that take it (all current ones),
 * else gzip. Quality 5 compresses the first page's script in milliseconds, not seconds, at a few
 * per cent more bytes than the maximum.
 */
function compressedAssets() {
  const memo = new Map<string, Promise<Buffer>>();
  return (path: string, body: Buffer, encoding: 'br' | 'gzip'): Promise<Buffer> => {
    const key = `${encoding} ${path}`;
    let done = memo.get(key);
    if (!done) {
      done =
        encoding === 'br'
          ? brotli(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } })
          : gzipped(body, { level: 6 });
      memo.set(key, done);
    }
    return done;
  };
}

export function portalRoutes(app: FastifyInstance, dir: string = DEFAULT_PORTAL_DIR): void {
  let index: Promise<Buffer | null> | null = null;
  const page = () => (index ??= readFile(join(dir, 'index.html')).catch(() => null));
  const compressed = compressedAssets();

  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0]!;
    if (isApiPath(path)) {
      const missing = new DomainError('Request_ResourceNotFound', `No resource at ${request.method} ${path}.`);
      return (path.startsWith('/scim/') ? sendScimError : sendError)(request, reply, missing);
    }
    if (path !== '/' && path !== '/index.html') {
      const file = await fileOf(dir, path);
      if (file) {
        const immutable = path.startsWith('/assets/');
        reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=3600').type(file.type);
        const accepts = String(request.headers['accept-encoding'] ?? '');
        const encoding = !immutable || !COMPRESSIBLE.has(extname(path)) ? null : /\bbr\b/.test(accepts) ? 'br' : /\bgzip\b/.test(accepts) ? 'gzip' : null;
        if (!encoding) return reply.send(file.body);
        return reply
          .header('vary', 'accept-encoding')
          .header('content-encoding', encoding)
          .send(await compressed(path, file.body, encoding));
      }
      // A missing hashed asset is a 404, never the page (a stale tab must not run HTML as script).
      if (path.startsWith('/assets/') || extname(path) !== '') {
        return sendError(request, reply, new DomainError('Request_ResourceNotFound', `No file at ${path}.`));
      }
    }
    // The page goes to browsers (they ask for HTML); an API client that lost its way gets the API's 404.
    if (!(request.headers.accept ?? '').includes('text/html')) {
      return sendError(request, reply, new DomainError('Request_ResourceNotFound', `No resource at ${request.method} ${path}.`));
    }
    const html = await page();
    if (html && (path === '/' || path === '/assignments') && hasSessionCookie(request)) reply.header('link', PRELOAD_MY_ROLES);
    return reply
      .headers(pageHeaders)
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(html ?? NOT_BUILT);
  };

  app.get('/', { schema: { hide: true }, config: PORTAL_ROUTE }, serve);
  app.get('/*', { schema: { hide: true }, config: PORTAL_ROUTE }, serve);
}

/** Is this request for one of the portal's routes (so authentication is the page's business)? */
export const isPortalRequest = (request: FastifyRequest): boolean => request.routeOptions.config?.portal === true;
