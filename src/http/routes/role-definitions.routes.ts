/** /v1.0/roleManagement/directory/roleDefinitions */
import type { FastifyInstance } from 'fastify';
import { getRole, listRoles } from '../../app/queries/directory.ts';
import { createRoleDefinition } from '../../app/roles/create-role-definition.ts';
import { entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { doc, entityQuery, listQuery } from '../openapi.ts';
import { parseListQuery } from '../odata/parse-query.ts';
import { createRoleBody, ROLE_FIELDS, ROLE_PROPERTIES, roleShape } from '../shapes/roles.ts';
import { parseBody } from '../validation.ts';
import { listResponse } from './list-route.ts';

const BASE = '/v1.0/roleManagement/directory/roleDefinitions';
const SET = 'roleManagement/directory/roleDefinitions';
const tags = ['roleManagement'] as const;

export function roleDefinitionRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get(BASE, doc({ summary: 'List role definitions', tags, query: listQuery(ROLE_FIELDS), responses: { 200: 'A page of role definitions, built-in and custom.' } }), (req) => listResponse(req, {
    entitySet: SET, fields: ROLE_FIELDS, properties: ROLE_PROPERTIES,
    defaultOrder: [{ field: 'displayName', direction: 'asc' }, { field: 'id', direction: 'asc' }],
    fetch: (q) => listRoles(deps.uow.read, req.caller, q), shape: roleShape,
  }));
  app.get<{ Params: { id: string } }>(`${BASE}/:id`, doc({
    summary: 'Get a role definition', tags, params: { id: 'The role definition id (for built-in roles, the template id).' }, query: entityQuery(),
    responses: { 200: 'The role definition.', 404: '`Request_ResourceNotFound`: no role definition has this id.' },
  }), async (req) => {
    const q = parseListQuery(req.query as Record<string, unknown>, { fields: [], defaultOrder: [] });
    return entity(req, SET, roleShape(await getRole(deps.uow.read, req.caller, req.params.id)), q.select, ROLE_PROPERTIES);
  });
  app.post(BASE, doc({
    summary: 'Create a custom role definition', tags, body: createRoleBody,
    responses: {
      201: 'The created role definition.',
      400: '`Request_BadRequest`: an unknown or excluded resource action.',
      409: '`ObjectConflict`: a role definition with this display name already exists.',
    },
  }), async (req, reply) => {
    const body = parseBody(createRoleBody, req.body);
    const permissions = body.rolePermissions[0]!;
    const role = await createRoleDefinition(deps, req.caller, {
      displayName: body.displayName,
      description: body.description,
      isEnabled: body.isEnabled,
      allowedActions: permissions.allowedResourceActions,
      excludedActions: permissions.excludedResourceActions,
    });
    return reply.status(201).send(entity(req, SET, roleShape(role)));
  });
}
