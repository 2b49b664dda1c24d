/**
 * roleAssignmentScheduleRequests and roleEligibilityScheduleRequests, and PIM for Groups'
 * assignmentScheduleRequests and eligibilityScheduleRequests: submit, list (all, one's own with
 * filterByCurrentUser(on='principal'), or the approver inbox with on='approver'), `$count`, get
 * (with the navigations of navigation.ts), cancel.
 * One table of collections; the group ones translate groupId + accessId (shapes/group-access.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { listApproverInbox } from '../../app/queries/approvals.ts';
import { getRequest, listRequests } from '../../app/queries/requests.ts';
import { cancelRequest } from '../../app/requests/cancel-request.ts';
import { submitRequest } from '../../app/requests/submit-request.ts';
import type { Caller } from '../../app/caller.ts';
import { isOfProvider, type Provider } from '../../app/queries/provider.ts';
import { DomainError } from '../../domain/errors.ts';
import type { ScheduleKind, ScheduleRequest } from '../../domain/model.ts';
import { entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { doc, listQuery } from '../openapi.ts';
import type { ParsedListQuery } from '../odata/parse-query.ts';
import {
  GROUP_REQUEST_FIELDS,
  GROUP_REQUEST_PROPERTIES,
  groupListQuery,
  groupRequestBody,
  groupRequestShape,
  toGroupSubmitInput,
} from '../shapes/group-access.ts';
import { REQUEST_FIELDS, REQUEST_PROPERTIES, requestBody, requestShape, toSubmitInput } from '../shapes/requests.ts';
import { parseBody } from '../validation.ts';
import { countRoute, currentUserFunction, entityResponse, listResponse } from './list-route.ts';
import { expander, navigationRoutes, navigationsOf } from './navigation.ts';

interface Collection {
  readonly provider: Provider;
  readonly kind: ScheduleKind;
  readonly set: string;
  readonly noun: string;
}

const COLLECTIONS: readonly Collection[] = [
  { provider: 'directory', kind: 'assignment', set: 'roleManagement/directory/roleAssignmentScheduleRequests', noun: 'role assignment schedule request' },
  { provider: 'directory', kind: 'eligibility', set: 'roleManagement/directory/roleEligibilityScheduleRequests', noun: 'role eligibility schedule request' },
  {
    provider: 'group',
    kind: 'assignment',
    set: 'identityGovernance/privilegedAccess/group/assignmentScheduleRequests',
    noun: 'group assignment schedule request',
  },
  {
    provider: 'group',
    kind: 'eligibility',
    set: 'identityGovernance/privilegedAccess/group/eligibilityScheduleRequests',
    noun: 'group eligibility schedule request',
  },
];

/** What differs between role and group requests: names, shapes, body. */
function flavour(deps: HttpDeps, provider: Provider, kind: ScheduleKind) {
  const read = deps.uow.read;
  const expandable = navigationsOf(provider, kind, 'requests');
  const expand = (caller: Caller) => expander(read, caller, provider, 'requests');
  return provider === 'group'
    ? {
        tags: ['groups'] as const,
        fields: GROUP_REQUEST_FIELDS,
        properties: [...GROUP_REQUEST_PROPERTIES, ...expandable],
        expandable,
        expand,
        body: groupRequestBody,
        shape: groupRequestShape,
        storeQuery: groupListQuery,
        input: (raw: unknown) => toGroupSubmitInput(kind, parseBody(groupRequestBody, raw)),
      }
    : {
        tags: ['roleManagement'] as const,
        fields: REQUEST_FIELDS,
        properties: [...REQUEST_PROPERTIES, ...expandable],
        expandable,
        expand,
        body: requestBody,
        shape: requestShape,
        storeQuery: (q: ParsedListQuery) => q,
        input: (raw: unknown) => directoryInput(kind, parseBody(requestBody, raw)),
      };
}

/**
 * The directory collections take directory and resource roles only: a request for a group's
 * `member` / `owner` belongs to the group collections, which alone list, get and cancel it.
 */
function directoryInput(kind: ScheduleKind, body: Parameters<typeof toSubmitInput>[1]) {
  if (!isOfProvider(body.roleDefinitionId, 'directory')) {
    throw new DomainError(
      'Request_BadRequest',
      `roleDefinitionId '${body.roleDefinitionId}' is PIM for Groups access: send it as accessId and groupId to /v1.0/identityGovernance/privilegedAccess/group/${kind}ScheduleRequests.`,
    );
  }
  return toSubmitInput(kind, body);
}
const SUBMIT_ERRORS = {
  201: 'The request, with its status (for instance Provisioned, PendingApproval, or Granted).',
  400:
    'The action is refused: `Request_BadRequest` (unknown principal, role or scope), `InvalidScheduleInfo`, `RoleAssignmentDoesNotExist`, ' +
    '`RoleAssignmentRequestPolicyValidationFailed` (a policy rule such as justification, ticket, MFA or maximum duration), ' +
    '`RoleAssignmentRequestAcrsValidationFailed`, `ActiveDurationTooShort`, `ExtendWindowNotOpen`, `RenewWindowClosed`, ' +
    '`PrincipalCannotBeEligible` or `GroupNotAssignableToRole`.',
  409: '`RoleAssignmentExists`, `PendingRoleAssignmentRequest`, `LastPrivilegedRoleHolder`, `LastGroupOwner` or `ConcurrencyConflict`.',
};

