/** /openpim/scopes: the registered resource scopes (a tree; docs/guide.md, "The model"). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { getScope, listScopes } from '../../app/queries/directory.ts';
import { registerScope } from '../../app/scopes/register-scope.ts';
import type { Scope } from '../../domain/model.ts';
import { entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { doc, documentedAs, listQuery } from '../openapi.ts';
import { parseBody, singleLine } from '../validation.ts';
import { listResponse } from './list-route.ts';

const BASE = '/openpim/scopes';
const SET = 'scopes';
const tags = ['scopes'] as const;
const FIELDS = ['id', 'displayName', 'parentId'];
const PROPERTIES = ['id', 'displayName', 'parentId', 'type'];

const registerBody = z.strictObject({
  id: z.string().min(2).max(400).regex(/^\//, "must be a path starting with '/'").check(singleLine),
  displayName: z.string().min(1).max(256).check(singleLine).nullish(),
  parentId: z.string().min(1).max(400).regex(/^\//, "must be a path starting with '/'").check(singleLine).nullish(),
});

const scopeShape = (s: Scope) => ({ id: s.id, displayName: s.displayName, parentId: s.parentId, type: s.type });

export function scopeRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get(
    BASE,
    doc({
      summary: 'List registered resource scopes',
      tags,
      query: listQuery(FIELDS),
      responses: { 200: 'A page of resource scopes with their parents.' },
    }),
    (req) =>
      listResponse(req, {
        entitySet: SET,
        fields: FIELDS,
        properties: PROPERTIES,
        defaultOrder: [{ field: 'id', direction: 'asc' }],
        fetch: (q) => listScopes(deps.uow.read, req.caller, 'resource', q),
        shape: scopeShape,
      }),
  );
  app.post(
    BASE,
    doc({
      summary: 'Register a resource scope',
      tags,
      body: registerBody,
      notes:
        '`id` is the path (`/subscriptions/s1/resourceGroups/rg1`, `/databases/pg-prod`); its parent is the path minus its last `type/name` pair unless `parentId` names another registered scope (e.g. a management group above a subscription).',
      responses: {
        201: 'The registered scope.',
        400: '`Request_BadRequest`: not a path of type/name pairs, a reserved first segment, an unknown parent, or a parent below the scope.',
        403: '`Authorization_RequestDenied`: registering scopes takes Global or Privileged Role Administrator.',
        409: '`ObjectConflict`: the scope is already registered.',
      },
    }),
    async (req, reply) => {
      const body = parseBody(registerBody, req.body);
      const scope = await registerScope(deps, req.caller, body);
      return reply.status(201).send(entity(req, SET, scopeShape(scope)));
    },
  );
  app.get<{ Params: { '*': string } }>(
    `${BASE}/*`,
    documentedAs(
      doc({
        summary: 'Get a registered resource scope',
        tags,
        params: { path: 'The scope path without its leading slash (`subscriptions/s1`), or URL-encoded (`%2Fsubscriptions%2Fs1`).' },
        responses: { 200: 'The scope.', 404: '`Request_ResourceNotFound`: no resource scope is registered at this path.' },
      }),
      `${BASE}/{path}`,
    ),
    async (req) => {
      // Fastify has decoded the wildcard once already (so an encoded path arrives as its plain form).
      const path = `/${req.params['*'].replace(/^\//, '')}`;
      return entity(req, SET, scopeShape(await getScope(deps.uow.read, req.caller, path)));
    },
  );
}
