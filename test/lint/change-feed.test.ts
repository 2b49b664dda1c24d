/**
 * The change feed's contract (app/ports/change-feed.ts): a consumer that misses a topic does not
 * compile (the `@ts-expect-error` below fails `tsc` if that ever stops being true), and
 * docs/architecture.md's table names every topic, and nothing else.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHANGE_TOPICS, unhandled, type FeedEvent } from '../../src/app/ports/change-feed.ts';

/** A consumer with a case for one topic only. */
function partialConsumer(e: FeedEvent): string | null {
  switch (e.topic) {
    case 'tenant.created':
      return e.payload.adminId;
    default:
      // @ts-expect-error every other topic reaches the default: `e` is not `never`, so this does not compile.
      return unhandled(e);
  }
}

const doc = readFileSync(new URL('../../docs/architecture.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('## Change feed'), doc.indexOf('## Request lifecycle'));
const documented = [...section.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([a-zA-Z]+\.[a-zA-Z]+)`/g)].map((t) => t[1]!));

describe('the change feed contract', () => {
  it('narrows a row by its topic', () => {
    const row: FeedEvent = { seq: 1, tenantId: 't', topic: 'tenant.created', entityId: 't', payload: { adminId: 'a' }, createdAt: 0 };
    expect(partialConsumer(row)).toBe('a');
  });
  it('docs/architecture.md, "Change feed", names every topic once, and only topics that exist', () => {
    expect(documented.length).toBeGreaterThan(0);
    expect([...documented].sort()).toEqual([...CHANGE_TOPICS].sort());
  });
});
