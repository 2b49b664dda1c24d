/**
 * /openpim/approvals/act?token=…: the one-click approve/deny links of notification emails and chat
 * messages. The bearer token is still required (the auth hook) and must be the approver the link
 * was sent to; GET shows what the link would do, POST does it, once.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actOnApprovalLink, describeApprovalLink, type ApprovalLinkDeps } from '../../app/notifications/act-on-approval-link.ts';
import { DomainError } from '../../domain/errors.ts';
import { toIso } from '../../domain/time.ts';
import type { HttpDeps } from '../context.ts';
import { doc } from '../openapi.ts';
import { parseBody, singleLine } from '../validation.ts';

const PATH = '/openpim/approvals/act';
const tags = ['roleManagement'] as const;

const actBody = z.strictObject({
  /** The link's token, when not in the query string. */
  token: z.string().min(1).max(4000).check(singleLine).optional(),
  justification: z.string().max(500).nullish(),
});

const ERRORS = {
  400: '`ApprovalLinkInvalid`: no token, or not a valid approval link (tampered, or signed by someone else).',
  403: '`Authorization_RequestDenied`: the link was sent to another approver than the one signed in.',
  404: '`Request_ResourceNotFound`: the approval does not exist (or links are not enabled on this server).',
  410: '`ApprovalLinkExpired`: the link is past its expiry; decide in OpenPIM instead.',
} as const;

function tokenOf(req: FastifyRequest, body?: { token?: string }): string {
  const token = body?.token ?? (req.query as Record<string, unknown>).token;
  if (typeof token !== 'string' || token === '') throw new DomainError('ApprovalLinkInvalid', 'The approval link has no token.');
  return token;
}

/** Registers GET and POST /openpim/approvals/act. */
export function approvalLinkRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const linkDeps = (): ApprovalLinkDeps => {
    if (!deps.approvalLinks) throw new DomainError('Request_ResourceNotFound', 'Approval links are not enabled on this server.');
    return { uow: deps.uow, clock: deps.clock, ids: deps.ids, links: deps.approvalLinks };
  };

  app.get(
    PATH,
    doc({
      summary: 'Show what a one-click approval link would do',
      tags,
      notes: 'OpenPIM extension. `token` (query): the token of a link from a notification. Changes nothing.',
      responses: { 200: '`{approvalId, stepId, decision, expiresDateTime, used, pending, justificationRequired, request}`.', ...ERRORS },
    }),
    async (req) => {
      const view = await describeApprovalLink(linkDeps(), req.caller, tokenOf(req));
      const r = view.request;
      return {
        approvalId: view.approvalId,
        stepId: view.stepId,
        decision: view.decision,
        expiresDateTime: toIso(view.expiresAt),
        used: view.used,
        pending: view.pending,
        justificationRequired: view.justificationRequired,
        request: {
          id: r.id,
          action: r.action,
          status: r.status,
          principalId: r.principalId,
          roleDefinitionId: r.roleDefinitionId,
          directoryScopeId: r.directoryScopeId,
          justification: r.justification,
          ticketInfo: r.ticketInfo,
        },
      };
    },
  );

  app.post(
    PATH,
    doc({
      summary: 'Approve or deny with a one-click approval link',
      tags,
      body: actBody,
      notes:
        'OpenPIM extension. `token` in the query string (or the body). The signed-in caller must be the approver the link was sent to, ' +
        'and must still be an approver of the step; a link decides once. Send `justification` when the step requires one.',
      responses: {
        200: '`{requestId, status, decision}`: the decision was recorded.',
        ...ERRORS,
        409: '`ApprovalLinkUsed` (the link already decided), `ApproverAlreadyDecided` or `ApprovalStepNotActive`.',
      },
    }),
    async (req) => {
      const body = req.body === undefined ? {} : parseBody(actBody, req.body);
      const { request, decision } = await actOnApprovalLink(linkDeps(), req.caller, tokenOf(req, body), body.justification ?? null);
      return { requestId: request.id, status: request.status, decision };
    },
  );
}
