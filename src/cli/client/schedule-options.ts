/**
 * The options that shape a request's schedule and paperwork — `--reason`, `--ticket`,
 * `--duration`, `--start`, `--end`, `--permanent` — checked before anything is sent, and turned
 * into Graph's `justification`, `ticketInfo` and `scheduleInfo`.
 */
import { isDuration, parseInstant } from '../../domain/time.ts';
import { usageError } from './cli-error.ts';

export interface ScheduleOptions {
  readonly duration?: string;
  readonly start?: string;
  readonly end?: string;
  readonly permanent?: boolean;
}

/** `SYSTEM:NUMBER` (or a bare number) as Graph's ticketInfo. */
export function ticketInfo(ticket: string | undefined) {
  if (ticket === undefined) return undefined;
  const colon = ticket.indexOf(':');
  const [system, number] = colon < 0 ? [null, ticket] : [ticket.slice(0, colon), ticket.slice(colon + 1)];
  if (!number.trim()) throw usageError(`--ticket '${ticket}': expected SYSTEM:NUMBER, e.g. JIRA:OPS-4711`);
  return { ticketSystem: system?.trim() || null, ticketNumber: number.trim() };
}

/** An ISO-8601 instant with a zone, normalised; a usage error naming the option otherwise. */
function instant(option: string, value: string): string {
  try {
    return new Date(parseInstant(value)).toISOString();
  } catch {
    throw usageError(`${option} '${value}' is not an ISO-8601 date and time with a zone, such as 2026-05-01T09:00:00Z`);
  }
}

/** Graph's scheduleInfo for these options (no end given: the policy's default). */
export function scheduleInfo(options: ScheduleOptions) {
  const given = [options.duration !== undefined, options.end !== undefined, Boolean(options.permanent)].filter(Boolean).length;
  if (given > 1) throw usageError('give at most one of --duration, --end and --permanent');
  if (options.duration !== undefined && !isDuration(options.duration)) {
    throw usageError(`--duration '${options.duration}' is not an ISO-8601 duration (at most 100 years) such as PT2H`);
  }
  const expiration =
    options.duration !== undefined
      ? { type: 'afterDuration', duration: options.duration }
      : options.end !== undefined
        ? { type: 'afterDateTime', endDateTime: instant('--end', options.end) }
        : options.permanent
          ? { type: 'noExpiration' }
          : { type: 'notSpecified' };
  return { ...(options.start !== undefined ? { startDateTime: instant('--start', options.start) } : {}), expiration };
}

/** `--reason` when given, not blank. */
export function reasonOf(reason: string | undefined, required: boolean): string | undefined {
  if (reason === undefined) {
    if (required) throw usageError('--reason is required');
    return undefined;
  }
  if (!reason.trim()) throw usageError('--reason must not be empty');
  return reason;
}
