import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, formatDuration, parseDuration, parseInstant } from './time.ts';

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

  it.each([[8 * HOUR, 'PT8H'], [DAY + 30 * MINUTE, 'P1DT30M'], [0, 'PT0S'], [1500, 'PT1.5S']])('formats %d as %s', (ms, text) => {
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
});
