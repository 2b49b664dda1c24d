/**
 * The four read-only schedule / instance collections of directory roles and the four of PIM for
 * Groups, each with filterByCurrentUser(on='principal'), and roleAssignments; and OpenPIM's four
 * collections of expired schedules (under /openpim/, the same shape with status Expired): what
 * ran out in the last 30 days and may be renewed. Readers list everyone's; others list their own with filterByCurrentUser and
 * get 403 on the whole collection (as in Graph, and as for requests), so a script never mistakes a
 * silently narrowed list for everyone's. roleAssignments lists a non-reader's own.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { getSchedule, listRoleAssignments, listSchedules, type ScheduleQuery } from '../../app/queries/schedules.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Schedule } from '../../domain/model.ts';
import { entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { doc, listQuery } from '../openapi.ts';
import { parseListQuery, type ParsedListQuery } from '../odata/parse-query.ts';
import {
  GROUP_INSTANCE_FIELDS, GROUP_INSTANCE_PROPERTIES, GROUP_SCHEDULE_FIELDS, GROUP_SCHEDULE_PROPERTIES, groupInstanceShape, groupListQuery, groupScheduleShape,
} from '../shapes/group-access.ts';
import {
  ASSIGNMENT_FIELDS, INSTANCE_FIELDS, INSTANCE_PROPERTIES, instanceShape, roleAssignmentShape, SCHEDULE_FIELDS, SCHEDULE_PROPERTIES, scheduleShape,
} from '../shapes/schedules.ts';
import { currentUserFunction, expandPrincipalAndRole, listResponse } from './list-route.ts';

const ROLES = 'roleManagement/directory';
const GROUPS = 'identityGovernance/privilegedAccess/group';
const COLLECTIONS: readonly (Omit<ScheduleQuery, 'mine'> & { set: string; noun: string })[] = [
  { provider: 'directory', kind: 'assignment', view: 'schedules', set: `${ROLES}/roleAssignmentSchedules`, noun: 'role assignment schedule' },
  { provider: 'directory', kind: 'eligibility', view: 'schedules', set: `${ROLES}/roleEligibilitySchedules`, noun: 'role eligibility schedule' },
  { provider: 'directory', kind: 'assignment', view: 'instances', set: `${ROLES}/roleAssignmentScheduleInstances`, noun: 'role assignment schedule instance' },
  { provider: 'directory', kind: 'eligibility', view: 'instances', set: `${ROLES}/roleEligibilityScheduleInstances`, noun: 'role eligibility schedule instance' },
  { provider: 'group', kind: 'assignment', view: 'schedules', set: `${GROUPS}/assignmentSchedules`, noun: 'group assignment schedule' },
  { provider: 'group', kind: 'eligibility', view: 'schedules', set: `${GROUPS}/eligibilitySchedules`, noun: 'group eligibility schedule' },
  { provider: 'group', kind: 'assignment', view: 'instances', set: `${GROUPS}/assignmentScheduleInstances`, noun: 'group assignment schedule instance' },
  { provider: 'group', kind: 'eligibility', view: 'instances', set: `${GROUPS}/eligibilityScheduleInstances`, noun: 'group eligibility schedule instance' },
  // OpenPIM extensions: what ran out in the last 30 days and may be renewed (selfRenew, adminRenew).
  { provider: 'directory', kind: 'assignment', view: 'expired', set: `${ROLES}/expiredRoleAssignmentSchedules`, noun: 'expired role assignment schedule' },
  { provider: 'directory', kind: 'eligibility', view: 'expired', set: `${ROLES}/expiredRoleEligibilitySchedules`, noun: 'expired role eligibility schedule' },
  { provider: 'group', kind: 'assignment', view: 'expired', set: `${GROUPS}/expiredAssignmentSchedules`, noun: 'expired group assignment schedule' },
  { provider: 'group', kind: 'eligibility', view: 'expired', set: `${GROUPS}/expiredEligibilitySchedules`, noun: 'expired group eligibility schedule' },
];
const EXPANDABLE = ['principal', 'roleDefinition'];

type Shaped = ReturnType<typeof instanceShape>;

/** Fields, properties and shape of one collection. */
function flavour(c: Omit<ScheduleQuery, 'mine'>) {
  const instances = c.view === 'instances';
  // An expired schedule is shaped as a schedule whose status says so.
  const status = <T extends object>(shape: (s: Schedule) => T) => (c.view === 'expired' ? (s: Schedule) => ({ ...shape(s), status: 'Expired' }) : shape);
  if (c.provider === 'group') {
    return {
      tags: ['groups'] as const, expandable: [] as string[], storeQuery: groupListQuery,
      shape: (instances ? groupInstanceShape : status(groupScheduleShape)) as unknown as (s: Schedule) => Shaped,
      properties: instances ? GROUP_INSTANCE_PROPERTIES : GROUP_SCHEDULE_PROPERTIES,
      fields: instances ? GROUP_INSTANCE_FIELDS : GROUP_SCHEDULE_FIELDS,
    };
  }
  return {
    tags: ['roleManagement'] as const, expandable: EXPANDABLE, storeQuery: (q: ParsedListQuery) => q,
    shape: (instances ? instanceShape : status(scheduleShape)) as unknown as (s: Schedule) => Shaped,
    properties: instances ? INSTANCE_PROPERTIES : SCHEDULE_PROPERTIES,
    fields: instances ? INSTANCE_FIELDS : SCHEDULE_FIELDS,
  };
}

