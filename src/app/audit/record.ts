/** Builds audit records from what a use case knows. */
import type { AuditActor, AuditRecord, AuditTarget } from '../../domain/audit/event.ts';
import type { Principal, RoleDefinition, ScheduleRequest } from '../../domain/model.ts';
import type { Caller } from '../caller.ts';

export const actorOf = (caller: Caller): AuditActor => ({
  id: caller.principal.id,
  displayName: caller.principal.displayName,
  userPrincipalName: caller.principal.userPrincipalName,
  type: caller.principal.type === 'servicePrincipal' ? 'servicePrincipal' : 'user',
  // Only when known: an event without an address serializes, and hashes, exactly as before it was kept.
  ...(caller.ipAddress ? { ipAddress: caller.ipAddress } : {}),
});

export const principalTarget = (p: Principal): AuditTarget => ({
  id: p.id,
  displayName: p.displayName,
  type: p.type === 'user' ? 'User' : p.type === 'group' ? 'Group' : 'ServicePrincipal',
  userPrincipalName: p.userPrincipalName,
});

export const roleTarget = (r: Pick<RoleDefinition, 'id' | 'displayName'>): AuditTarget => ({ id: r.id, displayName: r.displayName, type: 'Role' });

export const requestTarget = (q: Pick<ScheduleRequest, 'id'>): AuditTarget => ({ id: q.id, displayName: null, type: 'Request' });

/** Whom a request is for: named on every event about it, so it is among their own events ("my audit"). */
export const requesterTarget = (q: Pick<ScheduleRequest, 'principalId'>): AuditTarget => ({ id: q.principalId, displayName: null, type: 'User' });

type Fields = Pick<AuditRecord, 'activity' | 'operationType' | 'targets'> & Partial<Pick<AuditRecord, 'category' | 'result' | 'resultReason' | 'details'>>;

export function auditRecord(tenantId: string, actor: AuditActor, correlationId: string, at: number, fields: Fields): AuditRecord {
  return {
    tenantId,
    activityAt: at,
    category: fields.category ?? 'RoleManagement',
    result: fields.result ?? 'success',
    resultReason: fields.resultReason ?? null,
    correlationId,
    initiatedBy: actor,
    activity: fields.activity,
    operationType: fields.operationType,
    targets: fields.targets,
    details: fields.details ?? {},
  };
}

/** The details every request event carries. */
export function requestDetails(q: ScheduleRequest, window?: { startAt: number; endAt: number | null }): Record<string, string> {
  const details: Record<string, string> = { RequestId: q.id, Action: q.action, DirectoryScopeId: q.directoryScopeId };
  if (q.justification) details.Justification = q.justification;
  if (q.ticketInfo.ticketNumber) details.TicketNumber = q.ticketInfo.ticketNumber;
  if (q.ticketInfo.ticketSystem) details.TicketSystem = q.ticketInfo.ticketSystem;
  if (window) {
    details.StartDateTime = new Date(window.startAt).toISOString();
    details.EndDateTime = window.endAt === null ? 'permanent' : new Date(window.endAt).toISOString();
  }
  return details;
}
