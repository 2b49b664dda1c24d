/**
 * Graph serves the PIM resources under `/beta` as under `/v1.0`, and many scripts call beta. Every
 * route registered under `/v1.0/` for role management, PIM for Groups and role management
 * policies is registered again under `/beta/` with the same handler and options (hidden from
 * /openapi.json, which documents each operation once); `contextUrl` (collection.ts) then names the
 * version the request was made to. Routes registered under `/beta/` themselves (approvals) stay as they are.
 */
import type { FastifyInstance, HTTPMethods, RouteOptions } from 'fastify';

const PIM = /^\/v1\.0\/(roleManagement\/|identityGovernance\/privilegedAccess\/|policies\/roleManagementPolic)/;
const COPY = Symbol('beta copy');

/** Installs the hook: call before the routes are registered. */
export function mirrorPimUnderBeta(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions & { [COPY]?: true }) => {
    // Fastify adds a HEAD route for each GET; the copy's GET brings its own.
    const methods = [route.method].flat().filter((m): m is HTTPMethods => m !== 'HEAD');
    if (route[COPY] || methods.length === 0 || !PIM.test(route.url)) return;
    const { path: _path, routePath: _routePath, prefix: _prefix, url, method: _method, ...options } = route as RouteOptions & Record<string, unknown>;
    app.route({
      ...options,
      method: methods,
      url: url.replace(/^\/v1\.0\//, '/beta/'),
      schema: { ...route.schema, hide: true },
      [COPY]: true,
    } as RouteOptions);
  });
}
