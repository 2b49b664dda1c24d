/**
 * The four read-only schedule / instance collections, each with filterByCurrentUser(on='principal'),
 * and roleAssignments. Readers list everyone's; others list their own with filterByCurrentUser and
 * get 403 on the whole collection (as in Graph, and as for requests), so a script never mistakes a
 * silently narrowed list for everyone's. roleAssignments lists a non-reader's own.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { getSchedule, listRoleAssignments, listSchedules, type ScheduleQuery } from '../../app/queries/schedules.ts';
import { DomainError } from '../../domain/errors.ts';
import { entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { doc, listQuery } from '../openapi.ts';
import { parseListQuery } from '../odata/parse-query.ts';
import {
  ASSIGNMENT_FIELDS, INSTANCE_FIELDS, INSTANCE_PROPERTIES, instanceShape, roleAssignmentShape, SCHEDULE_FIELDS, SCHEDULE_PROPERTIES, scheduleShape,
} from '../shapes/schedules.ts';
import { currentUserFunction, expandPrincipalAndRole, listResponse } from './list-route.ts';

const COLLECTIONS: readonly (Omit<ScheduleQuery, 'mine'> & { name: string; noun: string })[] = [
  { kind: 'assignment', view: 'schedules', name: 'roleAssignmentSchedules', noun: 'role assignment schedule' },
  { kind: 'eligibility', view: 'schedules', name: 'roleEligibilitySchedules', noun: 'role eligibility schedule' },
  { kind: 'assignment', view: 'instances', name: 'roleAssignmentScheduleInstances', noun: 'role assignment schedule instance' },
  { kind: 'eligibility', view: 'instances', name: 'roleEligibilityScheduleInstances', noun: 'role eligibility schedule instance' },
];
const tags = ['roleManagement'] as const;
const EXPANDABLE = ['principal', 'roleDefinition'];

export function scheduleRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const read = deps.uow.read;
  for (const c of COLLECTIONS) {
    const base = `/v1.0/roleManagement/directory/${c.name}`;
    const set = `roleManagement/directory/${c.name}`;
    const instances = c.view === 'instances';
    const shape = instances ? instanceShape : scheduleShape;
    const properties = instances ? INSTANCE_PROPERTIES : SCHEDULE_PROPERTIES;
    const fields = instances ? INSTANCE_FIELDS : SCHEDULE_FIELDS;
    const list = (mine: boolean) => (req: FastifyRequest) => listResponse(req, {
      entitySet: set, fields, properties, expandable: ['principal', 'roleDefinition'],
      defaultOrder: [{ field: 'id', direction: 'asc' }],
      fetch: (q) => listSchedules(read, req.caller, { kind: c.kind, view: c.view, mine }, q, deps.clock.now()),
      shape: shape as (s: Parameters<typeof shape>[0]) => ReturnType<typeof instanceShape>,
    }, expandPrincipalAndRole(read, req.caller));

    app.get(base, doc({
      summary: `List ${c.noun}s`, tags, query: listQuery(fields, EXPANDABLE),
      responses: { 200: `A page of ${c.noun}s (readers only; others use filterByCurrentUser(on='principal')).` },
    }), list(false));
    app.get<{ Params: { id: string } }>(`${base}/:id`, doc({
      summary: `Get a ${c.noun}, or list the caller's own`, tags, query: listQuery(fields, EXPANDABLE),
      params: { id: `The ${c.noun} id, or \`filterByCurrentUser(on='principal')\` to list the caller's own (then the list options apply).` },
      responses: {
        200: `The ${c.noun}, or a page of the caller's own.`,
        400: "`Request_BadRequest`: filterByCurrentUser supports on='principal' only.",
        404: `\`Request_ResourceNotFound\`: no ${c.noun} the caller may see has this id.`,
      },
    }), async (req) => {
      const on = currentUserFunction(req.params.id);
      if (on === 'principal') return list(true)(req);
      if (on) throw new DomainError('Request_BadRequest', `filterByCurrentUser(on='${on}') is not supported here; use on='principal'.`);
      const q = parseListQuery(req.query as Record<string, unknown>, { fields: [], defaultOrder: [], expandable: ['principal', 'roleDefinition'] });
      const shaped = shape(await getSchedule(read, req.caller, c, req.params.id, deps.clock.now()));
      const [expanded] = q.expand?.length ? await expandPrincipalAndRole(read, req.caller)([shaped], q.expand) : [shaped];
      return entity(req, set, expanded!, q.select, properties);
    });
  }

  app.get('/v1.0/roleManagement/directory/roleAssignments', doc({
    summary: 'List active role assignments', tags, query: listQuery(ASSIGNMENT_FIELDS, EXPANDABLE),
    responses: { 200: "A page of the role assignments in force now (a caller who may not read all of them gets their own)." },
  }), (req) => listResponse(req, {
    entitySet: 'roleManagement/directory/roleAssignments', fields: ASSIGNMENT_FIELDS, expandable: ['principal', 'roleDefinition'],
    properties: ['id', 'principalId', 'roleDefinitionId', 'directoryScopeId', 'appScopeId', 'condition', 'principal', 'roleDefinition'],
    defaultOrder: [{ field: 'id', direction: 'asc' }],
    fetch: (q) => listRoleAssignments(read, req.caller, q, deps.clock.now()), shape: roleAssignmentShape,
  }, expandPrincipalAndRole(read, req.caller)));
}
