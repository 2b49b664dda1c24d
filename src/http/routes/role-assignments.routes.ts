/**
 * /v1.0/roleManagement/directory/roleAssignments: the role assignments in force now (Graph's
 * unifiedRoleAssignment; each shares its id with its schedule), `$count`, one by id with its
 * navigations, and the two writes Graph scripts use: POST makes a standing (never-ending) active
 * assignment and DELETE removes one — both as the `adminAssign` / `adminRemove` schedule requests
 * they are, through the same use case, policy and audit as roleAssignmentScheduleRequests.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isOfProvider } from '../../app/queries/provider.ts';
import { getSchedule, listRoleAssignments } from '../../app/queries/schedules.ts';
import type { SubmitRequestInput } from '../../app/requests/request-input.ts';
import { submitRequest } from '../../app/requests/submit-request.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Schedule } from '../../domain/model.ts';
import { entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { doc, entityQuery, listQuery } from '../openapi.ts';
import type { ParsedListQuery } from '../odata/parse-query.ts';
import { ASSIGNMENT_FIELDS, roleAssignmentShape } from '../shapes/schedules.ts';
import { idString, parseBody, singleLine } from '../validation.ts';
import { countRoute, entityResponse, listResponse } from './list-route.ts';
import { expander, navigationRoutes, navigationsOf } from './navigation.ts';

const SET = 'roleManagement/directory/roleAssignments';
const BASE = `/v1.0/${SET}`;
const tags = ['roleManagement'] as const;
const NAVIGATIONS = navigationsOf('directory', 'assignment', 'roleAssignments');
const PROPERTIES = ['id', 'principalId', 'roleDefinitionId', 'directoryScopeId', 'appScopeId', 'condition', ...NAVIGATIONS];
const byId = [{ field: 'id', direction: 'asc' as const }];
const AS_INSTANCE = { provider: 'directory', kind: 'assignment', view: 'instances' } as const;

/** Graph's unifiedRoleAssignment as a client sends it back (kiota writes its @odata.type). */
const createBody = z
  .strictObject({
    '@odata.type': z.literal('#microsoft.graph.unifiedRoleAssignment').optional(),
    principalId: idString,
    roleDefinitionId: idString,
    directoryScopeId: z.string().min(1).max(400).check(singleLine).default('/'),
    appScopeId: z.string().max(400).check(singleLine).nullish(),
    condition: z.null().optional(),
  })
  .superRefine((body, ctx) => {
    if (body.appScopeId && body.appScopeId !== '/') ctx.addIssue({ code: 'custom', path: ['appScopeId'], message: 'app scopes are not supported' });
  });

const request = (
  fields: Pick<SubmitRequestInput, 'action' | 'principalId' | 'roleDefinitionId' | 'directoryScopeId' | 'targetScheduleId'>,
): SubmitRequestInput => ({
  ...fields,
  kind: 'assignment',
  justification: null,
  ticketInfo: { ticketNumber: null, ticketSystem: null },
  scheduleInfo: { startDateTime: null, expiration: { type: 'noExpiration' } },
  isValidationOnly: false,
});

