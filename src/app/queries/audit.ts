/** Reading the audit log: security readers and admins all of it; everyone their own events. */
import { DomainError } from '../../domain/errors.ts';
import type { AuditEvent } from '../../domain/audit/event.ts';
import { authorize, PERMISSION } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import type { ReadRepositories } from '../ports/repositories.ts';
import type { ListQuery, Page } from '../query.ts';
import { verifyAudit, type VerifyResult } from '../audit/verify-audit.ts';

export function listAudit(read: ReadRepositories<'audit'>, caller: Caller, query: ListQuery): Promise<Page<AuditEvent>> {
  authorize(caller, PERMISSION.auditLogsRead);
  return read.audit.list(caller.tenantId, query);
}

/**
 * The caller's own events: those they initiated or are a target of (a request about them, a
 * password reset of their account, …). Anyone signed in may read these, and nothing else.
 */
export function listMyAudit(read: ReadRepositories<'audit'>, caller: Caller, query: ListQuery): Promise<Page<AuditEvent>> {
  return read.audit.listInvolving(caller.tenantId, caller.principal.id, query);
}

export async function getAuditEvent(read: ReadRepositories<'audit'>, caller: Caller, id: string): Promise<AuditEvent> {
  authorize(caller, PERMISSION.auditLogsRead);
  const event = await read.audit.get(caller.tenantId, id);
  if (!event) throw new DomainError('Request_ResourceNotFound', `Audit event '${id}' does not exist.`);
  return event;
}

export function verifyAuditFor(read: ReadRepositories<'audit'>, caller: Caller): Promise<VerifyResult> {
  authorize(caller, PERMISSION.auditLogsRead);
  return verifyAudit(read.audit);
}
