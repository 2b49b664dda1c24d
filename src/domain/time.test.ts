import { describe, expect, it } from 'vitest';
import { DAY, HOUR, LATEST_INSTANT, LONGEST_DURATION, MINUTE, endAfter, formatDuration, parseDuration, parseInstant } from './time.ts';

describe('ISO-8601 durations', () => {
  it.each([
    ['PT8H', 8 * HOUR],
    ['PT30M', 30 * MINUTE],
    ['P365D', 365 * DAY],
    ['P1W', 7 * DAY],
    ['P1DT2H3M4S', DAY + 2 * HOUR + 3 * MINUTE + 4000],
    ['PT0.5S', 500],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', 'P1Y', 'P1M', 'PT1H ', '8h', 'P-1D', 'abc'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(expect.objectContaining({ code: 'InvalidScheduleInfo' }));
  });

  it('accepts up to 100 years and refuses anything longer, however it is written', () => {
    expect(parseDuration('P36525D')).toBe(LONGEST_DURATION);
    for (const text of ['P36526D', 'P5218W', 'PT876601H', 'P14300000W', 'P100000000D', `PT${'9'.repeat(30)}S`]) {
      expect(() => parseDuration(text), text).toThrow(expect.objectContaining({ code: 'InvalidScheduleInfo', message: expect.stringContaining('100 years') }));
    }
  });

  it.each([
    [8 * HOUR, 'PT8H'],
    [DAY + 30 * MINUTE, 'P1DT30M'],
    [0, 'PT0S'],
    [1500, 'PT1.5S'],
  ])('formats %d as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('date-times', () => {
  it('needs a zone', () => {
    expect(parseInstant('2026-01-05T09:00:00Z')).toBe(Date.UTC(2026, 0, 5, 9));
    expect(parseInstant('2026-01-05T10:00:00+01:00')).toBe(Date.UTC(2026, 0, 5, 9));
    expect(() => parseInstant('2026-01-05T09:00:00')).toThrow(expect.objectContaining({ code: 'InvalidScheduleInfo' }));
    expect(() => parseInstant('yesterday')).toThrow(expect.objectContaining({ code: 'InvalidScheduleInfo' }));
  });

  it('lies between 1970 and the end of 9999-12-31 (UTC), whatever the offset', () => {
    expect(parseInstant('1970-01-01T00:00:00Z')).toBe(0);
    expect(parseInstant('9999-12-31T23:59:59.999Z')).toBe(LATEST_INSTANT);
    for (const text of ['1969-12-31T23:59:59Z', '1970-01-01T00:30:00+01:00', '0000-01-01T00:00:00Z', '9999-12-31T23:00:00-05:00']) {
      expect(() => parseInstant(text), text).toThrow(expect.objectContaining({ code: 'InvalidScheduleInfo', message: expect.stringContaining('outside') }));
    }
  });

  it('an end computed from a start and a duration is refused past the range, never clamped', () => {
    expect(endAfter(LATEST_INSTANT - DAY, DAY, 'duration')).toBe(LATEST_INSTANT);
    expect(() => endAfter(LATEST_INSTANT - DAY, DAY + 1, 'scheduleInfo.expiration.duration')).toThrow(
      expect.objectContaining({ code: 'InvalidScheduleInfo', message: expect.stringContaining('scheduleInfo.expiration.duration') }),
    );
  });
});
