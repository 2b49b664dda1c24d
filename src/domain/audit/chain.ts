/**
 * The hash chain over audit events: hash(n) = SHA-256(hash(n-1) ‖ canonical JSON of event n).
 * Editing, deleting or reordering any event breaks the link at it or at the one after it;
 * truncating the tail is caught against the stored chain head.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent } from './event.ts';

/** The prevHash of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The hash of an event given its predecessor's hash. */
export function chainHash(prevHash: string, event: Omit<AuditEvent, 'hash' | 'prevHash'>): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(event)).digest('hex');
}

export interface ChainBreak {
  /** The first event whose link does not hold (null: the chain is shorter than its head says). */
  readonly seq: number | null;
  readonly eventId: string | null;
  readonly reason: string;
}

export interface ChainPosition {
  readonly seq: number;
  readonly hash: string;
}

export const CHAIN_START: ChainPosition = { seq: 0, hash: GENESIS_HASH };

/**
 * Checks a run of consecutive events that should follow `from`; returns the first broken link
 * or where the run ended, so long chains can be verified in batches.
 */
export function checkSegment(events: Iterable<AuditEvent>, from: ChainPosition): { broken: ChainBreak | null; last: ChainPosition } {
  let expectedSeq = from.seq + 1;
  let prev = from.hash;
  for (const event of events) {
    const { hash, prevHash, ...body } = event;
    if (event.seq !== expectedSeq) {
      const broken = {
        seq: event.seq,
        eventId: event.id,
        reason: `expected event #${expectedSeq} here but found #${event.seq}: an event was deleted or moved`,
      };
      return { broken, last: { seq: expectedSeq - 1, hash: prev } };
    }
    if (prevHash !== prev) {
      const broken = {
        seq: event.seq,
        eventId: event.id,
        reason: 'its link to the previous event does not match: the previous event was edited, deleted or reordered',
      };
      return { broken, last: { seq: expectedSeq - 1, hash: prev } };
    }
    if (chainHash(prevHash, body) !== hash) {
      const broken = { seq: event.seq, eventId: event.id, reason: 'its content does not match its hash: the event was edited' };
      return { broken, last: { seq: expectedSeq - 1, hash: prev } };
    }
    prev = hash;
    expectedSeq++;
  }
  return { broken: null, last: { seq: expectedSeq - 1, hash: prev } };
}

/** Compares where the chain ended with its stored head (catches a truncated tail). */
export function checkHead(last: ChainPosition, head: ChainPosition): ChainBreak | null {
  if (last.seq === head.seq && last.hash === head.hash) return null;
  return {
    seq: null,
    eventId: null,
    reason: `the chain ends at #${last.seq} but its head records #${head.seq}: events were removed from the end or the head was altered`,
  };
}

/** The first broken link of a whole chain, or null when it holds. */
export function findChainBreak(events: Iterable<AuditEvent>, head: ChainPosition): ChainBreak | null {
  const { broken, last } = checkSegment(events, CHAIN_START);
  return broken ?? checkHead(last, head);
}
