/**
 * roleAssignmentScheduleRequests and roleEligibilityScheduleRequests: submit, list (all, or one's
 * own with filterByCurrentUser(on='principal')), get, cancel.
 */
import type { FastifyInstance } from 'fastify';
import { getRequest, listRequests } from '../../app/queries/requests.ts';
import { cancelRequest } from '../../app/requests/cancel-request.ts';
import { submitRequest } from '../../app/requests/submit-request.ts';
import { DomainError } from '../../domain/errors.ts';
import type { ScheduleKind } from '../../domain/model.ts';
import { entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { parseListQuery } from '../odata/parse-query.ts';
import { REQUEST_FIELDS, REQUEST_PROPERTIES, requestBody, requestShape, toSubmitInput } from '../shapes/requests.ts';
import { parseBody } from '../validation.ts';
import { currentUserFunction, expandPrincipalAndRole, listResponse } from './list-route.ts';

const COLLECTIONS: readonly { kind: ScheduleKind; name: string }[] = [
  { kind: 'assignment', name: 'roleAssignmentScheduleRequests' },
  { kind: 'eligibility', name: 'roleEligibilityScheduleRequests' },
];

export function scheduleRequestRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const read = deps.uow.read;
  for (const { kind, name } of COLLECTIONS) {
    const base = `/v1.0/roleManagement/directory/${name}`;
    const set = `roleManagement/directory/${name}`;
    const list = (mine: boolean) => (req: Parameters<typeof listResponse>[0]) => listResponse(req, {
      entitySet: set, fields: REQUEST_FIELDS, properties: REQUEST_PROPERTIES, expandable: ['principal', 'roleDefinition'],
      defaultOrder: [{ field: 'createdDateTime', direction: 'desc' }, { field: 'id', direction: 'asc' }],
      fetch: (q) => listRequests(read, req.caller, kind, q, mine), shape: requestShape,
    }, expandPrincipalAndRole(read, req.caller));

    app.get(base, list(false));
    app.post(base, async (req, reply) => {
      const input = toSubmitInput(kind, parseBody(requestBody, req.body));
      const request = await submitRequest(deps, req.caller, input);
      return reply.status(201).send(entity(req, set, requestShape(request)));
    });
    app.get<{ Params: { id: string } }>(`${base}/:id`, async (req, reply) => {
      const on = currentUserFunction(req.params.id);
      if (on === 'principal') return list(true)(req);
      if (on === 'approver') {
        throw new DomainError('Request_BadRequest', "filterByCurrentUser(on='approver') needs the approval workflow, which this server does not offer yet.");
      }
      const q = parseListQuery(req.query as Record<string, unknown>, { fields: [], defaultOrder: [], expandable: ['principal', 'roleDefinition'] });
      const shaped = requestShape(await getRequest(read, req.caller, kind, req.params.id));
      const [expanded] = q.expand?.length ? await expandPrincipalAndRole(read, req.caller)([shaped], q.expand) : [shaped];
      return reply.send(entity(req, set, expanded!, q.select, REQUEST_PROPERTIES));
    });
    app.post<{ Params: { id: string } }>(`${base}/:id/cancel`, async (req, reply) => {
      await cancelRequest(deps, req.caller, kind, req.params.id);
      return reply.status(204).send();
    });
  }
}
