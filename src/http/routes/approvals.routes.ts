/**
 * /beta/roleManagement/directory/roleAssignmentApprovals/{id} and its steps, and the same for PIM
 * for Groups under /v1.0/identityGovernance/privilegedAccess/group/assignmentApprovals/{id}, where
 * Graph v1.0 names them `stages` (served under both words, body and path); and each collection's
 * `filterByCurrentUser(on='approver')`: the approvals the caller may decide now.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { getApproval, listApproverInbox, type ApprovalView } from '../../app/queries/approvals.ts';
import type { Provider } from '../../app/queries/provider.ts';
import { reviewApprovalStep } from '../../app/requests/review-approval-step.ts';
import { DomainError } from '../../domain/errors.ts';
import { collection, entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { doc } from '../openapi.ts';
import { approvalShape, reviewBody, stepsShape } from '../shapes/approvals.ts';
import { parseListQuery } from '../odata/parse-query.ts';
import { parseBody } from '../validation.ts';
import { currentUserFunction } from './list-route.ts';

interface Collection {
  readonly provider: Provider;
  readonly base: string;
  readonly set: string;
  readonly tags: readonly ('roleManagement' | 'groups')[];
  /** What the stages are called: beta says steps, v1.0 stages. */
  readonly words: readonly ('steps' | 'stages')[];
}

const COLLECTIONS: readonly Collection[] = [
  {
    provider: 'directory',
    base: '/beta/roleManagement/directory/roleAssignmentApprovals',
    set: 'roleManagement/directory/roleAssignmentApprovals',
    tags: ['roleManagement'],
    words: ['steps'],
  },
  {
    provider: 'group',
    base: '/v1.0/identityGovernance/privilegedAccess/group/assignmentApprovals',
    set: 'identityGovernance/privilegedAccess/group/assignmentApprovals',
    tags: ['groups'],
    words: ['stages', 'steps'],
  },
];

export function approvalRoutes(app: FastifyInstance, deps: HttpDeps): void {
  for (const c of COLLECTIONS) {
    approvalEntity(app, deps, c);
    for (const word of c.words) approvalSteps(app, deps, c, word);
  }
}

const namesOf = async (deps: HttpDeps, req: FastifyRequest, view: ApprovalView) => {
  const map = new Map<string, string | null>();
  for (const d of view.decisions) {
    if (!map.has(d.approverId)) map.set(d.approverId, (await deps.uow.read.principals.get(req.caller.tenantId, d.approverId))?.displayName ?? null);
  }
  return map;
};

function approvalEntity(app: FastifyInstance, deps: HttpDeps, c: Collection): void {
  const { provider, base: BASE, set: SET, tags } = c;
  app.get<{ Params: { id: string } }>(
    `${BASE}/:id`,
    doc({
      summary: 'Get an approval with its steps, or list those the caller may decide',
      tags,
      params: {
        id: "The approval id (the request's approvalId), or `filterByCurrentUser(on='approver')` for the approvals the caller may decide now (then $top, $skip and $count apply).",
      },
      responses: {
        200: 'The approval: one step per stage, with status, result, quorum and decisions; or a page of approvals.',
        400: "`Request_BadRequest`: filterByCurrentUser supports on='approver' only.",
        404: '`Request_ResourceNotFound`: no approval the caller may see.',
      },
    }),
    async (req) => {
      const on = currentUserFunction(req.params.id);
      if (on) return approverInbox(deps, req, c, on);
      return entity(req, SET, await shapeOf(deps, req, c, await getApproval(deps.uow.read, req.caller, provider, req.params.id)));
    },
  );
}

const shapeOf = async (deps: HttpDeps, req: FastifyRequest, { words }: Collection, view: ApprovalView) => {
  const steps = approvalShape(view, req.caller.principal.id, await namesOf(deps, req, view)).steps;
  return { id: view.approval.id, ...Object.fromEntries(words.map((w) => [w, steps])) };
};

