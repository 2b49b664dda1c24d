/**
 * Who may decide a stage, resolved from its subject sets: named users, members of groups (nested
 * included), the requester's manager; directory roles with no approver listed fall back to the
 * Privileged Role and Global Administrators active now. The requester is never among them — not
 * directly, not through a group, not as their own manager.
 */
import type { Approval, ApprovalStage } from '../../domain/approvals/approval.ts';
import type { SubjectSet } from '../../domain/policy/rules.ts';
import { ROLE } from '../../domain/roles/catalogue.ts';
import type { Instant } from '../../domain/time.ts';
import type { ReadRepositories, ResolvedApprover } from '../ports/repositories.ts';

type Source = ResolvedApprover['source'];
/** What resolving approvers reads: the directory, and who holds the administrator roles. */
export type ApproverReads = ReadRepositories<'principals' | 'schedules'>;

async function usersOf(tx: ReadRepositories<'principals'>, tenantId: string, requesterId: string, subject: SubjectSet, now: Instant): Promise<string[]> {
  switch (subject['@odata.type']) {
    case '#microsoft.graph.singleUser': {
      const user = await tx.principals.get(tenantId, subject.userId);
      return user && user.type === 'user' && user.accountEnabled ? [user.id] : [];
    }
    case '#microsoft.graph.groupMembers':
      return tx.principals.usersIn(tenantId, subject.groupId, now);
    case '#microsoft.graph.requestorManager': {
      let current = await tx.principals.get(tenantId, requesterId);
      for (let level = 0; level < subject.managerLevel && current?.managerId; level++) {
        current = await tx.principals.get(tenantId, current.managerId);
      }
      return current && current.id !== requesterId && current.type === 'user' && current.accountEnabled ? [current.id] : [];
    }
  }
}

async function administrators(tx: ApproverReads, tenantId: string, now: Instant): Promise<string[]> {
  const holders = await tx.schedules.holdersAtRoot(tenantId, [ROLE.globalAdministrator, ROLE.privilegedRoleAdministrator], now);
  const users = new Set<string>();
  for (const id of holders) {
    const p = await tx.principals.get(tenantId, id);
    if (p?.type === 'user' && p.accountEnabled) users.add(p.id);
    if (p?.type === 'group') for (const u of await tx.principals.usersIn(tenantId, p.id, now)) users.add(u);
  }
  return [...users];
}

/** The approvers of a stage right now, by where they come from. */
export async function resolveApprovers(tx: ApproverReads, approval: Approval, stage: ApprovalStage, now: Instant): Promise<Map<Source, string[]>> {
  const collect = async (subjects: readonly SubjectSet[]) => {
    const ids = new Set<string>();
    for (const s of subjects) for (const id of await usersOf(tx, approval.tenantId, approval.requesterId, s, now)) ids.add(id);
    ids.delete(approval.requesterId);
    return [...ids];
  };
  const result = new Map<Source, string[]>();
  const primary = await collect(stage.primaryApprovers);
  if (primary.length > 0) result.set('primary', primary);
  else if (approval.fallbackToAdmins)
    result.set(
      'fallback',
      (await administrators(tx, approval.tenantId, now)).filter((id) => id !== approval.requesterId),
    );
  if (stage.escalated) result.set('escalation', await collect(stage.escalationApprovers));
  return result;
}

/** Is this principal an approver of the stage right now? (Re-checked at every decision.) */
export async function isApproverNow(tx: ApproverReads, approval: Approval, stage: ApprovalStage, principalId: string, now: Instant): Promise<boolean> {
  for (const ids of (await resolveApprovers(tx, approval, stage, now)).values()) if (ids.includes(principalId)) return true;
  return false;
}
