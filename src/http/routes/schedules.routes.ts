/**
 * The four read-only schedule / instance collections of directory roles and the four of PIM for
 * Groups, each with filterByCurrentUser(on='principal'), `$count` and the navigations of its items
 * (navigation.ts); and OpenPIM's four
 * collections of expired schedules (under /openpim/, the same shape with status Expired): what
 * ran out in the last 30 days and may be renewed. Readers list everyone's; others list their own with filterByCurrentUser and
 * get 403 on the whole collection (as in Graph, and as for requests), so a script never mistakes a
 * silently narrowed list for everyone's.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { getSchedule, listSchedules, type ScheduleQuery } from '../../app/queries/schedules.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Schedule } from '../../domain/model.ts';
import type { HttpDeps } from '../context.ts';
import { doc, listQuery } from '../openapi.ts';
import type { ParsedListQuery } from '../odata/parse-query.ts';
import {
  GROUP_INSTANCE_FIELDS,
  GROUP_INSTANCE_PROPERTIES,
  GROUP_SCHEDULE_FIELDS,
  GROUP_SCHEDULE_PROPERTIES,
  groupInstanceShape,
  groupListQuery,
  groupScheduleShape,
} from '../shapes/group-access.ts';
import { INSTANCE_FIELDS, INSTANCE_PROPERTIES, instanceShape, SCHEDULE_FIELDS, SCHEDULE_PROPERTIES, scheduleShape } from '../shapes/schedules.ts';
import { countRoute, currentUserFunction, entityResponse, listResponse } from './list-route.ts';
import { expander, navigationRoutes, navigationsOf } from './navigation.ts';

const ROLES = 'roleManagement/directory';
const GROUPS = 'identityGovernance/privilegedAccess/group';
const COLLECTIONS: readonly (Omit<ScheduleQuery, 'mine'> & { set: string; noun: string })[] = [
  { provider: 'directory', kind: 'assignment', view: 'schedules', set: `${ROLES}/roleAssignmentSchedules`, noun: 'role assignment schedule' },
  { provider: 'directory', kind: 'eligibility', view: 'schedules', set: `${ROLES}/roleEligibilitySchedules`, noun: 'role eligibility schedule' },
  { provider: 'directory', kind: 'assignment', view: 'instances', set: `${ROLES}/roleAssignmentScheduleInstances`, noun: 'role assignment schedule instance' },
  {
    provider: 'directory',
    kind: 'eligibility',
    view: 'instances',
    set: `${ROLES}/roleEligibilityScheduleInstances`,
    noun: 'role eligibility schedule instance',
  },
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
type Shaped = ReturnType<typeof instanceShape>;

/** Fields, properties and shape of one collection. */
function flavour(c: Omit<ScheduleQuery, 'mine'>) {
  const instances = c.view === 'instances';
  const expandable = navigationsOf(c.provider, c.kind, c.view);
  // An expired schedule is shaped as a schedule whose status says so.
  const status = <T extends object>(shape: (s: Schedule) => T) => (c.view === 'expired' ? (s: Schedule) => ({ ...shape(s), status: 'Expired' }) : shape);
  if (c.provider === 'group') {
    return {
      tags: ['groups'] as const,
      expandable,
      storeQuery: groupListQuery,
      shape: (instances ? groupInstanceShape : status(groupScheduleShape)) as unknown as (s: Schedule) => Shaped,
      properties: [...(instances ? GROUP_INSTANCE_PROPERTIES : GROUP_SCHEDULE_PROPERTIES), ...expandable],
      fields: instances ? GROUP_INSTANCE_FIELDS : GROUP_SCHEDULE_FIELDS,
    };
  }
  return {
    tags: ['roleManagement'] as const,
    expandable,
    storeQuery: (q: ParsedListQuery) => q,
    shape: (instances ? instanceShape : status(scheduleShape)) as unknown as (s: Schedule) => Shaped,
    properties: [...(instances ? INSTANCE_PROPERTIES : SCHEDULE_PROPERTIES), ...expandable],
    fields: instances ? INSTANCE_FIELDS : SCHEDULE_FIELDS,
  };
}

export function scheduleRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const read = deps.uow.read;
  for (const c of COLLECTIONS) {
    const set = c.set;
    const base = `/${c.view === 'expired' ? 'openpim' : 'v1.0'}/${set}`;
    const { tags, expandable, storeQuery, shape, properties, fields } = flavour(c);
    const expand = (req: FastifyRequest) => expander(read, req.caller, c.provider, c.view);
    const fetch = (req: FastifyRequest, mine: boolean) => (q: ParsedListQuery) =>
      listSchedules(read, req.caller, { provider: c.provider, kind: c.kind, view: c.view, mine }, storeQuery(q), deps.clock.now());
    const defaultOrder = [{ field: 'id', direction: 'asc' as const }];
    const list = (mine: boolean) => (req: FastifyRequest) =>
      listResponse(
        req,
        {
          entitySet: set,
          fields,
          properties,
          expandable,
          defaultOrder,
          fetch: fetch(req, mine),
          shape,
        },
        expand(req),
      );
    const get = (req: FastifyRequest<{ Params: { id: string } }>) => getSchedule(read, req.caller, c, req.params.id, deps.clock.now());

    app.get(
      base,
      doc({
        summary: `List ${c.noun}s`,
        tags,
        query: listQuery(fields, expandable),
        responses: { 200: `A page of ${c.noun}s (readers only; others use filterByCurrentUser(on='principal')).` },
      }),
      list(false),
    );
    countRoute(app, { url: `${base}/$count`, noun: c.noun, tags, fields, defaultOrder, fetch: (req, q) => fetch(req, false)(q) });
    app.get<{ Params: { id: string } }>(
      `${base}/:id`,
      doc({
        summary: `Get a ${c.noun}, or list the caller's own`,
        tags,
        query: listQuery(fields, expandable),
        params: { id: `The ${c.noun} id, or \`filterByCurrentUser(on='principal')\` to list the caller's own (then the list options apply).` },
        responses: {
          200: `The ${c.noun}, or a page of the caller's own.`,
          400: "`Request_BadRequest`: filterByCurrentUser supports on='principal' only.",
          404: `\`Request_ResourceNotFound\`: no ${c.noun} the caller may see has this id.`,
        },
      }),
      async (req) => {
        const on = currentUserFunction(req.params.id);
        if (on === 'principal') return list(true)(req);
        if (on) throw new DomainError('Request_BadRequest', `filterByCurrentUser(on='${on}') is not supported here; use on='principal'.`);
        return entityResponse(req, set, await get(req), shape, { properties, expandable, expand: expand(req) });
      },
    );
    navigationRoutes(app, deps, { base, set, noun: c.noun, tags, provider: c.provider, view: c.view, navigations: expandable, get });
  }
}
