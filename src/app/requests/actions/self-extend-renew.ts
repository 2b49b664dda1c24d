/**
 * selfExtend (in a grant's last 14 days) and selfRenew (up to 30 days after it ended): the holder
 * asks, an admin approves (docs/guide.md, "Requests" and "Approvals"), so the request waits as
 * PendingApproval.
 */
import { requestActivity } from '../../../domain/audit/activities.ts';
import { DomainError } from '../../../domain/errors.ts';
import type { ScheduleRequest } from '../../../domain/model.ts';
import { assertExtendWindow, assertRenewWindow } from '../../../domain/requests/hard-rules.ts';
import { windowOf } from '../../../domain/requests/window.ts';
import { ruleOf } from '../../../domain/policy/rules.ts';
import { openApproval } from '../../approvals/open-approval.ts';
import { findOpenClosingOverdue } from '../../grants/find-open.ts';
import { newRequest, recordRequest, type RequestContext } from '../request-context.ts';
import { adminDefaultLength, checkPolicy } from './check-policy.ts';

export async function selfExtendOrRenew(ctx: RequestContext): Promise<ScheduleRequest> {
  const extending = ctx.input.action === 'selfExtend';
  const open = await findOpenClosingOverdue(ctx, ctx.key, ctx.input.targetScheduleId);
  let targetId: string;
  let window;
  if (extending) {
    if (!open) throw new DomainError('RoleAssignmentDoesNotExist', 'There is no current assignment of this role to extend.');
    assertExtendWindow(open, ctx.now);
    const asked = windowOf({ ...ctx.input.scheduleInfo, startDateTime: open.startAt }, open.startAt, adminDefaultLength(ctx));
    if (asked.endAt !== null && open.endAt !== null && asked.endAt <= open.endAt) {
      throw new DomainError('InvalidScheduleInfo', 'An extension must end later than the assignment does now.');
    }
    window = { startAt: open.startAt, endAt: asked.endAt };
    targetId = open.id;
  } else {
    if (open) throw new DomainError('RoleAssignmentExists', 'The assignment has not expired: extend it instead of renewing it.');
    const last = await ctx.tx.schedules.findLastClosed(ctx.key);
    if (!last || last.closeReason !== 'expired') throw new DomainError('RoleAssignmentDoesNotExist', 'There is no expired assignment of this role to renew.');
    assertRenewWindow(last, ctx.now);
    window = windowOf(ctx.input.scheduleInfo, ctx.now, adminDefaultLength(ctx));
    targetId = last.id;
  }
  checkPolicy(ctx, window);
  const request = newRequest(ctx, { status: 'PendingApproval', targetScheduleId: targetId, approvalId: ctx.requestId, completedAt: null });
  await recordRequest(ctx, request, requestActivity(ctx.key.kind, ctx.input.action, window.endAt === null), window);
  // Always approved by someone else: the policy's stages when isApprovalRequiredForExtension, else the tenant's admins.
  const settings = ruleOf(ctx.policy.rules, 'Approval_EndUser_Assignment', 'approval').setting;
  const stages = settings.isApprovalRequiredForExtension ? settings : { ...settings, approvalStages: [] };
  return (await openApproval(ctx.tx, request, stages, true, ctx.now)).request;
}