export function roleAssignmentRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const read = deps.uow.read;
  const expand = (req: FastifyRequest) => expander(read, req.caller, 'directory', 'roleAssignments');
  const fetch = (req: FastifyRequest) => (q: ParsedListQuery) => listRoleAssignments(read, req.caller, q, deps.clock.now());
  const get = (req: FastifyRequest<{ Params: { id: string } }>): Promise<Schedule> =>
    getSchedule(read, req.caller, AS_INSTANCE, req.params.id, deps.clock.now());

  app.get(
    BASE,
    doc({
      summary: 'List active role assignments',
      tags,
      query: listQuery(ASSIGNMENT_FIELDS, NAVIGATIONS),
      responses: { 200: 'A page of the role assignments in force now (a caller who may not read all of them gets their own).' },
    }),
    (req) =>
      listResponse(
        req,
        {
          entitySet: SET,
          fields: ASSIGNMENT_FIELDS,
          expandable: NAVIGATIONS,
          properties: PROPERTIES,
          defaultOrder: byId,
          fetch: fetch(req),
          shape: roleAssignmentShape,
        },
        expand(req),
      ),
  );
  countRoute(app, {
    url: `${BASE}/$count`,
    noun: 'active role assignment',
    tags,
    fields: ASSIGNMENT_FIELDS,
    defaultOrder: byId,
    fetch: (req, q) => fetch(req)(q),
  });

  app.get<{ Params: { id: string } }>(
    `${BASE}/:id`,
    doc({
      summary: 'Get an active role assignment',
      tags,
      params: { id: "The role assignment id (its schedule's id)." },
      query: entityQuery(NAVIGATIONS),
      responses: { 200: 'The role assignment.', 404: '`Request_ResourceNotFound`: no role assignment in force now that the caller may see has this id.' },
    }),
    async (req) => entityResponse(req, SET, await get(req), roleAssignmentShape, { properties: PROPERTIES, expandable: NAVIGATIONS, expand: expand(req) }),
  );
  navigationRoutes(app, deps, {
    base: BASE,
    set: SET,
    noun: 'role assignment',
    tags,
    provider: 'directory',
    view: 'roleAssignments',
    navigations: NAVIGATIONS,
    get,
  });

  app.post(
    BASE,
    doc({
      summary: 'Assign a role (active, without end)',
      tags,
      body: createBody,
      notes:
        "The same as an `adminAssign` roleAssignmentScheduleRequest with `noExpiration`: the role's policy applies (a policy that requires an end refuses it), and it is audited as one.",
      responses: {
        201: 'The role assignment, in force from now on.',
        400: '`Request_BadRequest` (unknown principal, role or scope, or a PIM for Groups role), `RoleAssignmentRequestPolicyValidationFailed`, `GroupNotAssignableToRole`.',
        409: '`RoleAssignmentExists`, `PendingRoleAssignmentRequest` or `ConcurrencyConflict`.',
      },
    }),
    async (req, reply) => {
      const body = parseBody(createBody, req.body);
      if (!isOfProvider(body.roleDefinitionId, 'directory')) {
        throw new DomainError(
          'Request_BadRequest',
          `roleDefinitionId '${body.roleDefinitionId}' is PIM for Groups access: use /v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleRequests.`,
        );
      }
      const made = await submitRequest(
        deps,
        req.caller,
        request({
          action: 'adminAssign',
          principalId: body.principalId,
          roleDefinitionId: body.roleDefinitionId,
          directoryScopeId: body.directoryScopeId,
          targetScheduleId: null,
        }),
      );
      const schedule = made.targetScheduleId ? await read.schedules.get(req.caller.tenantId, made.targetScheduleId) : null;
      if (!schedule) throw new DomainError('Request_ResourceNotFound', 'The role assignment was not made.');
      return reply.status(201).send(entity(req, SET, roleAssignmentShape(schedule)));
    },
  );

  app.delete<{ Params: { id: string } }>(
    `${BASE}/:id`,
    doc({
      summary: 'Remove an active role assignment',
      tags,
      params: { id: 'The role assignment id.' },
      notes: 'The same as an `adminRemove` roleAssignmentScheduleRequest naming the assignment: audited as one; the last working administrator is kept.',
      responses: {
        204: 'Removed.',
        400: '`RoleAssignmentDoesNotExist`, `ActiveDurationTooShort`.',
        404: '`Request_ResourceNotFound`: no role assignment in force now that the caller may see has this id.',
        409: '`LastPrivilegedRoleHolder` or `ConcurrencyConflict`.',
      },
    }),
    async (req, reply) => {
      const s = await get(req);
      await submitRequest(
        deps,
        req.caller,
        request({
          action: 'adminRemove',
          principalId: s.principalId,
          roleDefinitionId: s.roleDefinitionId,
          directoryScopeId: s.directoryScopeId,
          targetScheduleId: s.id,
        }),
      );
      return reply.status(204).send();
    },
  );
}
