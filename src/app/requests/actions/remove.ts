/** adminRemove (an admin ends a grant) and selfDeactivate (its holder ends an activation early). */
import { requestActivity } from '../../../domain/audit/activities.ts';
import { DomainError } from '../../../domain/errors.ts';
import type { ScheduleRequest } from '../../../domain/model.ts';
import { assertMayEnd } from '../../../domain/requests/hard-rules.ts';
import { assertNotLastOwner, isGroupOwnership } from '../../../domain/safeguards.ts';
import { keepingAdministrators } from '../../keep-administrators.ts';
import { closeSchedule, endDependents } from '../../grants/end-schedule.ts';
import { findOpenClosingOverdue } from '../../grants/find-open.ts';
import { newRequest, recordRequest, type RequestContext } from '../request-context.ts';

export async function remove(ctx: RequestContext): Promise<ScheduleRequest> {
  const self = ctx.input.action === 'selfDeactivate';
  const schedule = await findOpenClosingOverdue(ctx, ctx.key, ctx.input.targetScheduleId);
  if (!schedule || (self && ctx.key.kind === 'assignment' && schedule.assignmentType !== 'Activated')) {
    throw new DomainError('RoleAssignmentDoesNotExist', self ? 'There is no activation of this role to deactivate.' : 'The role assignment does not exist.');
  }
  assertMayEnd(schedule, ctx.now);
  if (isGroupOwnership(schedule, ctx.now)) {
    assertNotLastOwner(
      schedule,
      await ctx.tx.schedules.countActiveAt(ctx.key.tenantId, schedule.roleDefinitionId, schedule.directoryScopeId, ctx.now, schedule.id),
      ctx.now,
    );
  }
  const request = newRequest(ctx, { status: 'Revoked', targetScheduleId: schedule.id });
  await recordRequest(ctx, request, requestActivity(ctx.key.kind, ctx.input.action, schedule.endAt === null), {
    startAt: schedule.startAt,
    endAt: schedule.endAt,
  });
  await keepingAdministrators(ctx.tx, ctx.key.tenantId, ctx.now, async () => {
    await closeSchedule(ctx, schedule, self ? 'deactivated' : 'removed');
    await endDependents(ctx, schedule);
  });
  return request;
}