export function scheduleRequestRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const read = deps.uow.read;
  for (const { provider, kind, set, noun } of COLLECTIONS) {
    const base = `/v1.0/${set}`;
    const f = flavour(deps, provider, kind);
    const tags = f.tags;
    const shape = f.shape as (r: ScheduleRequest) => ReturnType<typeof requestShape>;
    const defaultOrder = [
      { field: 'createdDateTime', direction: 'desc' as const },
      { field: 'id', direction: 'asc' as const },
    ];
    const fetch = (req: FastifyRequest, view: 'all' | 'principal' | 'approver') => (q: ParsedListQuery) =>
      view === 'approver'
        ? listApproverInbox(read, req.caller, provider, kind, f.storeQuery(q))
        : listRequests(read, req.caller, provider, kind, f.storeQuery(q), view === 'principal');
    const list = (view: 'all' | 'principal' | 'approver') => (req: FastifyRequest) =>
      listResponse(
        req,
        {
          entitySet: set,
          fields: f.fields,
          properties: f.properties,
          expandable: f.expandable,
          defaultOrder,
          fetch: fetch(req, view),
          shape,
        },
        f.expand(req.caller),
      );
    const get = (req: FastifyRequest<{ Params: { id: string } }>) => getRequest(read, req.caller, provider, kind, req.params.id);

    app.get(
      base,
      doc({
        summary: `List ${noun}s`,
        tags,
        query: listQuery(f.fields, f.expandable),
        responses: { 200: `A page of ${noun}s (readers only; others use filterByCurrentUser(on='principal')).` },
      }),
      list('all'),
    );
    countRoute(app, { url: `${base}/$count`, noun, tags, fields: f.fields, defaultOrder, fetch: (req, q) => fetch(req, 'all')(q) });
    app.post(
      base,
      doc({
        summary: `Submit a ${noun}`,
        tags,
        body: f.body,
        notes:
          'The action (adminAssign, selfActivate, selfDeactivate, adminRemove, …) says what is asked; with isValidationOnly the request is checked but not carried out.',
        responses: SUBMIT_ERRORS,
      }),
      async (req, reply) => {
        const request = await submitRequest(deps, req.caller, f.input(req.body));
        return reply.status(201).send(entity(req, set, f.shape(request)));
      },
    );
    app.get<{ Params: { id: string } }>(
      `${base}/:id`,
      doc({
        summary: `Get a ${noun}, or list the caller's own`,
        tags,
        query: listQuery(f.fields, f.expandable),
        params: {
          id: "The request id; `filterByCurrentUser(on='principal')` lists the caller's own requests, `filterByCurrentUser(on='approver')` the pending ones the caller may approve now (then the list options apply).",
        },
        responses: {
          200: "The request, or a page of the caller's own requests or approver inbox.",
          404: '`Request_ResourceNotFound`: no request the caller may see has this id.',
        },
      }),
      async (req, reply) => {
        const on = currentUserFunction(req.params.id);
        if (on) return list(on)(req);
        return reply.send(
          await entityResponse(req, set, await get(req), shape, { properties: f.properties, expandable: f.expandable, expand: f.expand(req.caller) }),
        );
      },
    );
    navigationRoutes(app, deps, { base, set, noun, tags, provider, view: 'requests', navigations: f.expandable, get });
    app.post<{ Params: { id: string } }>(
      `${base}/:id/cancel`,
      doc({
        summary: `Cancel a pending ${noun}`,
        tags,
        params: { id: 'The request id.' },
        notes: 'No request body.',
        responses: {
          204: 'Canceled.',
          403: '`Authorization_RequestDenied`: only the requester or an administrator can cancel.',
          404: '`Request_ResourceNotFound`: no request the caller may see has this id.',
          409: '`RequestCannotBeCanceled`: the request is no longer pending.',
        },
      }),
      async (req, reply) => {
        await getRequest(read, req.caller, provider, kind, req.params.id);
        await cancelRequest(deps, req.caller, kind, req.params.id);
        return reply.status(204).send();
      },
    );
  }
}
