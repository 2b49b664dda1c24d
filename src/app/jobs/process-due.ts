/**
 * The timeline job: performs transitions that have come due — a future grant starting, a grant
 * ending, a pending request timing out — each in its own transaction with its audit event.
 * Decisions never wait for it (expiry is intrinsic); it records what happened and does the side
 * effects. Handlers are idempotent: they re-read the entity and act only if the transition is
 * still due, so an item processed twice (a crash after commit, two nodes) changes nothing twice.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { SYSTEM_ACTOR } from '../../domain/audit/event.ts';
import { isPending, type Schedule } from '../../domain/model.ts';
import { transition } from '../../domain/requests/lifecycle.ts';
import { MINUTE, type Instant } from '../../domain/time.ts';
import { auditRecord, requesterTarget, requestTarget } from '../audit/record.ts';
import { requestFacts } from '../ports/change-feed.ts';
import type { Clock, Ids } from '../ports/clock.ts';
import type { TimelineItem, UnitOfWork } from '../ports/repositories.ts';
import { expireIfOverdue } from '../grants/end-schedule.ts';
import type { GrantContext, GrantRepositories } from '../grants/grant-context.ts';
import { currentStage, markEscalated } from '../../domain/approvals/approval.ts';
import { resolveApprovers } from '../approvals/approvers.ts';
import { approvalPending, endApprovalOf } from '../approvals/open-approval.ts';
import { remindExpiry } from '../grants/expiry-reminders.ts';
import { findRequestOfAnyKind } from '../queries/requests.ts';

export interface ProcessDueDeps {
  readonly uow: UnitOfWork<keyof GrantRepositories>;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly onError?: (item: TimelineItem, error: unknown) => void;
}

const BATCH = 500;

/** Processes everything due at the clock's now; returns how many items it handled. */
export async function processDue(deps: ProcessDueDeps): Promise<number> {
  let handled = 0;
  for (;;) {
    const now = deps.clock.now();
    const items = await deps.uow.read.timeline.due(now, BATCH);
    for (const item of items) {
      try {
        await deps.uow.run((tx) => handle({ tx, ids: deps.ids, now, actor: SYSTEM_ACTOR, correlationId: deps.ids.uuid() }, item));
      } catch (error) {
        deps.onError?.(item, error);
        await deps.uow.run((tx) => tx.timeline.fail(item.id, String(error), now + MINUTE));
      }
      handled++;
    }
    if (items.length < BATCH) return handled;
  }
}

/** A timeline item's handler: grant mechanics over the whole transaction, acting as the system. */
async function handle(ctx: GrantContext, item: TimelineItem): Promise<void> {
  const { tx, now, correlationId } = ctx;
  switch (item.kind) {
    case 'scheduleEnd': {
      await expireIfOverdue(ctx, await tx.schedules.get(item.tenantId, item.refId));
      break;
    }
    case 'scheduleStart': {
      const schedule = await tx.schedules.get(item.tenantId, item.refId);
      if (schedule && !schedule.closed && schedule.startAt <= now) {
        for (const request of await tx.requests.byTargetSchedule(item.tenantId, schedule.id)) {
          if (request.status !== 'Granted') continue;
          await tx.requests.applyTransition(transition(request, 'Provisioned', now));
          await tx.audit.append(
            auditRecord(item.tenantId, SYSTEM_ACTOR, correlationId, now, {
              activity: startActivity(schedule),
              operationType: 'Assign',
              targets: [
                { id: schedule.roleDefinitionId, displayName: null, type: 'Role' },
                { id: schedule.principalId, displayName: null, type: 'User' },
                requestTarget(request),
              ],
              details: { ScheduleId: schedule.id, RequestId: request.id },
            }),
          );
        }
        await tx.feed.append(item.tenantId, 'schedule.started', schedule.id, { schedule });
      }
      break;
    }
    case 'requestTimeout': {
      const request = await findRequestOfAnyKind(tx, item.tenantId, item.refId);
      if (request && isPending(request.status) && request.expiresAt !== null && request.expiresAt <= now) {
        const timedOut = await tx.requests.applyTransition(transition(request, 'TimedOut', now));
        await endApprovalOf(tx, request, 'Expired', now);
        await tx.audit.append(
          auditRecord(item.tenantId, SYSTEM_ACTOR, correlationId, now, {
            activity: ACTIVITY.requestTimedOut,
            operationType: 'Update',
            targets: [requestTarget(request), { id: request.roleDefinitionId, displayName: null, type: 'Role' }, requesterTarget(request)],
            details: { RequestId: request.id, Action: request.action },
          }),
        );
        await tx.feed.append(item.tenantId, 'request.timedOut', request.id, requestFacts(timedOut));
      }
      break;
    }
    case 'approvalEscalation': {
      await escalate(tx, item, now, correlationId);
      break;
    }
    case 'expiryReminder':
      await remindExpiry(tx, item, now);
      break;
  }
  await tx.timeline.complete(item, now);
}

/** An eligibility starting is not an active membership starting: the audit says which began. */
function startActivity(s: Schedule): string {
  if (s.kind === 'eligibility') return ACTIVITY.eligibilityStarted;
  return s.assignmentType === 'Activated' ? ACTIVITY.activationStarted : ACTIVITY.scheduleStarted;
}

/** A stage nobody decided in time: its escalation approvers join, and hear about it. */
async function escalate(tx: GrantRepositories, item: TimelineItem, now: Instant, correlationId: string): Promise<void> {
  const [approvalId, stageText] = item.refId.split(':');
  const approval = await tx.approvals.get(item.tenantId, approvalId!);
  const stage = approval && currentStage(approval);
  if (!approval || !stage || stage.index !== Number(stageText) || stage.escalated) return;
  const request = await tx.requests.get(item.tenantId, approval.kind, approval.requestId);
  if (!request || !isPending(request.status)) return;
  const escalated = markEscalated(approval, stage);
  await tx.approvals.update(escalated, now);
  const added = (await resolveApprovers(tx, escalated, currentStage(escalated)!, now)).get('escalation') ?? [];
  await tx.approvals.addApprovers(item.tenantId, approval.id, stage.index, added, 'escalation');
  await tx.audit.append(
    auditRecord(item.tenantId, SYSTEM_ACTOR, correlationId, now, {
      activity: ACTIVITY.requestEscalated,
      operationType: 'Update',
      targets: [requestTarget(request), { id: request.roleDefinitionId, displayName: null, type: 'Role' }, requesterTarget(request)],
      details: { RequestId: request.id, Stage: String(stage.index + 1), EscalationApprovers: added.join(',') },
    }),
  );
  await tx.feed.append(item.tenantId, 'approval.pending', approval.id, approvalPending(escalated, stage, request, added, true));
}
