import { describe, expect, it } from 'vitest';
import { CHAIN_START, GENESIS_HASH, canonicalJson, chainHash, checkHead, checkSegment, findChainBreak, type ChainPosition } from './chain.ts';
import type { AuditEvent } from './event.ts';

type Body = Omit<AuditEvent, 'hash' | 'prevHash'>;

const body = (seq: number, overrides: Partial<Body> = {}): Body => ({
  seq,
  id: `event-${seq}`,
  tenantId: 'tenant',
  activityAt: 1_767_600_000_000 + seq * 1000,
  activity: `Activity ${seq}`,
  category: 'RoleManagement',
  operationType: 'Assign',
  result: 'success',
  resultReason: null,
  correlationId: `correlation-${seq}`,
  initiatedBy: { id: 'actor', displayName: 'Actor', userPrincipalName: 'actor@contoso.test', type: 'user' },
  targets: [{ id: 'role', displayName: 'Role', type: 'Role' }],
  details: { RequestId: `request-${seq}` },
  ...overrides,
});

/** A well-formed chain of `n` events, as the store writes it. */
function chain(n: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const b = body(seq);
    const hash = chainHash(prev, b);
    events.push({ ...b, prevHash: prev, hash });
    prev = hash;
  }
  return events;
}

const headOf = (events: readonly AuditEvent[]): ChainPosition => (events.length === 0 ? CHAIN_START : { seq: events.at(-1)!.seq, hash: events.at(-1)!.hash });

/** Re-hashes an event in place after its body was changed, as a forger who knows the scheme would. */
function rehash(event: AuditEvent): AuditEvent {
  const { hash: _hash, prevHash, ...b } = event;
  return { ...event, hash: chainHash(prevHash, b) };
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('x')).toBe('"x"');
  });

  it('makes the hash independent of key order', () => {
    const b = body(1);
    const reordered = Object.fromEntries(Object.entries(b).reverse()) as Body;
    expect(chainHash(GENESIS_HASH, reordered)).toBe(chainHash(GENESIS_HASH, b));
  });

  it('makes the hash depend on the predecessor and on every field', () => {
    const b = body(1);
    const h = chainHash(GENESIS_HASH, b);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash('1'.repeat(64), b)).not.toBe(h);
    expect(chainHash(GENESIS_HASH, { ...b, details: { RequestId: 'other' } })).not.toBe(h);
    expect(chainHash(GENESIS_HASH, { ...b, resultReason: '' })).not.toBe(h);
    expect(chainHash(GENESIS_HASH, { ...b, seq: 2 })).not.toBe(h);
  });
});

describe('findChainBreak', () => {
  const events = chain(6);
  const head = headOf(events);

  it('accepts an intact chain and an empty one', () => {
    expect(findChainBreak(events, head)).toBeNull();
    expect(findChainBreak([], CHAIN_START)).toBeNull();
  });

  it('reports an edited event at that event', () => {
    const edited = events.map((e) => (e.seq === 3 ? { ...e, activity: 'Forged' } : e));
    expect(findChainBreak(edited, head)).toMatchObject({ seq: 3, eventId: 'event-3', reason: expect.stringMatching(/content does not match/) });
  });

  it('reports an edited and re-hashed event at the next one', () => {
    const forged = events.map((e) => (e.seq === 3 ? rehash({ ...e, details: { RequestId: 'forged' } }) : e));
    expect(findChainBreak(forged, head)).toMatchObject({ seq: 4, reason: expect.stringMatching(/link to the previous event/) });
  });

  it('reports a forged rewrite of the whole tail against the head', () => {
    let prev = events[1]!.hash;
    const forged = events.map((e) => {
      if (e.seq < 3) return e;
      const { hash: _h, prevHash: _p, ...b } = e;
      const changed = { ...b, activity: `Forged ${e.seq}` };
      const hash = chainHash(prev, changed);
      const out = { ...changed, prevHash: prev, hash };
      prev = hash;
      return out;
    });
    expect(checkSegment(forged, CHAIN_START).broken).toBeNull();
    expect(findChainBreak(forged, head)).toMatchObject({ seq: null, eventId: null, reason: expect.stringMatching(/head/) });
  });

  it('reports a deleted event at the one after it', () => {
    expect(
      findChainBreak(
        events.filter((e) => e.seq !== 3),
        head,
      ),
    ).toMatchObject({ seq: 4, reason: 'expected event #3 here but found #4: an event was deleted or moved' });
    expect(findChainBreak(events.slice(1), head)).toMatchObject({ seq: 2 });
  });

  it('reports two swapped events at the first of them', () => {
    const swapped = [...events];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    expect(findChainBreak(swapped, head)).toMatchObject({ seq: 4, reason: expect.stringMatching(/expected event #3/) });
    // Renumbered to hide the move: the link gives it away at the same position.
    const renumbered = swapped.map((e, i) => ({ ...e, seq: i + 1 }));
    expect(findChainBreak(renumbered, head)).toMatchObject({ seq: 3, eventId: 'event-4' });
  });

  it('reports a truncated tail, and an altered head, with no event to blame', () => {
    expect(findChainBreak(events.slice(0, 4), head)).toEqual({
      seq: null,
      eventId: null,
      reason: 'the chain ends at #4 but its head records #6: events were removed from the end or the head was altered',
    });
    expect(findChainBreak([], head)).toMatchObject({ seq: null });
    expect(findChainBreak(events, { seq: 6, hash: GENESIS_HASH })).toMatchObject({ seq: null });
  });
});

describe('checkSegment', () => {
  const events = chain(7);

  it('verifies a chain in batches, each continuing from where the last ended', () => {
    let position = CHAIN_START;
    for (let i = 0; i < events.length; i += 3) {
      const { broken, last } = checkSegment(events.slice(i, i + 3), position);
      expect(broken).toBeNull();
      position = last;
    }
    expect(position).toEqual(headOf(events));
    expect(checkHead(position, headOf(events))).toBeNull();
  });

  it('returns the last good position when it finds a break', () => {
    const edited = events.map((e) => (e.seq === 5 ? { ...e, result: 'failure' as const } : e));
    const { broken, last } = checkSegment(edited.slice(3), { seq: 3, hash: events[2]!.hash });
    expect(broken).toMatchObject({ seq: 5 });
    expect(last).toEqual({ seq: 4, hash: events[3]!.hash });
  });

  it('refuses a segment that does not follow the given position', () => {
    expect(checkSegment(events.slice(3), { seq: 2, hash: events[1]!.hash }).broken).toMatchObject({
      seq: 4,
      reason: expect.stringMatching(/expected event #3/),
    });
    expect(checkSegment(events.slice(3), { seq: 3, hash: events[1]!.hash }).broken).toMatchObject({ seq: 4, reason: expect.stringMatching(/link/) });
  });

  it('leaves the position unchanged for an empty segment', () => {
    const from = { seq: 3, hash: events[2]!.hash };
    expect(checkSegment([], from)).toEqual({ broken: null, last: from });
  });
});