export function scheduleRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const read = deps.uow.read;
  for (const c of COLLECTIONS) {
    const set = c.set;
    const base = `/${c.view === 'expired' ? 'openpim' : 'v1.0'}/${set}`;
    const { tags, expandable, storeQuery, shape, properties, fields } = flavour(c);
    const expander = (req: FastifyRequest) => (expandable.length > 0 ? expandPrincipalAndRole(read, req.caller) : undefined);
    const list = (mine: boolean) => (req: FastifyRequest) => listResponse(req, {
      entitySet: set, fields, properties, expandable,
      defaultOrder: [{ field: 'id', direction: 'asc' }],
      fetch: (q) => listSchedules(read, req.caller, { provider: c.provider, kind: c.kind, view: c.view, mine }, storeQuery(q), deps.clock.now()),
      shape,
    }, expander(req));

    app.get(base, doc({
      summary: `List ${c.noun}s`, tags, query: listQuery(fields, expandable),
      responses: { 200: `A page of ${c.noun}s (readers only; others use filterByCurrentUser(on='principal')).` },
    }), list(false));
    app.get<{ Params: { id: string } }>(`${base}/:id`, doc({
      summary: `Get a ${c.noun}, or list the caller's own`, tags, query: listQuery(fields, expandable),
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
      const q = parseListQuery(req.query as Record<string, unknown>, { fields: [], defaultOrder: [], expandable });
      const shaped = shape(await getSchedule(read, req.caller, c, req.params.id, deps.clock.now()));
      const expand = expander(req);
      const [expanded] = q.expand?.length && expand ? await expand([shaped], q.expand) : [shaped];
      return entity(req, set, expanded!, q.select, properties);
    });
  }

  app.get('/v1.0/roleManagement/directory/roleAssignments', doc({
    summary: 'List active role assignments', tags: ['roleManagement'], query: listQuery(ASSIGNMENT_FIELDS, EXPANDABLE),
    responses: { 200: "A page of the role assignments in force now (a caller who may not read all of them gets their own)." },
  }), (req) => listResponse(req, {
    entitySet: 'roleManagement/directory/roleAssignments', fields: ASSIGNMENT_FIELDS, expandable: ['principal', 'roleDefinition'],
    properties: ['id', 'principalId', 'roleDefinitionId', 'directoryScopeId', 'appScopeId', 'condition', 'principal', 'roleDefinition'],
    defaultOrder: [{ field: 'id', direction: 'asc' }],
    fetch: (q) => listRoleAssignments(read, req.caller, q, deps.clock.now()), shape: roleAssignmentShape,
  }, expandPrincipalAndRole(read, req.caller)));
}
