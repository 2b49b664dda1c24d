/**
 * /beta/roleManagement/directory/roleAssignmentApprovals/{id} and its steps, and the same for PIM
 * for Groups under /v1.0/identityGovernance/privilegedAccess/group/assignmentApprovals/{id}, where
 * Graph v1.0 names them `stages` (served under both words, body and path).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { getApproval, type ApprovalView } from '../../app/queries/approvals.ts';
import type { Provider } from '../../app/queries/provider.ts';
import { reviewApprovalStep } from '../../app/requests/review-approval-step.ts';
import { DomainError } from '../../domain/errors.ts';
import { collection, entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { doc } from '../openapi.ts';
import { approvalShape, reviewBody, stepsShape } from '../shapes/approvals.ts';
import { parseBody } from '../validation.ts';

interface Collection {
  readonly provider: Provider;
  readonly base: string;
  readonly set: string;
  readonly tags: readonly ('roleManagement' | 'groups')[];
  /** What the stages are called: beta says steps, v1.0 stages. */
  readonly words: readonly ('steps' | 'stages')[];
}

const COLLECTIONS: readonly Collection[] = [
  { provider: 'directory', base: '/beta/roleManagement/directory/roleAssignmentApprovals', set: 'roleManagement/directory/roleAssignmentApprovals', tags: ['roleManagement'], words: ['steps'] },
  { provider: 'group', base: '/v1.0/identityGovernance/privilegedAccess/group/assignmentApprovals', set: 'identityGovernance/privilegedAccess/group/assignmentApprovals', tags: ['groups'], words: ['stages', 'steps'] },
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

function approvalEntity(app: FastifyInstance, deps: HttpDeps, { provider, base: BASE, set: SET, tags, words }: Collection): void {
  app.get<{ Params: { id: string } }>(`${BASE}/:id`, doc({
    summary: 'Get an approval with its steps', tags, params: { id: 'The approval id (the request\'s approvalId).' },
    responses: { 200: 'The approval: one step per stage, with status, result, quorum and decisions.', 404: '`Request_ResourceNotFound`: no approval the caller may see.' },
  }), async (req) => {
    const view = await getApproval(deps.uow.read, req.caller, provider, req.params.id);
    const steps = approvalShape(view, req.caller.principal.id, await namesOf(deps, req, view)).steps;
    return entity(req, SET, { id: view.approval.id, ...Object.fromEntries(words.map((w) => [w, steps])) });
  });
}

function approvalSteps(app: FastifyInstance, deps: HttpDeps, { provider, base: BASE, set: SET, tags }: Collection, word: 'steps' | 'stages'): void {
  const read = deps.uow.read;
  const steps = async (req: FastifyRequest<{ Params: { id: string } }>) => {
    const view = await getApproval(read, req.caller, provider, req.params.id);
    return stepsShape(view, req.caller.principal.id, await namesOf(deps, req, view));
  };

  app.get<{ Params: { id: string } }>(`${BASE}/:id/${word}`, doc({
    summary: 'List the steps of an approval', tags, params: { id: 'The approval id.' },
    responses: { 200: 'The steps, one per stage.', 404: '`Request_ResourceNotFound`: no approval the caller may see.' },
  }), async (req) => {
    const items = await steps(req);
    return collection(req, `${SET}('${req.params.id}')/${word}`, { items, hasMore: false }, { orderBy: [], top: items.length, skip: 0, count: false }, []);
  });
  app.get<{ Params: { id: string; stepId: string } }>(`${BASE}/:id/${word}/:stepId`, doc({
    summary: 'Get one step of an approval', tags, params: { id: 'The approval id.', stepId: 'The step id (the stage number, from 1).' },
    responses: { 200: 'The step.', 404: '`Request_ResourceNotFound`: no such approval or step.' },
  }), async (req) => {
    const step = (await steps(req)).find((s) => s.id === req.params.stepId);
    if (!step) throw new DomainError('Request_ResourceNotFound', `Step '${req.params.stepId}' does not exist.`);
    return entity(req, `${SET}('${req.params.id}')/${word}`, step);
  });
  app.patch<{ Params: { id: string; stepId: string } }>(`${BASE}/:id/${word}/:stepId`, doc({
    summary: 'Approve or deny a step', tags, body: reviewBody,
    params: { id: 'The approval id.', stepId: 'The step id (the stage number, from 1).' },
    notes: 'The caller must be an approver of the step now (re-checked), never the requester. The first deny ends the request; the last stage reaching its quorum grants it.',
    responses: {
      204: 'Recorded.',
      403: '`SelfApprovalNotAllowed` (the requester) or `Authorization_RequestDenied` (not an approver of this step).',
      404: '`Request_ResourceNotFound`: no approval the caller may see, or no such step.',
      409: '`ApproverAlreadyDecided` (a second decision by the same approver) or `ApprovalStepNotActive` (the step was decided, timed out or canceled).',
    },
  }), async (req, reply) => {
    const body = parseBody(reviewBody, req.body);
    await getApproval(read, req.caller, provider, req.params.id);
    await reviewApprovalStep(deps, req.caller, req.params.id, req.params.stepId, { reviewResult: body.reviewResult, justification: body.justification ?? null });
    return reply.status(204).send();
  });
}
