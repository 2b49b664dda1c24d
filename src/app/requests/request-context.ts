/**
 * What every request action handler gets, loaded and checked once by submit-request: the grant
 * context (transaction, ids, now, who acts) and the world the request is about.
 */
import type { AssignmentKey, Principal, RoleDefinition, ScheduleRequest } from '../../domain/model.ts';
import type { Window } from '../../domain/requests/window.ts';
import { auditRecord, principalTarget, requestDetails, requestTarget, roleTarget } from '../audit/record.ts';
import type { Caller } from '../caller.ts';
import type { GrantContext, GrantRepositories } from '../grants/grant-context.ts';
import { requestFacts } from '../ports/change-feed.ts';
import type { Policy, ReadRepositories } from '../ports/repositories.ts';
import type { SubmitRequestInput } from './request-input.ts';

/** What a request's use cases touch: grant mechanics, and the roles and policies they read. */
export type RequestRepositories = GrantRepositories & ReadRepositories<'roles' | 'policies'>;

export interface RequestContext extends GrantContext {
  readonly caller: Caller;
  readonly input: SubmitRequestInput;
  readonly key: AssignmentKey;
  readonly principal: Principal;
  readonly role: RoleDefinition;
  readonly policy: Policy;
  /** The id the stored request will have. */
  readonly requestId: string;
}

/** The request record as it will be stored. */
export function newRequest(ctx: RequestContext, fields: Pick<ScheduleRequest, 'status' | 'targetScheduleId'> & Partial<ScheduleRequest>): ScheduleRequest {
  const i = ctx.input;
  return {
    ...ctx.key,
    id: ctx.requestId,
    action: i.action,
    justification: i.justification,
    ticketInfo: i.ticketInfo,
    scheduleInfo: i.scheduleInfo,
    isValidationOnly: i.isValidationOnly,
    approvalId: null,
    createdById: ctx.caller.principal.id,
    createdAt: ctx.now,
    completedAt: ctx.now,
    expiresAt: null,
    ...fields,
  };
}

/** Stores the request with its audit event and change-feed row. */
export async function recordRequest(ctx: RequestContext, request: ScheduleRequest, activity: string, window?: Window): Promise<ScheduleRequest> {
  await ctx.tx.requests.insert(request);
  await ctx.tx.audit.append(
    auditRecord(ctx.key.tenantId, ctx.actor, ctx.correlationId, ctx.now, {
      activity,
      operationType: operationOf(request.action),
      targets: [roleTarget(ctx.role), principalTarget(ctx.principal), requestTarget(request)],
      details: requestDetails(request, window),
    }),
  );
  await ctx.tx.feed.append(request.tenantId, 'request.created', request.id, requestFacts(request));
  return request;
}

/** The directoryAudit operationType of a request. */
function operationOf(action: ScheduleRequest['action']): 'Assign' | 'Unassign' | 'Update' {
  if (action === 'adminRemove' || action === 'selfDeactivate') return 'Unassign';
  if (action === 'adminAssign' || action === 'selfActivate') return 'Assign';
  return 'Update';
}
