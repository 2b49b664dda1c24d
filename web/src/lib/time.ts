/** Times as people read them: in the viewer's own time zone, with live countdowns. */
import { useEffect, useState } from 'react';
import { serverNow } from './api-client.ts';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "6 Dec 2026, 18:04" in the viewer's zone; "Permanent" for no end. */
export function formatInstant(iso: string | null | undefined, none = 'Permanent'): string {
  if (!iso) return none;
  return dateTime.format(new Date(iso));
}

/** "1 h 05 min", "42 s", "3 d 4 h" — what remains until `endMs` from `nowMs`. */
export function formatRemaining(endMs: number, nowMs: number): string {
  let s = Math.max(0, Math.round((endMs - nowMs) / 1000));
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3_600);
  s -= h * 3_600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}

/** The current time on the server's clock (see serverNow), re-read every `everyMs` while the component is shown. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const t = window.setInterval(() => setNow(serverNow()), everyMs);
    return () => window.clearInterval(t);
  }, [everyMs]);
  return now;
}

/** ISO 8601 duration of whole minutes, as the API takes it: 90 → "PT1H30M". */
export function minutesToDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `PT${h > 0 ? `${h}H` : ''}${m > 0 || h === 0 ? `${m}M` : ''}`;
}

/** Minutes in an ISO 8601 duration (days, hours, minutes, seconds; weeks as 7 days); null when unreadable. */
export function durationToMinutes(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso);
  if (!m) return null;
  const [, w, d, h, min, s] = m;
  return Number(w ?? 0) * 10_080 + Number(d ?? 0) * 1_440 + Number(h ?? 0) * 60 + Number(min ?? 0) + Math.floor(Number(s ?? 0) / 60);
}

/** "8 hours", "30 minutes", "1 day 2 hours". */
export function describeMinutes(minutes: number): string {
  const d = Math.floor(minutes / 1_440);
  const h = Math.floor((minutes % 1_440) / 60);
  const m = minutes % 60;
  const part = (n: number, unit: string) => (n === 0 ? '' : `${n} ${unit}${n === 1 ? '' : 's'}`);
  return [part(d, 'day'), part(h, 'hour'), part(m, 'minute')].filter(Boolean).join(' ') || '0 minutes';
}
