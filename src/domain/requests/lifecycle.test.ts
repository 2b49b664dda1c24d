import { describe, expect, it } from 'vitest';
import { REQUEST_STATUSES, TERMINAL_STATUSES } from '../model.ts';
import { canTransition, isCancelable, transition } from './lifecycle.ts';

describe('request status machine', () => {
  it('never leaves a terminal status', () => {
    for (const from of TERMINAL_STATUSES) {
      for (const to of REQUEST_STATUSES) expect(canTransition(from, to)).toBe(false);
      expect(() => transition(from, 'Granted')).toThrow(expect.objectContaining({ code: 'ConcurrencyConflict' }));
    }
  });
  it('lets a pending request be approved, denied, canceled or time out', () => {
    for (const to of ['Granted', 'Provisioned', 'Denied', 'Canceled', 'TimedOut'] as const) expect(transition('PendingApproval', to)).toBe(to);
  });
  it('cancels only what has not run its course', () => {
    expect(REQUEST_STATUSES.filter(isCancelable)).toEqual(['PendingApproval', 'PendingScheduleCreation', 'Granted']);
  });
});
