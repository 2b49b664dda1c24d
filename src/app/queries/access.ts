/**
 * Access checks (`POST /openpim/access/check`), holdings and holders. Anyone may ask about
 * themselves; asking about someone else — or who holds what at a scope — takes the right to read
 * role assignments (readers, admins, and the service principals an organisation gives that role
 * so its applications can ask).
 */
import type { Instant } from '../../domain/time.ts';
import { authorize, PERMISSION } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import type { AccessChecker, AccessHolder, AccessReason } from '../ports/access.ts';

export interface CheckInput {
  readonly principalId: string;
  readonly action: string;
  readonly scope: string;
}

function mayAskAbout(caller: Caller, principalId: string): void {
  if (principalId !== caller.principal.id) authorize(caller, PERMISSION.roleAssignmentsRead);
}

export async function checkAccess(access: AccessChecker, caller: Caller, checks: readonly CheckInput[], at: Instant) {
  for (const c of checks) mayAskAbout(caller, c.principalId);
  return Promise.all(checks.map((c) => access.check(caller.tenantId, c.principalId, c.action, c.scope, at)));
}

export async function holdingsOf(access: AccessChecker, caller: Caller, principalId: string, at: Instant, scope?: string): Promise<readonly AccessReason[]> {
  mayAskAbout(caller, principalId);
  return access.holdings(caller.tenantId, principalId, at, scope);
}

/** Who holds what at a scope at `at` (directly, inherited from above, and as members of holder groups). */
export async function holdersOf(access: AccessChecker, caller: Caller, scope: string, at: Instant): Promise<readonly AccessHolder[]> {
  authorize(caller, PERMISSION.roleAssignmentsRead);
  return access.holders(caller.tenantId, scope, at);
}
