/**
 * A request's story in order: asked, each approver's decision, the outcome, and the access window
 * it opened (what is still to come marked as such). Built from the request and its approval alone.
 */
import { durationToMinutes } from '../../lib/time.ts';
import type { Approval, MyRequest } from './api.ts';
import { actionLabel, askedStart, outcomeLabel } from './labels.ts';

export type Tone = 'neutral' | 'good' | 'bad' | 'upcoming';

export interface TimelineEntry {
  readonly at: string;
  readonly title: string;
  readonly detail: string | null;
  readonly tone: Tone;
}

const GRANTS = new Set(['selfActivate', 'selfExtend', 'selfRenew', 'adminAssign', 'adminUpdate', 'adminExtend', 'adminRenew']);
const IN_FORCE = new Set(['Granted', 'Provisioned', 'PendingProvisioning']);

function outcome(r: MyRequest): { title: string; tone: Tone; detail: string | null } {
  switch (r.status) {
    case 'Provisioned':
      return { title: outcomeLabel(r), tone: 'good', detail: null };
    case 'Denied':
      return { title: 'Denied', tone: 'bad', detail: null };
    case 'Canceled':
      return { title: 'Canceled', tone: 'neutral', detail: null };
    case 'TimedOut':
      return { title: 'Timed out', tone: 'bad', detail: 'No decision came in time.' };
    case 'Failed':
      return { title: 'Failed', tone: 'bad', detail: 'It could not be carried out; an administrator can see why in the audit log.' };
    case 'Revoked':
      return { title: 'Ended', tone: 'neutral', detail: null };
    default:
      return { title: outcomeLabel(r), tone: 'neutral', detail: null };
  }
}

/** Every entry, oldest first; `nowMs` decides what is still to come. */
export function timelineOf(r: MyRequest, approval: Approval | undefined, nowMs: number): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    { at: r.createdDateTime, title: r.action.startsWith('admin') ? actionLabel(r) : 'Requested', detail: null, tone: 'neutral' },
  ];
  const staged = (approval?.steps.length ?? 0) > 1;
  for (const step of approval?.steps ?? []) {
    for (const d of step.decisions ?? []) {
      const who = d.reviewedBy.displayName ?? 'An approver';
      entries.push({
        at: d.reviewedDateTime,
        title: `${who} ${d.reviewResult === 'Deny' ? 'denied' : 'approved'}${staged ? ` (${step.displayName})` : ''}`,
        detail: d.justification ? `“${d.justification}”` : null,
        tone: d.reviewResult === 'Deny' ? 'bad' : 'good',
      });
    }
  }
  if (r.completedDateTime) entries.push({ at: r.completedDateTime, ...outcome(r) });
  if (GRANTS.has(r.action) && IN_FORCE.has(r.status)) {
    // Without an asked-for start, access counts from when it was granted (after any approval):
    // the completion time.
    const asked = askedStart(r);
    const start = asked ?? r.completedDateTime;
    const startMs = start ? Date.parse(start) : null;
    if (asked && startMs !== null) {
      entries.push({ at: asked, title: startMs > nowMs ? 'Access starts' : 'Access started', detail: null, tone: startMs > nowMs ? 'upcoming' : 'good' });
    }
    const minutes = durationToMinutes(r.duration);
    const end = r.endDateTime ?? (startMs !== null && minutes !== null ? new Date(startMs + minutes * 60_000).toISOString() : null);
    if (end) {
      const future = Date.parse(end) > nowMs;
      entries.push({
        at: end,
        title: future ? 'Access ends' : 'End of the requested window',
        detail: future ? 'Unless it is deactivated sooner.' : null,
        tone: future ? 'upcoming' : 'neutral',
      });
    }
  }
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => Date.parse(a.e.at) - Date.parse(b.e.at) || a.i - b.i)
    .map(({ e }) => e);
}
