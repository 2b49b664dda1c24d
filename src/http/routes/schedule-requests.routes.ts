/**
 * roleAssignmentScheduleRequests and roleEligibilityScheduleRequests: submit, list (all, or one's
 * own with filterByCurrentUser(on='principal')), get, cancel.
 */
import type { FastifyInstance } from 'fastify';
import { listApproverInbox } from '../../app/queries/approvals.ts';
import { getRequest, listRequests } from '../../app/queries/requests.ts';
import { cancelRequest } from '../../app/requests/cancel-request.ts';
import { submitRequest } from '../../app/requests/submit-request.ts';
import type { ScheduleKind } from '../../domain/model.ts';
import { entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { doc, listQuery } from '../openapi.ts';
import { parseListQuery } from '../odata/parse-query.ts';
import { REQUEST_FIELDS, REQUEST_PROPERTIES, requestBody, requestShape, toSubmitInput } from '../shapes/requests.ts';
import { parseBody } from '../validation.ts';
import { currentUserFunction, expandPrincipalAndRole, listResponse } from './list-route.ts';

const COLLECTIONS: readonly { kind: ScheduleKind; name: string; noun: string }[] = [
  { kind: 'assignment', name: 'roleAssignmentScheduleRequests', noun: 'role assignment schedule request' },
  { kind: 'eligibility', name: 'roleEligibilityScheduleRequests', noun: 'role eligibility schedule request' },
];
const tags = ['roleManagement'] as const;
const EXPANDABLE = ['principal', 'roleDefinition'];
const SUBMIT_ERRORS = {
  201: 'The request, with its status (for instance Provisioned, PendingApproval, or Granted).',
  400: 'The action is refused: `Request_BadRequest` (unknown principal, role or scope), `InvalidScheduleInfo`, `RoleAssignmentDoesNotExist`, '
    + '`RoleAssignmentRequestPolicyValidationFailed` (a policy rule such as justification, ticket, MFA or maximum duration), '
    + '`RoleAssignmentRequestAcrsValidationFailed`, `ActiveDurationTooShort`, `ExtendWindowNotOpen`, `RenewWindowClosed`, '
    + '`PrincipalCannotBeEligible` or `GroupNotAssignableToRole`.',
  409: '`RoleAssignmentExists`, `PendingRoleAssignmentRequest`, `LastPrivilegedRoleHolder` or `ConcurrencyConflict`.',
};

export function scheduleRequestRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const read = deps.uow.read;
  for (const { kind, name, noun } of COLLECTIONS) {
    const base = `/v1.0/roleManagement/directory/${name}`;
    const set = `roleManagement/directory/${name}`;
    const list = (view: 'all' | 'principal' | 'approver') => (req: Parameters<typeof listResponse>[0]) => listResponse(req, {
      entitySet: set, fields: REQUEST_FIELDS, properties: REQUEST_PROPERTIES, expandable: ['principal', 'roleDefinition'],
      defaultOrder: [{ field: 'createdDateTime', direction: 'desc' }, { field: 'id', direction: 'asc' }],
      fetch: (q) => (view === 'approver' ? listApproverInbox(read, req.caller, kind, q) : listRequests(read, req.caller, kind, q, view === 'principal')),
      shape: requestShape,
    }, expandPrincipalAndRole(read, req.caller));

    app.get(base, doc({
      summary: `List ${noun}s`, tags, query: listQuery(REQUEST_FIELDS, EXPANDABLE),
      responses: { 200: `A page of ${noun}s (readers only; others use filterByCurrentUser(on='principal')).` },
    }), list('all'));
    app.post(base, doc({
      summary: `Submit a ${noun}`, tags, body: requestBody,
      notes: 'The action (adminAssign, selfActivate, selfDeactivate, adminRemove, …) says what is asked; with isValidationOnly the request is checked but not carried out.',
      responses: SUBMIT_ERRORS,
    }), async (req, reply) => {
      const input = toSubmitInput(kind, parseBody(requestBody, req.body));
      const request = await submitRequest(deps, req.caller, input);
      return reply.status(201).send(entity(req, set, requestShape(request)));
    });
    app.get<{ Params: { id: string } }>(`${base}/:id`, doc({
      summary: `Get a ${noun}, or list the caller's own`, tags, query: listQuery(REQUEST_FIELDS, EXPANDABLE),
      params: { id: "The request id; `filterByCurrentUser(on='principal')` lists the caller's own requests, `filterByCurrentUser(on='approver')` the pending ones the caller may approve now (then the list options apply)." },
      responses: {
        200: "The request, or a page of the caller's own requests or approver inbox.",
        404: '`Request_ResourceNotFound`: no request the caller may see has this id.',
      },
    }), async (req, reply) => {
      const on = currentUserFunction(req.params.id);
      if (on) return list(on)(req);
      const q = parseListQuery(req.query as Record<string, unknown>, { fields: [], defaultOrder: [], expandable: ['principal', 'roleDefinition'] });
      const shaped = requestShape(await getRequest(read, req.caller, kind, req.params.id));
      const [expanded] = q.expand?.length ? await expandPrincipalAndRole(read, req.caller)([shaped], q.expand) : [shaped];
      return reply.send(entity(req, set, expanded!, q.select, REQUEST_PROPERTIES));
    });
    app.post<{ Params: { id: string } }>(`${base}/:id/cancel`, doc({
      summary: `Cancel a pending ${noun}`, tags, params: { id: 'The request id.' },
      notes: 'No request body.',
      responses: {
        204: 'Canceled.',
        403: '`Authorization_RequestDenied`: only the requester or an administrator can cancel.',
        404: '`Request_ResourceNotFound`: no request the caller may see has this id.',
        409: '`RequestCannotBeCanceled`: the request is no longer pending.',
      },
    }), async (req, reply) => {
      await cancelRequest(deps, req.caller, kind, req.params.id);
      return reply.status(204).send();
    });
  }
}