/**
 * `filterByCurrentUser(on='approver')`: the approvals the caller may decide now — those of the
 * pending requests in their approver inbox (roleAssignmentScheduleRequests' on='approver'), newest first.
 */
async function approverInbox(deps: HttpDeps, req: FastifyRequest, c: Collection, on: 'principal' | 'approver') {
  if (on !== 'approver') throw new DomainError('Request_BadRequest', "filterByCurrentUser(on='principal') is not supported here; use on='approver'.");
  const query = parseListQuery(req.query as Record<string, unknown>, { fields: ['id', 'createdDateTime'], defaultOrder: INBOX_ORDER });
  const page = await listApproverInbox(deps.uow.read, req.caller, c.provider, 'assignment', query);
  const items = [];
  for (const request of page.items) {
    if (request.approvalId) items.push(await shapeOf(deps, req, c, await getApproval(deps.uow.read, req.caller, c.provider, request.approvalId)));
  }
  return collection(req, c.set, { ...page, items }, query, []);
}
const INBOX_ORDER = [
  { field: 'createdDateTime', direction: 'desc' as const },
  { field: 'id', direction: 'asc' as const },
];

function approvalSteps(app: FastifyInstance, deps: HttpDeps, { provider, base: BASE, set: SET, tags }: Collection, word: 'steps' | 'stages'): void {
  const read = deps.uow.read;
  const steps = async (req: FastifyRequest<{ Params: { id: string } }>) => {
    const view = await getApproval(read, req.caller, provider, req.params.id);
    return stepsShape(view, req.caller.principal.id, await namesOf(deps, req, view));
  };

  app.get<{ Params: { id: string } }>(
    `${BASE}/:id/${word}`,
    doc({
      summary: 'List the steps of an approval',
      tags,
      params: { id: 'The approval id.' },
      responses: { 200: 'The steps, one per stage.', 404: '`Request_ResourceNotFound`: no approval the caller may see.' },
    }),
    async (req) => {
      const items = await steps(req);
      return collection(req, `${SET}('${req.params.id}')/${word}`, { items, hasMore: false }, { orderBy: [], top: items.length, skip: 0, count: false }, []);
    },
  );
  app.get<{ Params: { id: string; stepId: string } }>(
    `${BASE}/:id/${word}/:stepId`,
    doc({
      summary: 'Get one step of an approval',
      tags,
      params: { id: 'The approval id.', stepId: 'The step id (the stage number, from 1).' },
      responses: { 200: 'The step.', 404: '`Request_ResourceNotFound`: no such approval or step.' },
    }),
    async (req) => {
      const step = (await steps(req)).find((s) => s.id === req.params.stepId);
      if (!step) throw new DomainError('Request_ResourceNotFound', `Step '${req.params.stepId}' does not exist.`);
      return entity(req, `${SET}('${req.params.id}')/${word}`, step);
    },
  );
  app.patch<{ Params: { id: string; stepId: string } }>(
    `${BASE}/:id/${word}/:stepId`,
    doc({
      summary: 'Approve or deny a step',
      tags,
      body: reviewBody,
      params: { id: 'The approval id.', stepId: 'The step id (the stage number, from 1).' },
      notes:
        'The caller must be an approver of the step now (re-checked), never the requester. The first deny ends the request; the last stage reaching its quorum grants it.',
      responses: {
        204: 'Recorded.',
        403: '`SelfApprovalNotAllowed` (the requester) or `Authorization_RequestDenied` (not an approver of this step).',
        404: '`Request_ResourceNotFound`: no approval the caller may see, or no such step.',
        409: '`ApproverAlreadyDecided` (a second decision by the same approver) or `ApprovalStepNotActive` (the step was decided, timed out or canceled).',
      },
    }),
    async (req, reply) => {
      const body = parseBody(reviewBody, req.body);
      await getApproval(read, req.caller, provider, req.params.id);
      await reviewApprovalStep(deps, req.caller, req.params.id, req.params.stepId, {
        reviewResult: body.reviewResult,
        justification: body.justification ?? null,
      });
      return reply.status(204).send();
    },
  );
}
