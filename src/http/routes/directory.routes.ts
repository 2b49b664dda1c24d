/** /v1.0/users, /v1.0/groups (+ members/$ref), /v1.0/directory/administrativeUnits. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createAdministrativeUnit } from '../../app/directory/create-administrative-unit.ts';
import { addGroupMember, removeGroupMember } from '../../app/directory/change-group-members.ts';
import { createGroup } from '../../app/directory/create-group.ts';
import { createUser } from '../../app/directory/create-user.ts';
import { setManager } from '../../app/directory/set-manager.ts';
import { DomainError } from '../../domain/errors.ts';
import { getPrincipal, listMemberOf, listMembers, listPrincipals, listScopes } from '../../app/queries/directory.ts';
import type { Scope } from '../../domain/model.ts';
import { entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { doc, entityQuery, listQuery } from '../openapi.ts';
import { parseListQuery } from '../odata/parse-query.ts';
import {
  createGroupBody,
  createUserBody,
  DIRECTORY_OBJECT_FIELDS,
  directoryObjectShape,
  GROUP_PROPERTIES,
  groupShape,
  memberRefBody,
  refId,
  USER_PROPERTIES,
  userShape,
} from '../shapes/principals.ts';
import { parseBody, singleLine } from '../validation.ts';
import { listResponse } from './list-route.ts';

const byName = [
  { field: 'displayName', direction: 'asc' as const },
  { field: 'id', direction: 'asc' as const },
];
const auShape = (s: Scope) => ({ id: s.id.split('/').pop()!, displayName: s.displayName, description: null, visibility: null });
const createAdministrativeUnitBody = z.strictObject({
  displayName: z.string().trim().min(1).max(256).check(singleLine),
  description: z.string().max(1024).nullish(),
  visibility: z.string().max(64).check(singleLine).nullish(),
});
const tags = ['directory'] as const;

export function directoryRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const read = deps.uow.read;

  app.get('/v1.0/users', doc({ summary: 'List users', tags, query: listQuery(DIRECTORY_OBJECT_FIELDS), responses: { 200: 'A page of users.' } }), (req) =>
    listResponse(req, {
      entitySet: 'users',
      fields: DIRECTORY_OBJECT_FIELDS,
      defaultOrder: byName,
      properties: [...USER_PROPERTIES, '@odata.type'],
      fetch: (q) => listPrincipals(read, req.caller, 'user', q),
      shape: userShape,
    }),
  );
  app.post(
    '/v1.0/users',
    doc({
      summary: 'Create a user',
      tags,
      body: createUserBody,
      responses: { 201: 'The created user.', 409: '`ObjectConflict`: the userPrincipalName is taken.' },
    }),
    async (req, reply) => {
      const body = parseBody(createUserBody, req.body);
      const user = await createUser({ ...deps, ...(deps.identity ? { passwords: deps.identity.passwords } : {}) }, req.caller, {
        displayName: body.displayName,
        userPrincipalName: body.userPrincipalName,
        mail: body.mail ?? null,
        accountEnabled: body.accountEnabled,
        password: body.passwordProfile?.password ?? null,
      });
      return reply.status(201).send(entity(req, 'users', userShape(user)));
    },
  );
  app.get<{ Params: { id: string } }>(
    '/v1.0/users/:id',
    doc({
      summary: 'Get a user',
      tags,
      params: { id: 'The user id.' },
      query: entityQuery(),
      responses: { 200: 'The user.', 404: '`Request_ResourceNotFound`: no user has this id.' },
    }),
    async (req) => {
      const q = parseListQuery(req.query as Record<string, unknown>, { fields: [], defaultOrder: [] });
      return entity(req, 'users', userShape(await getPrincipal(read, req.caller, 'user', req.params.id)), q.select, USER_PROPERTIES);
    },
  );
  app.get(
    '/v1.0/me',
    doc({
      summary: 'Get the signed-in user',
      tags,
      query: entityQuery(),
      notes:
        'The user the bearer token names, in the shape of `GET /v1.0/users/{id}`. As in Graph, only for users: a service principal reads itself at `/v1.0/servicePrincipals/{id}`.',
      responses: { 200: 'The signed-in user.', 400: '`Request_BadRequest`: the token names a service principal, not a user.' },
    }),
    async (req) => {
      if (req.caller.principal.type !== 'user') {
        throw new DomainError(
          'Request_BadRequest',
          '/me is only valid for a signed-in user; a service principal reads itself at /v1.0/servicePrincipals/{id}.',
        );
      }
      const q = parseListQuery(req.query as Record<string, unknown>, { fields: [], defaultOrder: [] });
      return entity(req, 'users', userShape(await getPrincipal(read, req.caller, 'user', req.caller.principal.id)), q.select, USER_PROPERTIES);
    },
  );
  app.get<{ Params: { id: string } }>(
    '/v1.0/users/:id/manager',
    doc({
      summary: "Get a user's manager",
      tags,
      params: { id: 'The user id.' },
      responses: { 200: 'The manager.', 404: '`Request_ResourceNotFound`: no such user, or the user has no manager.' },
    }),
    async (req) => {
      const user = await getPrincipal(read, req.caller, 'user', req.params.id);
      if (!user.managerId) throw new DomainError('Request_ResourceNotFound', `User '${req.params.id}' has no manager.`);
      return entity(req, 'directoryObjects', directoryObjectShape(await getPrincipal(read, req.caller, 'user', user.managerId)));
    },
  );
  app.put<{ Params: { id: string } }>(
    '/v1.0/users/:id/manager/$ref',
    doc({
      summary: "Set a user's manager",
      tags,
      body: memberRefBody,
      params: { id: 'The user id.' },
      notes: 'Managers approve requests whose policy names the requestor manager as approver.',
      responses: {
        204: 'Set.',
        400: '`Request_BadRequest`: the manager is not a user, or is the user.',
        403: '`Authorization_RequestDenied`: not a user administrator.',
        404: '`Request_ResourceNotFound`: no such user.',
      },
    }),
    async (req, reply) => {
      const body = parseBody(memberRefBody, req.body);
      await setManager(deps, req.caller, req.params.id, refId(body['@odata.id']));
      return reply.status(204).send();
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/v1.0/users/:id/manager/$ref',
    doc({
      summary: "Remove a user's manager",
      tags,
      params: { id: 'The user id.' },
      responses: {
        204: 'Removed.',
        403: '`Authorization_RequestDenied`: not a user administrator.',
        404: '`Request_ResourceNotFound`: no such user, or no manager.',
      },
    }),
    async (req, reply) => {
      await setManager(deps, req.caller, req.params.id, null);
      return reply.status(204).send();
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1.0/users/:id/memberOf',
    doc({
      summary: 'List the groups a user is a direct member of',
      tags,
      params: { id: 'The user id or user principal name.' },
      query: listQuery(DIRECTORY_OBJECT_FIELDS),
      notes:
        "As Graph's memberOf: the groups that list the user among their direct members (`/v1.0/groups/{id}/members`), not those it is in only " +
        'through a nested group or an active PIM for Groups membership. OpenPIM lists no directory roles or administrative units here: ' +
        'role assignments are in `roleManagement`, PIM for Groups in `identityGovernance/privilegedAccess/group`.',
      responses: { 200: 'A page of groups.', 404: '`Request_ResourceNotFound`: no user has this id or user principal name.' },
    }),
    (req) =>
      listResponse(req, {
        entitySet: 'directoryObjects',
        fields: DIRECTORY_OBJECT_FIELDS,
        defaultOrder: byName,
        properties: [...GROUP_PROPERTIES, '@odata.type'],
        fetch: (q) => listMemberOf(read, req.caller, req.params.id, q),
        shape: groupShape,
      }),
  );

  app.get('/v1.0/groups', doc({ summary: 'List groups', tags, query: listQuery(DIRECTORY_OBJECT_FIELDS), responses: { 200: 'A page of groups.' } }), (req) =>
    listResponse(req, {
      entitySet: 'groups',
      fields: DIRECTORY_OBJECT_FIELDS,
      defaultOrder: byName,
      properties: [...GROUP_PROPERTIES, '@odata.type'],
      fetch: (q) => listPrincipals(read, req.caller, 'group', q),
      shape: groupShape,
    }),
  );
  app.post(
    '/v1.0/groups',
    doc({
      summary: 'Create a security group',
      tags,
      body: createGroupBody,
      responses: { 201: 'The created group.', 409: '`ObjectConflict`: an object with this id already exists.' },
    }),
    async (req, reply) => {
      const body = parseBody(createGroupBody, req.body);
      const group = await createGroup(deps, req.caller, {
        displayName: body.displayName,
        description: body.description ?? null,
        mailNickname: body.mailNickname ?? null,
        isAssignableToRole: body.isAssignableToRole,
      });
      return reply.status(201).send(entity(req, 'groups', groupShape(group)));
    },
  );
  app.get<{ Params: { id: string } }>(
    '/v1.0/groups/:id',
    doc({
      summary: 'Get a group',
      tags,
      params: { id: 'The group id.' },
      query: entityQuery(),
      responses: { 200: 'The group.', 404: '`Request_ResourceNotFound`: no group has this id.' },
    }),
    async (req) => {
      const q = parseListQuery(req.query as Record<string, unknown>, { fields: [], defaultOrder: [] });
      return entity(req, 'groups', groupShape(await getPrincipal(read, req.caller, 'group', req.params.id)), q.select, GROUP_PROPERTIES);
    },
  );
  app.get<{ Params: { id: string } }>(
    '/v1.0/groups/:id/members',
    doc({
      summary: "List a group's direct members",
      tags,
      params: { id: 'The group id.' },
      query: listQuery(DIRECTORY_OBJECT_FIELDS),
      responses: { 200: 'A page of directory objects (users, groups, service principals).', 404: '`Request_ResourceNotFound`: no group has this id.' },
    }),
    (req) =>
      listResponse(req, {
        entitySet: 'directoryObjects',
        fields: DIRECTORY_OBJECT_FIELDS,
        defaultOrder: byName,
        properties: [...new Set([...USER_PROPERTIES, ...GROUP_PROPERTIES, '@odata.type'])],
        fetch: (q) => listMembers(read, req.caller, req.params.id, q),
        shape: directoryObjectShape,
      }),
  );
  app.post<{ Params: { id: string } }>(
    '/v1.0/groups/:id/members/$ref',
    doc({
      summary: 'Add a member to a group',
      tags,
      params: { id: 'The group id.' },
      body: memberRefBody,
      notes: 'The body names the new member as `{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}`.',
      responses: {
        204: 'Added.',
        400: '`Request_BadRequest`: no directory object has the referenced id, or the membership would make a cycle of nested groups.',
        404: '`Request_ResourceNotFound`: no group has this id.',
        409: '`ObjectConflict`: already a member.',
      },
    }),
    async (req, reply) => {
      const body = parseBody(memberRefBody, req.body);
      await addGroupMember(deps, req.caller, req.params.id, refId(body['@odata.id']));
      return reply.status(204).send();
    },
  );
  app.delete<{ Params: { id: string; memberId: string } }>(
    '/v1.0/groups/:id/members/:memberId/$ref',
    doc({
      summary: 'Remove a member from a group',
      tags,
      params: { id: 'The group id.', memberId: 'The member id.' },
      responses: { 204: 'Removed.', 404: '`Request_ResourceNotFound`: no group has this id, or the object is not a direct member.' },
    }),
    async (req, reply) => {
      await removeGroupMember(deps, req.caller, req.params.id, req.params.memberId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/v1.0/directory/administrativeUnits',
    doc({
      summary: 'List administrative units',
      tags,
      query: listQuery(['id', 'displayName']),
      responses: { 200: 'A page of administrative units.' },
    }),
    (req) =>
      listResponse(req, {
        entitySet: 'directory/administrativeUnits',
        fields: ['id', 'displayName'],
        defaultOrder: byName,
        properties: ['id', 'displayName', 'description', 'visibility'],
        fetch: (q) => listScopes(read, req.caller, 'administrativeUnit', q),
        shape: auShape,
      }),
  );
  app.post(
    '/v1.0/directory/administrativeUnits',
    doc({
      summary: 'Create an administrative unit',
      tags,
      body: createAdministrativeUnitBody,
      responses: { 201: 'The created administrative unit (a scope for role assignments).', 409: '`ObjectConflict`: it already exists.' },
    }),
    async (req, reply) => {
      const body = parseBody(createAdministrativeUnitBody, req.body);
      const scope = await createAdministrativeUnit(deps, req.caller, { displayName: body.displayName });
      return reply.status(201).send(entity(req, 'directory/administrativeUnits', auShape(scope)));
    },
  );
}
