import { describe, expect, it } from 'vitest';
import { HOUR } from '../time.ts';
import { windowOf } from './window.ts';

const NOW = Date.UTC(2026, 0, 5, 9);

describe('windowOf', () => {
  it('starts now when no start or a past start is given', () => {
    expect(windowOf({ startDateTime: null, expiration: { type: 'afterDuration', duration: 'PT1H' } }, NOW, null)).toEqual({ startAt: NOW, endAt: NOW + HOUR });
    expect(windowOf({ startDateTime: NOW - HOUR, expiration: { type: 'noExpiration' } }, NOW, null)).toEqual({ startAt: NOW, endAt: null });
  });
  it('keeps a future start and counts the duration from it', () => {
    expect(windowOf({ startDateTime: NOW + HOUR, expiration: { type: 'afterDuration', duration: 'PT2H' } }, NOW, null)).toEqual({ startAt: NOW + HOUR, endAt: NOW + 3 * HOUR });
  });
  it('gives notSpecified the default length, or permanence', () => {
    expect(windowOf({ startDateTime: null, expiration: { type: 'notSpecified' } }, NOW, 8 * HOUR).endAt).toBe(NOW + 8 * HOUR);
    expect(windowOf({ startDateTime: null, expiration: { type: 'notSpecified' } }, NOW, null).endAt).toBeNull();
  });
  it('refuses an end at or before the start', () => {
    expect(() => windowOf({ startDateTime: null, expiration: { type: 'afterDateTime', endDateTime: NOW } }, NOW, null))
      .toThrow(expect.objectContaining({ code: 'InvalidScheduleInfo' }));
  });
});
