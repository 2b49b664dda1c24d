import { describe, expect, it } from 'vitest';
import { DAY, HOUR, LATEST_INSTANT, LONGEST_DURATION } from '../time.ts';
import { windowOf } from './window.ts';

const NOW = Date.UTC(2026, 0, 5, 9);

describe('windowOf', () => {
  it('starts now when no start or a past start is given', () => {
    expect(windowOf({ startDateTime: null, expiration: { type: 'afterDuration', duration: 'PT1H' } }, NOW, null)).toEqual({ startAt: NOW, endAt: NOW + HOUR });
    expect(windowOf({ startDateTime: NOW - HOUR, expiration: { type: 'noExpiration' } }, NOW, null)).toEqual({ startAt: NOW, endAt: null });
  });
  it('keeps a future start and counts the duration from it', () => {
    expect(windowOf({ startDateTime: NOW + HOUR, expiration: { type: 'afterDuration', duration: 'PT2H' } }, NOW, null)).toEqual({
      startAt: NOW + HOUR,
      endAt: NOW + 3 * HOUR,
    });
  });
  it('gives notSpecified the default length, or permanence', () => {
    expect(windowOf({ startDateTime: null, expiration: { type: 'notSpecified' } }, NOW, 8 * HOUR).endAt).toBe(NOW + 8 * HOUR);
    expect(windowOf({ startDateTime: null, expiration: { type: 'notSpecified' } }, NOW, null).endAt).toBeNull();
  });
  it('refuses, never clamps, an end past 9999-12-31, naming what pushed it there', () => {
    const late = Date.UTC(9999, 11, 31);
    const refused = (field: string) => expect.objectContaining({ code: 'InvalidScheduleInfo', message: expect.stringContaining(field) });
    expect(windowOf({ startDateTime: late, expiration: { type: 'afterDuration', duration: 'PT23H' } }, NOW, null).endAt).toBe(late + 23 * HOUR);
    expect(() => windowOf({ startDateTime: late, expiration: { type: 'afterDuration', duration: 'P2D' } }, NOW, null)).toThrow(
      refused('scheduleInfo.expiration.duration'),
    );
    expect(() => windowOf({ startDateTime: late, expiration: { type: 'notSpecified' } }, NOW, 2 * DAY)).toThrow(refused('scheduleInfo.startDateTime'));
    // A long default length from now is fine: 100 years from any year before 9900.
    expect(windowOf({ startDateTime: null, expiration: { type: 'notSpecified' } }, NOW, LONGEST_DURATION).endAt).toBe(NOW + LONGEST_DURATION);
  });
  it('re-checks instants that did not come through the HTTP boundary', () => {
    const refused = (field: string) => expect.objectContaining({ code: 'InvalidScheduleInfo', message: expect.stringContaining(field) });
    expect(() => windowOf({ startDateTime: LATEST_INSTANT + 1, expiration: { type: 'noExpiration' } }, NOW, null)).toThrow(
      refused('scheduleInfo.startDateTime'),
    );
    expect(() => windowOf({ startDateTime: null, expiration: { type: 'afterDateTime', endDateTime: 8.64e15 } }, NOW, null)).toThrow(
      refused('scheduleInfo.expiration.endDateTime'),
    );
    expect(() => windowOf({ startDateTime: -1, expiration: { type: 'noExpiration' } }, NOW, null)).toThrow(refused('scheduleInfo.startDateTime'));
  });
  it('refuses an end at or before the start', () => {
    expect(() => windowOf({ startDateTime: null, expiration: { type: 'afterDateTime', endDateTime: NOW } }, NOW, null)).toThrow(
      expect.objectContaining({ code: 'InvalidScheduleInfo' }),
    );
  });
});
