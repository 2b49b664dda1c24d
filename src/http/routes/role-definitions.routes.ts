/** /v1.0/roleManagement/directory/roleDefinitions (+ `$count`, `inheritsPermissionsFrom`): built-in and custom roles. */
import type { FastifyInstance } from 'fastify';
import { getRole, listRoles } from '../../app/queries/directory.ts';
import { createRoleDefinition } from '../../app/roles/create-role-definition.ts';
import { deleteRoleDefinition } from '../../app/roles/delete-role-definition.ts';
import { updateRoleDefinition } from '../../app/roles/update-role-definition.ts';
import { DomainError } from '../../domain/errors.ts';
import type { RoleDefinition } from '../../domain/model.ts';
import { collection, entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { doc, entityQuery, listQuery } from '../openapi.ts';
import { parseListQuery } from '../odata/parse-query.ts';
import { createRoleBody, ROLE_FIELDS, ROLE_PROPERTIES, roleShape, updateRoleBody } from '../shapes/roles.ts';
import { parseBody } from '../validation.ts';
import { countRoute, listResponse } from './list-route.ts';

const BASE = '/v1.0/roleManagement/directory/roleDefinitions';
const SET = 'roleManagement/directory/roleDefinitions';
const tags = ['roleManagement'] as const;

/**
 * `inheritsPermissionsFrom`: Graph lists the roles a built-in role includes; OpenPIM's roles carry
 * all their actions themselves, so the list is always empty.
 */
const INHERITS = 'inheritsPermissionsFrom';
const PROPERTIES = [...ROLE_PROPERTIES, INHERITS];
const withInherited = (expand: readonly string[] | undefined) => (r: RoleDefinition) => ({
  ...roleShape(r),
  ...(expand?.includes(INHERITS) ? { [INHERITS]: [] } : {}),
});
const byName = [
  { field: 'displayName', direction: 'asc' as const },
  { field: 'id', direction: 'asc' as const },
];

export function roleDefinitionRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get(
    BASE,
    doc({
      summary: 'List role definitions',
      tags,
      query: listQuery(ROLE_FIELDS, [INHERITS]),
      responses: { 200: 'A page of role definitions, built-in and custom.' },
    }),
    (req) =>
      listResponse(
        req,
        {
          entitySet: SET,
          fields: ROLE_FIELDS,
          properties: PROPERTIES,
          expandable: [INHERITS],
          defaultOrder: byName,
          fetch: (q) => listRoles(deps.uow.read, req.caller, q),
          shape: roleShape,
        },
        async (items, names) => items.map(() => (names.includes(INHERITS) ? { [INHERITS]: [] } : {})),
      ),
  );
  countRoute(app, {
    url: `${BASE}/$count`,
    noun: 'role definition',
    tags,
    fields: ROLE_FIELDS,
    defaultOrder: byName,
    fetch: (req, q) => listRoles(deps.uow.read, req.caller, q),
  });
  app.get<{ Params: { id: string } }>(
    `${BASE}/:id`,
    doc({
      summary: 'Get a role definition',
      tags,
      params: { id: 'The role definition id (for built-in roles, the template id).' },
      query: entityQuery([INHERITS]),
      responses: { 200: 'The role definition.', 404: '`Request_ResourceNotFound`: no role definition has this id.' },
    }),
    async (req) => {
      const q = parseListQuery(req.query as Record<string, unknown>, { fields: [], defaultOrder: [], expandable: [INHERITS] });
      return entity(req, SET, withInherited(q.expand)(await getRole(deps.uow.read, req.caller, req.params.id)), q.select, PROPERTIES);
    },
  );
  app.get<{ Params: { id: string } }>(
    `${BASE}/:id/${INHERITS}`,
    doc({
      summary: 'List the role definitions a role inherits from',
      tags,
      params: { id: 'The role definition id.' },
      responses: { 200: 'Always empty: OpenPIM roles carry all their actions themselves.', 404: '`Request_ResourceNotFound`: no role definition has this id.' },
    }),
    async (req) => {
      const role = await getRole(deps.uow.read, req.caller, req.params.id);
      const query = parseListQuery(req.query as Record<string, unknown>, { fields: ROLE_FIELDS, defaultOrder: byName });
      return collection(req, `${SET}('${role.id}')/${INHERITS}`, { items: [], hasMore: false, count: query.count ? 0 : undefined }, query, PROPERTIES);
    },
  );
  app.post(
    BASE,
    doc({
      summary: 'Create a custom role definition',
      tags,
      body: createRoleBody,
      responses: {
        201: 'The created role definition.',
        400: '`Request_BadRequest`: an unknown or excluded resource action.',
        409: '`ObjectConflict`: a role definition with this display name already exists.',
      },
    }),
    async (req, reply) => {
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
    },
  );
  app.patch<{ Params: { id: string } }>(
    `${BASE}/:id`,
    doc({
      summary: 'Update a custom role definition',
      tags,
      params: { id: 'The role definition id.' },
      body: updateRoleBody,
      notes:
        'Changes `displayName`, `description`, `isEnabled` and `rolePermissions` (replaced whole) of a custom role; properties left out keep ' +
        'their values. Takes effect at once for every holder of the role. Audited ("Update role definition", with the old and new values).',
      responses: {
        204: 'Updated.',
        400: '`Request_BadRequest`: a built-in role (built-in roles cannot be changed), a resource action that is not valid, or a body naming another `id`.',
        404: '`Request_ResourceNotFound`: no role definition has this id.',
        409: '`ObjectConflict`: another role definition has this display name.',
      },
    }),
    async (req, reply) => {
      const body = parseBody(updateRoleBody, req.body);
      if (body.id !== undefined && body.id !== req.params.id)
        throw new DomainError('Request_BadRequest', `The body names role definition '${body.id}' but the URL names '${req.params.id}'.`);
      const permissions = body.rolePermissions?.[0];
      await updateRoleDefinition(deps, req.caller, req.params.id, {
        ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.isEnabled !== undefined ? { isEnabled: body.isEnabled } : {}),
        ...(permissions ? { permissions: { allowedActions: permissions.allowedResourceActions, excludedActions: permissions.excludedResourceActions } } : {}),
      });
      return reply.status(204).send();
    },
  );
  app.delete<{ Params: { id: string } }>(
    `${BASE}/:id`,
    doc({
      summary: 'Delete a custom role definition',
      tags,
      params: { id: 'The role definition id.' },
      notes:
        'Deletes a custom role with its policies at every scope and its ended schedules (the audit log keeps what happened). ' +
        'Refused while anyone is eligible for or assigned the role, at any scope, or a request for it is pending. Audited ("Delete role definition").',
      responses: {
        204: 'Deleted.',
        400: '`Request_BadRequest`: a built-in role (built-in roles cannot be deleted).',
        404: '`Request_ResourceNotFound`: no role definition has this id.',
        409: '`RoleDefinitionHasAssignments`: the role has eligible or active assignments, or pending requests.',
      },
    }),
    async (req, reply) => {
      await deleteRoleDefinition(deps, req.caller, req.params.id);
      return reply.status(204).send();
    },
  );
}
