/** /v1.0/users, /v1.0/groups (+ members/$ref), /v1.0/directory/administrativeUnits. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createAdministrativeUnit } from '../../app/directory/create-administrative-unit.ts';
import { addGroupMember, removeGroupMember } from '../../app/directory/change-group-members.ts';
import { createGroup } from '../../app/directory/create-group.ts';
import { createUser } from '../../app/directory/create-user.ts';
import { getPrincipal, listMembers, listPrincipals, listScopes } from '../../app/queries/directory.ts';
import type { Scope } from '../../domain/model.ts';
import { entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { parseListQuery } from '../odata/parse-query.ts';
import {
  createGroupBody, createUserBody, DIRECTORY_OBJECT_FIELDS, directoryObjectShape, GROUP_PROPERTIES, groupShape, memberRefBody, refId, USER_PROPERTIES, userShape,
} from '../shapes/principals.ts';
import { parseBody } from '../validation.ts';
import { listResponse } from './list-route.ts';

const byName = [{ field: 'displayName', direction: 'asc' as const }, { field: 'id', direction: 'asc' as const }];
const auShape = (s: Scope) => ({ id: s.id.split('/').pop()!, displayName: s.displayName, description: null, visibility: null });

export function directoryRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const read = deps.uow.read;

  app.get('/v1.0/users', (req) => listResponse(req, {
    entitySet: 'users', fields: DIRECTORY_OBJECT_FIELDS, defaultOrder: byName, properties: [...USER_PROPERTIES, '@odata.type'],
    fetch: (q) => listPrincipals(read, req.caller, 'user', q), shape: userShape,
  }));
  app.post('/v1.0/users', async (req, reply) => {
    const body = parseBody(createUserBody, req.body);
    const user = await createUser(deps, req.caller, { displayName: body.displayName, userPrincipalName: body.userPrincipalName, mail: body.mail ?? null, accountEnabled: body.accountEnabled });
    return reply.status(201).send(entity(req, 'users', userShape(user)));
  });
  app.get<{ Params: { id: string } }>('/v1.0/users/:id', async (req) => {
    const q = parseListQuery(req.query as Record<string, unknown>, { fields: [], defaultOrder: [] });
    return entity(req, 'users', userShape(await getPrincipal(read, req.caller, 'user', req.params.id)), q.select, USER_PROPERTIES);
  });

  app.get('/v1.0/groups', (req) => listResponse(req, {
    entitySet: 'groups', fields: DIRECTORY_OBJECT_FIELDS, defaultOrder: byName, properties: [...GROUP_PROPERTIES, '@odata.type'],
    fetch: (q) => listPrincipals(read, req.caller, 'group', q), shape: groupShape,
  }));
  app.post('/v1.0/groups', async (req, reply) => {
    const body = parseBody(createGroupBody, req.body);
    const group = await createGroup(deps, req.caller, { displayName: body.displayName, description: body.description ?? null, mailNickname: body.mailNickname ?? null, isAssignableToRole: body.isAssignableToRole });
    return reply.status(201).send(entity(req, 'groups', groupShape(group)));
  });
  app.get<{ Params: { id: string } }>('/v1.0/groups/:id', async (req) => {
    const q = parseListQuery(req.query as Record<string, unknown>, { fields: [], defaultOrder: [] });
    return entity(req, 'groups', groupShape(await getPrincipal(read, req.caller, 'group', req.params.id)), q.select, GROUP_PROPERTIES);
  });
  app.get<{ Params: { id: string } }>('/v1.0/groups/:id/members', (req) => listResponse(req, {
    entitySet: 'directoryObjects', fields: DIRECTORY_OBJECT_FIELDS, defaultOrder: byName, properties: [...new Set([...USER_PROPERTIES, ...GROUP_PROPERTIES, '@odata.type'])],
    fetch: (q) => listMembers(read, req.caller, req.params.id, q), shape: directoryObjectShape,
  }));
  app.post<{ Params: { id: string } }>('/v1.0/groups/:id/members/$ref', async (req, reply) => {
    const body = parseBody(memberRefBody, req.body);
    await addGroupMember(deps, req.caller, req.params.id, refId(body['@odata.id']));
    return reply.status(204).send();
  });
  app.delete<{ Params: { id: string; memberId: string } }>('/v1.0/groups/:id/members/:memberId/$ref', async (req, reply) => {
    await removeGroupMember(deps, req.caller, req.params.id, req.params.memberId);
    return reply.status(204).send();
  });

  app.get('/v1.0/directory/administrativeUnits', (req) => listResponse(req, {
    entitySet: 'directory/administrativeUnits', fields: ['id', 'displayName'], defaultOrder: byName, properties: ['id', 'displayName', 'description', 'visibility'],
    fetch: (q) => listScopes(read, req.caller, 'administrativeUnit', q),
    shape: auShape,
  }));
  app.post('/v1.0/directory/administrativeUnits', async (req, reply) => {
    const body = parseBody(z.strictObject({ displayName: z.string().trim().min(1).max(256), description: z.string().max(1024).nullish(), visibility: z.string().nullish() }), req.body);
    const scope = await createAdministrativeUnit(deps, req.caller, { displayName: body.displayName });
    return reply.status(201).send(entity(req, 'directory/administrativeUnits', auShape(scope)));
  });
}
