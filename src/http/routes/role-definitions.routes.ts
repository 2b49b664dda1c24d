/** /v1.0/roleManagement/directory/roleDefinitions */
import type { FastifyInstance } from 'fastify';
import { getRole, listRoles } from '../../app/queries/directory.ts';
import { createRoleDefinition } from '../../app/roles/create-role-definition.ts';
import { entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { parseListQuery } from '../odata/parse-query.ts';
import { createRoleBody, ROLE_FIELDS, ROLE_PROPERTIES, roleShape } from '../shapes/roles.ts';
import { parseBody } from '../validation.ts';
import { listResponse } from './list-route.ts';

const BASE = '/v1.0/roleManagement/directory/roleDefinitions';
const SET = 'roleManagement/directory/roleDefinitions';

export function roleDefinitionRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get(BASE, (req) => listResponse(req, {
    entitySet: SET, fields: ROLE_FIELDS, properties: ROLE_PROPERTIES,
    defaultOrder: [{ field: 'displayName', direction: 'asc' }, { field: 'id', direction: 'asc' }],
    fetch: (q) => listRoles(deps.uow.read, req.caller, q), shape: roleShape,
  }));
  app.get<{ Params: { id: string } }>(`${BASE}/:id`, async (req) => {
    const q = parseListQuery(req.query as Record<string, unknown>, { fields: [], defaultOrder: [] });
    return entity(req, SET, roleShape(await getRole(deps.uow.read, req.caller, req.params.id)), q.select, ROLE_PROPERTIES);
  });
  app.post(BASE, async (req, reply) => {
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
