/**
 * One approval and its request, for someone involved: the requester, one of its approvers, or an
 * administrator who may read assignments. Anyone else is told it does not exist.
 */
import type { Approval } from '../../domain/approvals/approval.ts';
import { DomainError } from '../../domain/errors.ts';
import type { ScheduleRequest } from '../../domain/model.ts';
import { can, PERMISSION } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import type { ReadRepositories } from '../ports/repositories.ts';

export async function loadApproval(
  tx: ReadRepositories<'approvals' | 'requests'>,
  caller: Caller,
  approvalId: string,
): Promise<{ approval: Approval; request: ScheduleRequest }> {
  const approval = await tx.approvals.get(caller.tenantId, approvalId);
  const request = approval && (await tx.requests.get(caller.tenantId, approval.kind, approval.requestId));
  if (!approval || !request) throw new DomainError('Request_ResourceNotFound', `Approval '${approvalId}' does not exist.`);
  const involved =
    request.principalId === caller.principal.id ||
    (await tx.approvals.approvers(caller.tenantId, approval.id)).some((a) => a.approverId === caller.principal.id) ||
    can(caller, PERMISSION.roleAssignmentsRead);
  if (!involved) throw new DomainError('Request_ResourceNotFound', `Approval '${approvalId}' does not exist.`);
  return { approval, request };
}
