/**
 * Deprovisioning (SCIM `active: false` or DELETE, docs/decisions/0009): the account is disabled
 * and everything it holds ends — every open eligibility and assignment, at any scope, current or
 * future, closed as adminRemove closes one (with the activations made from an eligibility), each
 * audited in the caller's transaction with change-feed rows for the access index and
 * notifications — and its pending requests are canceled. Break-glass accounts, which exist to
 * outlive an IdP outage, are never deprovisioned by SCIM, and neither is the tenant's last working
 * administrator (docs/decisions/0014): the IdP is told 409 and an administrator decides.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Principal, Schedule } from '../../domain/model.ts';
import { isCancelable, transition } from '../../domain/requests/lifecycle.ts';
import { auditRecord, principalTarget, requesterTarget, requestTarget } from '../audit/record.ts';
import { endApprovalOf } from '../approvals/open-approval.ts';
import { keepingAdministrators } from '../keep-administrators.ts';
import { requestFacts } from '../ports/change-feed.ts';
import { closeSchedule, endDependents } from '../grants/end-schedule.ts';
import type { ScimContext } from './scim-client.ts';

export function assertMayDeprovision(principal: Principal): void {
  if (principal.isBreakGlass) {
    throw new DomainError('Request_BadRequest', `'${principal.displayName}' is a break-glass account: SCIM cannot deactivate or delete it.`, {
      scimType: 'mutability',
    });
  }
}

/** Disables the account and ends every grant it holds; returns how many grants ended. */
export async function deprovision(ctx: ScimContext, principal: Principal): Promise<number> {
  assertMayDeprovision(principal);
  return keepingAdministrators(ctx.tx, principal.tenantId, ctx.now, async () => {
    await disableAccount(ctx, principal);
    return endAllAccess(ctx, principal);
  });
}

/** Disables the account if enabled (audited, fed). */
export async function disableAccount(ctx: ScimContext, principal: Principal): Promise<void> {
  if (!principal.accountEnabled) return;
  await ctx.tx.accounts.setAccountEnabled(principal.tenantId, principal.id, false);
  await ctx.tx.audit.append(
    auditRecord(principal.tenantId, ctx.actor, ctx.correlationId, ctx.now, {
      activity: ACTIVITY.accountDisabled,
      category: 'UserManagement',
      operationType: 'Update',
      targets: [{ ...principalTarget(principal), modifiedProperties: [{ displayName: 'AccountEnabled', oldValue: 'true', newValue: 'false' }] }],
      details: { Reason: 'SCIM deprovisioning' },
    }),
  );
  await ctx.tx.feed.append(principal.tenantId, 'principal.updated', principal.id, {
    changed: ['accountEnabled'],
    principal: { ...principal, accountEnabled: false },
  });
}

/**
 * Closes these open schedules as adminRemove would (a future one is canceled), each with an audit
 * event, and ends what depends on each eligibility. Eligibilities go first, so their activations
 * are recorded as ended with them. Returns how many were closed.
 */
export async function endSchedules(
  ctx: ScimContext,
  tenantId: string,
  ids: readonly string[],
  event: (s: Schedule) => { activity: string; reason: string },
): Promise<number> {
  const { tx } = ctx;
  const open = (await Promise.all(ids.map((id) => tx.schedules.get(tenantId, id))))
    .filter((s) => s !== null)
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'eligibility' ? -1 : 1));
  let ended = 0;
  for (const listed of open) {
    const schedule = await tx.schedules.get(tenantId, listed.id);
    if (!schedule || schedule.closed) continue;
    const { activity, reason } = event(schedule);
    const holder = await tx.principals.get(tenantId, schedule.principalId);
    await closeSchedule(ctx, schedule, schedule.startAt > ctx.now ? 'canceled' : 'removed');
    await tx.audit.append(
      auditRecord(tenantId, ctx.actor, ctx.correlationId, ctx.now, {
        activity,
        operationType: 'Unassign',
        targets: [
          { id: schedule.roleDefinitionId, displayName: null, type: 'Role' },
          holder ? principalTarget(holder) : { id: schedule.principalId, displayName: null, type: 'Other' },
        ],
        details: {
          ScheduleId: schedule.id,
          DirectoryScopeId: schedule.directoryScopeId,
          Reason: reason,
          ...(schedule.assignmentType ? { AssignmentType: schedule.assignmentType } : {}),
        },
      }),
    );
    if (schedule.startAt > ctx.now) {
      // A grant for later never starts: the request that granted it is Canceled, as a cancel would.
      for (const request of await tx.requests.byTargetSchedule(tenantId, schedule.id)) {
        if (request.status !== 'Granted') continue;
        const canceled = await tx.requests.applyTransition(transition(request, 'Canceled', ctx.now));
        await tx.audit.append(
          auditRecord(tenantId, ctx.actor, ctx.correlationId, ctx.now, {
            activity: ACTIVITY.requestCanceled,
            operationType: 'Update',
            targets: [requestTarget(request), requesterTarget(request)],
            details: { RequestId: request.id, Reason: reason },
          }),
        );
        await tx.feed.append(tenantId, 'request.canceled', request.id, requestFacts(canceled));
      }
    }
    await endDependents(ctx, schedule);
    ended++;
  }
  return ended;
}

/** Ends every open grant the principal holds and cancels its pending requests; returns how many grants ended. */
export async function endAllAccess(ctx: ScimContext, principal: Principal): Promise<number> {
  const { tx } = ctx;
  const ended = await endSchedules(ctx, principal.tenantId, await tx.provisioning.openScheduleIds(principal.tenantId, principal.id), (s) => ({
    activity: s.kind === 'eligibility' ? ACTIVITY.eligibilityDeprovisioned : ACTIVITY.assignmentDeprovisioned,
    reason: 'SCIM deprovisioning',
  }));
  for (const { kind, id } of await tx.provisioning.pendingRequestIds(principal.tenantId, principal.id)) {
    const request = await tx.requests.get(principal.tenantId, kind, id);
    if (!request || !isCancelable(request.status) || request.status === 'Granted') continue;
    const canceled = await tx.requests.applyTransition(transition(request, 'Canceled', ctx.now));
    await tx.timeline.unschedule('requestTimeout', request.id);
    await endApprovalOf(tx, request, 'Canceled', ctx.now);
    await tx.audit.append(
      auditRecord(principal.tenantId, ctx.actor, ctx.correlationId, ctx.now, {
        activity: ACTIVITY.requestCanceledDeprovisioned,
        operationType: 'Update',
        targets: [requestTarget(request), { id: request.roleDefinitionId, displayName: null, type: 'Role' }, principalTarget(principal)],
        details: { RequestId: request.id, Action: request.action, Reason: 'SCIM deprovisioning' },
      }),
    );
    await tx.feed.append(principal.tenantId, 'request.canceled', request.id, requestFacts(canceled));
  }
  return ended;
}
