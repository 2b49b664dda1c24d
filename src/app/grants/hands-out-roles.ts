/**
 * Does membership of this group hand out roles? A role-assignable group's does. So does that of an
 * ordinary group nested into one — by any edge, static or PIM for Groups, eligible or active —
 * which no path can create any more (docs/decisions/0014) but which an older database may hold.
 * Whoever changes such a group's members decides who holds roles, so only privileged
 * administrators may, by any path, and it takes no group as a member or owner.
 */
import type { Principal } from '../../domain/model.ts';
import type { Instant } from '../../domain/time.ts';
import type { PrincipalRepository } from '../ports/repositories.ts';

type Reads = { readonly principals: Pick<PrincipalRepository, 'get' | 'reachableGroups'> };

export async function handsOutRoles(tx: Reads, group: Principal, now: Instant): Promise<boolean> {
  if (group.isAssignableToRole) return true;
  for (const id of await tx.principals.reachableGroups(group.tenantId, group.id, now)) {
    if ((await tx.principals.get(group.tenantId, id))?.isAssignableToRole) return true;
  }
  return false;
}
