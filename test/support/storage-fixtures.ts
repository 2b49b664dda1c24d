/**
 * Rows for storage-level tests that write through repositories directly (no use case): sensible
 * defaults for everything a test does not care about, fresh ids every time.
 */
import { randomUUID } from 'node:crypto';
import type { Principal, Schedule, ScheduleRequest } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';

/** An instant with milliseconds, so truncation to seconds would show. */
export const T0 = Date.parse('2026-01-05T09:00:00.123Z');

export function aPrincipal(tenantId: string, fields: Partial<Principal> = {}): Principal {
  const id = fields.id ?? randomUUID();
  return {
    tenantId,
    id,
    type: 'user',
    displayName: `User ${id.slice(0, 8)}`,
    userPrincipalName: `${id}@contoso.test`,
    mail: null,
    accountEnabled: true,
    isBreakGlass: false,
    isAssignableToRole: false,
    description: null,
    managerId: null,
    createdAt: T0,
    ...fields,
  };
}

/** An open, permanent User Administrator assignment at `/` starting at T0. */
export function aSchedule(tenantId: string, principalId: string, fields: Partial<Schedule> = {}): Schedule {
  return {
    tenantId,
    kind: 'assignment',
    principalId,
    roleDefinitionId: ROLE.userAdministrator,
    directoryScopeId: '/',
    id: randomUUID(),
    assignmentType: 'Assigned',
    memberType: 'Direct',
    startAt: T0,
    endAt: null,
    closed: false,
    closeReason: null,
    closedAt: null,
    createdUsing: randomUUID(),
    sourceScheduleId: null,
    createdAt: T0,
    modifiedAt: T0,
    ...fields,
  };
}

/** A User Administrator activation request at `/`. */
export function aRequest(tenantId: string, principalId: string, fields: Partial<ScheduleRequest> = {}): ScheduleRequest {
  return {
    tenantId,
    kind: 'assignment',
    principalId,
    roleDefinitionId: ROLE.userAdministrator,
    directoryScopeId: '/',
    id: randomUUID(),
    action: 'selfActivate',
    status: 'Provisioned',
    justification: 'Needed for work',
    ticketInfo: { ticketNumber: null, ticketSystem: null },
    scheduleInfo: { startDateTime: null, expiration: { type: 'afterDuration', duration: 'PT1H' } },
    isValidationOnly: false,
    targetScheduleId: null,
    approvalId: null,
    createdById: principalId,
    createdAt: T0,
    completedAt: T0,
    expiresAt: null,
    ...fields,
  };
}
