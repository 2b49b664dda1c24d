/**
 * The HTTP API as a Fastify instance: Graph-shaped routes, bearer authentication, OData, Graph's
 * error shape, OpenAPI at /openapi.json and /healthz. Everything it does goes through use cases.
 * Every response says `X-Content-Type-Options: nosniff` and carries the server clock's `Date`; no
 * body, query or path with a control character reaches a route.
 */
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { DomainError } from '../domain/errors.ts';
import { breakGlassMemo } from '../app/identity/record-break-glass-use.ts';
import { authenticate } from './auth.ts';
import { mirrorPimUnderBeta } from './beta.ts';
import type { HttpDeps } from './context.ts';
import { sendError } from './errors.ts';
import { GRAPH_ERROR_SCHEMA, noValidation, OAUTH_ERROR_SCHEMA, TAGS } from './openapi.ts';
import { accountRoutes } from './routes/accounts.routes.ts';
import { authRoutes, PUBLIC_AUTH_PATHS } from './routes/auth.routes.ts';
import { tokenEndpoint } from './routes/token.routes.ts';
import { isPublicSessionRequest, sessionRoutes } from './routes/session.routes.ts';
import { cliAuthorizeRoutes, PUBLIC_AUTHORIZE_PATHS } from './routes/cli-authorize.routes.ts';
import { servicePrincipalRoutes } from './routes/service-principals.routes.ts';
import { webAuthnRoutes } from './routes/webauthn.routes.ts';
import { OIDC_SIGN_IN_PATH, oidcRoutes, PUBLIC_OIDC_PATHS } from './routes/oidc.routes.ts';
import { approvalLinkRoutes } from './routes/approval-links.routes.ts';
import { accessRoutes } from './routes/access.routes.ts';
import { approvalRoutes } from './routes/approvals.routes.ts';
import { auditRoutes } from './routes/audit.routes.ts';
import { directoryRoutes } from './routes/directory.routes.ts';
import { policyRoutes } from './routes/policies.routes.ts';
import { roleAssignmentRoutes } from './routes/role-assignments.routes.ts';
import { roleDefinitionRoutes } from './routes/role-definitions.routes.ts';
import { scheduleRequestRoutes } from './routes/schedule-requests.routes.ts';
import { scheduleRoutes } from './routes/schedules.routes.ts';
import { scopeRoutes } from './routes/scopes.routes.ts';
import { isScimRequest, scimRoutes, scimTokenRoutes } from './routes/scim.routes.ts';
import { sendScimError } from './scim-errors.ts';
import { refuseControlCharacters } from './validation.ts';
import { isPortalRequest, portalRoutes } from './portal.ts';

const PUBLIC = new Set<string>(['/healthz', '/openapi.json', ...PUBLIC_AUTH_PATHS, ...PUBLIC_AUTHORIZE_PATHS, ...PUBLIC_OIDC_PATHS]);

