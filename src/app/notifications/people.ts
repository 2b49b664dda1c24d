/** Directory look-ups for notifications: who a principal is as a recipient, and who the privileged administrators are. */
import type { Principal } from '../../domain/model.ts';
import { ROLE } from '../../domain/roles/catalogue.ts';
import type { Instant } from '../../domain/time.ts';
import type { ReadRepositories } from '../ports/repositories.ts';
import type { Person } from './events.ts';

/** Enabled users only; their mail, else their user principal name (which is usually their address). */
export function asPerson(p: Principal | null): Person | null {
  if (!p || p.type !== 'user' || !p.accountEnabled) return null;
  const address = p.mail ?? p.userPrincipalName;
  return address ? { principalId: p.id, name: p.displayName, address } : null;
}

export async function personById(read: ReadRepositories<'principals'>, tenantId: string, id: string): Promise<Person | null> {
  return asPerson(await read.principals.get(tenantId, id));
}

export async function peopleByIds(read: ReadRepositories<'principals'>, tenantId: string, ids: readonly string[]): Promise<Person[]> {
  const people: Person[] = [];
  for (const id of new Set(ids)) {
    const p = await personById(read, tenantId, id);
    if (p) people.push(p);
  }
  return people;
}

/**
 * The default recipients of Notification_Admin_* rules and of the weekly digest: users holding
 * Global Administrator or Privileged Role Administrator at `/` now, directly or through a group.
 */
export async function privilegedAdmins(read: ReadRepositories<'principals' | 'schedules'>, tenantId: string, now: Instant): Promise<Person[]> {
  const holders = await read.schedules.holdersAtRoot(tenantId, [ROLE.globalAdministrator, ROLE.privilegedRoleAdministrator], now);
  const userIds: string[] = [];
  for (const id of holders) {
    const p = await read.principals.get(tenantId, id);
    if (p?.type === 'user') userIds.push(p.id);
    if (p?.type === 'group') userIds.push(...(await read.principals.usersIn(tenantId, p.id, now)));
  }
  return peopleByIds(read, tenantId, userIds);
}
