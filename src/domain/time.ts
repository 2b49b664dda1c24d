/**
 * Instants are epoch milliseconds everywhere in the core; ISO-8601 strings exist only at the
 * edges. Durations follow ISO-8601 (`PT8H`, `P365D`) as Graph does; calendar units (years and
 * months) are refused because their length depends on the date.
 */
import { DomainError } from './errors.ts';

export type Instant = number;

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

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
  const ms =
    Number(w ?? 0) * 7 * DAY + Number(d ?? 0) * DAY + Number(h ?? 0) * HOUR + Number(m ?? 0) * MINUTE +
    Math.round(Number(s ?? 0) * 1000);
  if (!Number.isSafeInteger(ms)) throw new DomainError('InvalidScheduleInfo', `Duration '${text}' is too long.`);
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

/** Parses an ISO-8601 date-time with an explicit offset (or Z). */
export function parseInstant(text: string): Instant {
  const match = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  // Date.parse rolls a day past the month's end over into the next month (Feb 30 → Mar 2).
  const ok = match !== null && Number(match[3]) <= new Date(Date.UTC(Number(match[1]), Number(match[2]), 0)).getUTCDate();
  const at = ok ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) {
    throw new DomainError('InvalidScheduleInfo', `'${text}' is not an ISO-8601 date-time with a time zone (e.g. 2026-01-31T09:00:00Z).`);
  }
  return at;
}