export async function buildApp(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.bodyLimit,
    genReqId: () => deps.ids.uuid(),
    // request-id is always ours (the operator looks it up); a client's id is echoed as client-request-id.
    requestIdHeader: false,
    // Graph paths carry OData punctuation ($ref, filterByCurrentUser(on='principal')).
    routerOptions: { maxParamLength: 500 },
    // Behind a reverse proxy, the client's address (rate limits, lockout audit) is in X-Forwarded-For.
    trustProxy: deps.trustProxy ?? false,
    // A URL the router cannot take apart (bad percent-encoding, a path segment over maxParamLength)
    // is answered before any hook runs: in the error shape of the API it was meant for, not Fastify's.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-content-type-options', 'nosniff');
      return (request.url.startsWith('/scim/') ? sendScimError : sendError)(request, reply, error);
    },
  });

  // First, so that errors, 404s and refusals by later hooks carry it too. The Date header is the
  // server's clock — the one every end time is decided by — so the portal's countdowns follow it
  // even where the viewer's device clock is off.
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('date', new Date(deps.clock.now()).toUTCString());
  });

  // Route schemas document the API (/openapi.json) and are never used to validate: zod in each
  // handler is the single validator (ADR 0004), and body, params and query reach it exactly as parsed.
  app.setValidatorCompiler(noValidation);
  app.addSchema(GRAPH_ERROR_SCHEMA);
  app.addSchema(OAUTH_ERROR_SCHEMA);

  // JSON bodies: an empty body is "no body" (POST …/cancel); bad JSON is a 400 in Graph's shape.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, text, done) => {
    const body = String(text);
    if (body.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body));
    } catch {
      done(Object.assign(new Error('The request body is not valid JSON.'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 }), undefined);
    }
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'OpenPIM API', version: '0.1.0', description: 'Privileged Identity Management shaped after Microsoft Graph.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          // The browser's session; state-changing requests also send X-CSRF-Token.
          session: { type: 'apiKey', in: 'cookie', name: '__Host-openpim-session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
      tags: TAGS.map((t) => ({ ...t })),
    },
    // Shared schemas (GraphError) keep their $id as their name under components.schemas.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });

  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  // Before every route, and answered in its own error shape (Graph, SCIM, OAuth); schemas refuse
  // line breaks too where text is one line (singleLine).
  app.addHook('preValidation', async (request, reply) => {
    try {
      refuseControlCharacters(request);
    } catch (error) {
      // A URL under /scim/ that no SCIM route matched reaches this root hook: answer in SCIM's shape there too.
      if (!request.url.startsWith('/scim/')) throw error;
      return sendScimError(request, reply, error);
    }
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new DomainError('Request_ResourceNotFound', `No resource at ${request.method} ${request.url.split('?')[0]}.`)),
  );

  // Break-glass uses this node has recorded: a busy session is audited once, not per request.
  const breakGlass = breakGlassMemo();
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0]!;
    // /scim/v2 has its own bearer tokens (SCIM tokens) and error shape: see routes/scim.routes.ts.
    // The portal's page and files are public: the page signs people in through the API.
    if (PUBLIC.has(path) || isPublicSessionRequest(request) || isScimRequest(request) || isPortalRequest(request)) return;
    await authenticate(deps, request, breakGlass);
  });

  app.get('/healthz', { schema: { hide: true } }, async (_req, reply) =>
    deps.isReady() ? { status: 'ready' } : reply.status(503).send({ status: 'starting' }),
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  mirrorPimUnderBeta(app);
  directoryRoutes(app, deps);
  roleDefinitionRoutes(app, deps);
  scheduleRequestRoutes(app, deps);
  scheduleRoutes(app, deps);
  roleAssignmentRoutes(app, deps);
  policyRoutes(app, deps);
  approvalRoutes(app, deps);
  accessRoutes(app, deps);
  scopeRoutes(app, deps);
  approvalLinkRoutes(app, deps);
  auditRoutes(app, deps);
  authRoutes(app, deps, breakGlass);
  tokenEndpoint(app, deps);
  sessionRoutes(app, deps, breakGlass);
  // The CLI's browser sign-in sends a browser without a session to the identity provider, when there is one.
  // A browser without a session signs in first: at the identity provider when there is one, else on the portal's sign-in page.
  cliAuthorizeRoutes(app, deps, breakGlass, (returnTo, page) =>
    deps.identity?.federation
      ? `${OIDC_SIGN_IN_PATH}?returnTo=${encodeURIComponent(returnTo)}`
      : page
        ? `/signin?returnTo=${encodeURIComponent(returnTo)}`
        : null,
  );
  accountRoutes(app, deps);
  servicePrincipalRoutes(app, deps);
  scimTokenRoutes(app, deps);
  await app.register(async (scim) => scimRoutes(scim, deps), { prefix: '/scim/v2' });
  webAuthnRoutes(app, deps);
  oidcRoutes(app, deps);
  // Last: a catch-all for the portal's pages, below every API route.
  portalRoutes(app, deps.portalDir);
  return app;
}
