/**
 * Cancel a request that has not run its course (Graph: POST …/{id}/cancel): one awaiting approval,
 * or one granted with a future start (its schedule is withdrawn). The requester or an admin may.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import type { ScheduleKind, ScheduleRequest } from '../../domain/model.ts';
import { isCancelable, transition } from '../../domain/requests/lifecycle.ts';
import { auditRecord, requesterTarget, requestTarget } from '../audit/record.ts';
import { can, PERMISSION } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import { requestFacts } from '../ports/change-feed.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { endApprovalOf } from '../approvals/open-approval.ts';
import { closeSchedule } from '../grants/end-schedule.ts';
import { grantContextOf, type GrantRepositories } from '../grants/grant-context.ts';

export async function cancelRequest(
  deps: { uow: UnitOfWork<keyof GrantRepositories>; clock: Clock; ids: Ids },
  caller: Caller,
  kind: ScheduleKind,
  id: string,
): Promise<ScheduleRequest> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const request = await tx.requests.get(caller.tenantId, kind, id);
    const own = request && (request.principalId === caller.principal.id || request.createdById === caller.principal.id);
    if (!request || (!own && !can(caller, PERMISSION.roleAssignmentsRead))) {
      throw new DomainError('Request_ResourceNotFound', `Request '${id}' does not exist.`);
    }
    if (!own && !can(caller, PERMISSION.roleAssignmentsManage)) {
      throw new DomainError('Authorization_RequestDenied', 'Only the requester or an administrator can cancel a request.');
    }
    if (!isCancelable(request.status)) {
      throw new DomainError('RequestCannotBeCanceled', `The request is ${request.status}; only pending or granted-but-not-started requests can be canceled.`);
    }
    const ctx = grantContextOf(tx, deps.ids, now, caller);
    if (request.status === 'Granted' && request.targetScheduleId) {
      const schedule = await tx.schedules.get(caller.tenantId, request.targetScheduleId);
      // Start times are compared with the clock, not trusted to the timeline: once the start has
      // come the grant is in effect, and ending it is a removal (with its 5-minute floor and
      // safeguards), not a cancel.
      if (schedule && !schedule.closed && schedule.startAt <= now) {
        throw new DomainError('RequestCannotBeCanceled', 'The request has started; remove or deactivate the assignment instead.');
      }
      if (schedule && !schedule.closed) await closeSchedule(ctx, schedule, 'canceled');
    }
    const canceled = await tx.requests.applyTransition(transition(request, 'Canceled', now));
    await tx.timeline.unschedule('requestTimeout', request.id);
    await endApprovalOf(tx, request, 'Canceled', now);
    await tx.audit.append(
      auditRecord(caller.tenantId, ctx.actor, ctx.correlationId, now, {
        activity: ACTIVITY.requestCanceled,
        operationType: 'Update',
        targets: [requestTarget(request), { id: request.roleDefinitionId, displayName: null, type: 'Role' }, requesterTarget(request)],
        details: { RequestId: request.id, Action: request.action },
      }),
    );
    await tx.feed.append(caller.tenantId, 'request.canceled', request.id, requestFacts(canceled));
    return canceled;
  });
}
