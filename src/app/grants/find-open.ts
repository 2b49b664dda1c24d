/**
 * Finding the grant a request is about. A lookup that may write says so in its name: an open grant
 * whose end has passed is closed on the way (expired, audited, with its dependents), exactly as the
 * timeline would have, and is not returned.
 */
import type { AssignmentKey, Schedule } from '../../domain/model.ts';
import { expireIfOverdue } from './end-schedule.ts';
import type { GrantContext } from './grant-context.ts';

/**
 * The not-yet-closed schedule of `key` (or, given `scheduleId`, that one if it belongs to the key).
 * One whose end has passed is closed here — expired, audited, with its dependents — and null returned.
 */
export async function findOpenClosingOverdue(ctx: GrantContext, key: AssignmentKey, scheduleId: string | null = null): Promise<Schedule | null> {
  const open = scheduleId ? await ctx.tx.schedules.get(key.tenantId, scheduleId) : await ctx.tx.schedules.findOpen(key);
  if (!open || open.closed || !sameKey(open, key)) return null;
  if (await expireIfOverdue(ctx, open)) return null;
  return open;
}

export const sameKey = (a: AssignmentKey, b: AssignmentKey): boolean =>
  a.tenantId === b.tenantId &&
  a.kind === b.kind &&
  a.principalId === b.principalId &&
  a.roleDefinitionId === b.roleDefinitionId &&
  a.directoryScopeId === b.directoryScopeId;
