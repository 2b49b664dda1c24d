/**
 * Instants are epoch milliseconds everywhere in the core; ISO-8601 strings exist only at the
 * edges. Durations follow ISO-8601 (`PT8H`, `P365D`) as Graph does; calendar units (years and
 * months) are refused because their length depends on the date.
 *
 * Both are bounded: an instant lies between 1970-01-01 and the end of 9999-12-31 (UTC) — what a
 * four-digit ISO-8601 year writes, well inside what a JavaScript Date and a 64-bit column hold —
 * and a duration is at most 100 years (P36525D). An end computed from a start and a duration is
 * checked against the same bound (see endAfter): it is refused, never clamped.
 */
import { DomainError } from './errors.ts';

export type Instant = number;

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The earliest instant accepted: 1970-01-01T00:00:00Z. */
export const EARLIEST_INSTANT: Instant = 0;
/** The latest instant accepted or computed: 9999-12-31T23:59:59.999Z. */
export const LATEST_INSTANT: Instant = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** The longest duration accepted: 100 years of 365.25 days (P36525D). */
export const LONGEST_DURATION = 36_525 * DAY;

const RANGE = '1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z';

/** Whether an instant lies in the supported range (and is an integer number of milliseconds). */
export const isSupportedInstant = (at: number): boolean => Number.isSafeInteger(at) && at >= EARLIEST_INSTANT && at <= LATEST_INSTANT;

/**
 * `start + duration`, refused with InvalidScheduleInfo naming `field` when it would end past
 * LATEST_INSTANT. @example endAfter(Date.UTC(9999, 11, 31), 2 * DAY, 'duration') // throws
 */
export function endAfter(start: Instant, duration: number, field: string): Instant {
  const end = start + duration;
  if (!isSupportedInstant(start) || !Number.isSafeInteger(duration) || duration < 0 || !isSupportedInstant(end)) {
    throw new DomainError('InvalidScheduleInfo', `${field}: the end would fall outside ${RANGE}; ask for a shorter duration or an earlier start.`);
  }
  return end;
}

/** Refuses an instant outside the supported range with InvalidScheduleInfo naming `field`. */
export function assertSupportedInstant(at: Instant, field: string): Instant {
  if (!isSupportedInstant(at)) throw new DomainError('InvalidScheduleInfo', `${field} must lie between ${RANGE}.`);
  return at;
}

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Parses an ISO-8601 duration into milliseconds. @example parseDuration('PT1H30M') === 5_400_000 */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) {
    throw new DomainError(
      'InvalidScheduleInfo',
      `'${text}' is not a supported ISO-8601 duration (use weeks, days, hours, minutes, seconds, e.g. PT8H or P30D).`,
    );
  }
  const [, w, d, h, m, s] = match;
  const ms = Number(w ?? 0) * 7 * DAY + Number(d ?? 0) * DAY + Number(h ?? 0) * HOUR + Number(m ?? 0) * MINUTE + Math.round(Number(s ?? 0) * 1000);
  if (!Number.isSafeInteger(ms) || ms > LONGEST_DURATION) {
    throw new DomainError('InvalidScheduleInfo', `Duration '${text}' is too long: at most 100 years (P36525D).`);
  }
  return ms;
}

/** Whether a string is a duration parseDuration accepts. */
export function isDuration(text: string): boolean {
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
}

/** Formats milliseconds as the shortest ISO-8601 duration (days, hours, minutes, seconds). */
export function formatDuration(ms: number): string {
  if (ms <= 0) return 'PT0S';
  const days = Math.floor(ms / DAY);
  let rest = ms - days * DAY;
  const hours = Math.floor(rest / HOUR);
  rest -= hours * HOUR;
  const minutes = Math.floor(rest / MINUTE);
  rest -= minutes * MINUTE;
  const seconds = rest / 1000;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

/** ISO-8601 UTC text of an instant, as Graph writes dateTimeOffset values. */
export const toIso = (at: Instant): string => new Date(at).toISOString();

/** Parses an ISO-8601 date-time with an explicit offset (or Z), between 1970 and 9999-12-31 (UTC). */
export function parseInstant(text: string): Instant {
  const match = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  // Date.parse rolls a day past the month's end over into the next month (Feb 30 → Mar 2).
  const ok = match !== null && Number(match[3]) <= new Date(Date.UTC(Number(match[1]), Number(match[2]), 0)).getUTCDate();
  const at = ok ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) {
    throw new DomainError('InvalidScheduleInfo', `'${text}' is not an ISO-8601 date-time with a time zone (e.g. 2026-01-31T09:00:00Z).`);
  }
  if (!isSupportedInstant(at)) throw new DomainError('InvalidScheduleInfo', `'${text}' is outside ${RANGE}.`);
  return at;
}
