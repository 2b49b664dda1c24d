/**
 * The last-administrator safeguard on every path (docs/decisions/0014): a change that might take
 * away a working Global or Privileged Role Administrator runs inside `keepingAdministrators`, which
 * counts the working grants before and after it in the same transaction and refuses the change —
 * rolling the whole transaction back — when a guarded role is left with none. Write transactions
 * run one at a time (docs/decisions/0005), so two concurrent changes can't both see the other's
 * grant and both go through.
 */
import { assertAdministratorsKept, countWorking, GUARDED_ROLES } from '../domain/safeguards.ts';
import type { Instant } from '../domain/time.ts';
import type { ScheduleRepository } from './ports/repositories.ts';

type Reads = { readonly schedules: Pick<ScheduleRepository, 'standingGrants'> };

export async function keepingAdministrators<T>(tx: Reads, tenantId: string, now: Instant, change: () => Promise<T>): Promise<T> {
  const before = countWorking(await tx.schedules.standingGrants(tenantId, GUARDED_ROLES, now));
  const result = await change();
  const after = countWorking(await tx.schedules.standingGrants(tenantId, GUARDED_ROLES, now));
  assertAdministratorsKept(before, after);
  return result;
}
