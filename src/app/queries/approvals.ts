/** Reading approvals: the approver inbox, and one approval with its steps and decisions. */
import type { Approval, ApprovalDecision } from '../../domain/approvals/approval.ts';
import type { ScheduleKind, ScheduleRequest } from '../../domain/model.ts';
import type { Caller } from '../caller.ts';
import { loadApproval } from '../approvals/load-approval.ts';
import type { ReadRepositories, ResolvedApprover } from '../ports/repositories.ts';
import type { ListQuery, Page } from '../query.ts';
import { isOfProvider, ofProvider, type Provider } from './provider.ts';
import { DomainError } from '../../domain/errors.ts';

/** filterByCurrentUser(on='approver'): pending requests the caller may decide now. */
export const listApproverInbox = (
  read: ReadRepositories<'requests'>,
  caller: Caller,
  provider: Provider,
  kind: ScheduleKind,
  query: ListQuery,
): Promise<Page<ScheduleRequest>> => read.requests.listForApprover(caller.tenantId, kind, caller.principal.id, ofProvider(query, provider));

export interface ApprovalView {
  readonly approval: Approval;
  readonly request: ScheduleRequest;
  readonly decisions: readonly ApprovalDecision[];
  readonly approvers: readonly ResolvedApprover[];
}

/** An approval as its requester, its approvers and readers may see it (`provider` null: whichever collection it belongs to). */
export async function getApproval(
  read: ReadRepositories<'approvals' | 'requests'>,
  caller: Caller,
  provider: Provider | null,
  approvalId: string,
): Promise<ApprovalView> {
  const { approval, request } = await loadApproval(read, caller, approvalId);
  if (provider && !isOfProvider(request.roleDefinitionId, provider))
    throw new DomainError('Request_ResourceNotFound', `Approval '${approvalId}' does not exist.`);
  const [decisions, approvers] = await Promise.all([
    read.approvals.decisions(caller.tenantId, approval.id),
    read.approvals.approvers(caller.tenantId, approval.id),
  ]);
  return { approval, request, decisions, approvers };
}
