import { describe, expect, it } from 'vitest';
import { REQUEST_STATUSES, TERMINAL_STATUSES, type RequestStatus, type ScheduleRequest } from '../model.ts';
import { canTransition, isCancelable, transition } from './lifecycle.ts';

const T0 = Date.UTC(2026, 0, 5, 9);
const request = (status: RequestStatus, fields: Partial<ScheduleRequest> = {}): ScheduleRequest => ({
  tenantId: 't',
  kind: 'assignment',
  principalId: 'p',
  roleDefinitionId: 'r',
  directoryScopeId: '/',
  id: 'q1',
  action: 'selfActivate',
  status,
  justification: 'why',
  ticketInfo: { ticketNumber: null, ticketSystem: null },
  scheduleInfo: { startDateTime: null, expiration: { type: 'noExpiration' } },
  isValidationOnly: false,
  targetScheduleId: null,
  approvalId: 'q1',
  createdById: 'p',
  createdAt: T0,
  completedAt: null,
  expiresAt: null,
  ...fields,
});

describe('request status machine', () => {
  it('never leaves a terminal status, and says why', () => {
    for (const from of TERMINAL_STATUSES) {
      for (const to of REQUEST_STATUSES) expect(canTransition(from, to)).toBe(false);
      expect(() => transition(request(from), 'Granted', T0)).toThrow(
        expect.objectContaining({
          code: 'ConcurrencyConflict',
          message: `Request 'q1' cannot become Granted: it is already ${from}.`,
        }),
      );
    }
  });
  it('refuses a move the machine does not have from a live status', () => {
    expect(() => transition(request('Granted'), 'Denied', T0)).toThrow(
      expect.objectContaining({ message: "Request 'q1' cannot become Denied: it is Granted." }),
    );
    expect(() => transition(request('Granted'), 'Granted', T0)).toThrow(expect.objectContaining({ code: 'ConcurrencyConflict' }));
  });
  it('lets a pending request be approved, denied, canceled or time out', () => {
    for (const to of ['Granted', 'Provisioned', 'Denied', 'Canceled', 'TimedOut'] as const)
      expect(transition(request('PendingApproval'), to, T0).to.status).toBe(to);
  });
  it('decides completedAt: set when the request leaves pending (again when a grant for later starts), kept while pending', () => {
    const pending = request('PendingApproval');
    const granted = transition(pending, 'Granted', T0 + 1, 's1');
    expect(granted).toEqual({ from: pending, to: { ...pending, status: 'Granted', completedAt: T0 + 1, targetScheduleId: 's1' } });
    expect(transition(granted.to, 'Provisioned', T0 + 2).to).toMatchObject({ status: 'Provisioned', completedAt: T0 + 2, targetScheduleId: 's1' });
    expect(transition(request('PendingScheduleCreation', { completedAt: null }), 'PendingProvisioning', T0).to.completedAt).toBe(T0);
  });
  it('keeps the target schedule unless the move names one', () => {
    expect(transition(request('Granted', { targetScheduleId: 's0' }), 'Canceled', T0).to.targetScheduleId).toBe('s0');
  });
  it('cancels only what has not run its course', () => {
    expect(REQUEST_STATUSES.filter(isCancelable)).toEqual(['PendingApproval', 'PendingScheduleCreation', 'Granted']);
  });
});
