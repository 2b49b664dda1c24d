/** The grant-id table: a Map<id, pid> model with hashes squeezed into 3 bits, so collisions are the rule. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashId, IdTable } from '../../src/access/id-table.ts';

describe('IdTable', () => {
  it('hashId is stable and never 0', () => {
    expect(hashId('a')).toBe(hashId('a'));
    expect(hashId('a')).not.toBe(hashId('b'));
    expect(hashId('')).not.toBe(0);
  });

  it('colliding hashes are told apart by the confirmation', () => {
    const t = new IdTable();
    t.add(5, 1);
    t.add(5, 2);
    expect(t.get('x', 5, (pid) => pid === 2)).toBe(2);
    expect(t.get('x', 5, (pid) => pid === 1)).toBe(1);
    t.delete(5, 1);
    expect(t.get('x', 5, (pid) => pid === 1)).toBeUndefined();
    expect(t.get('x', 5, (pid) => pid === 2)).toBe(2);
    expect(t.size).toBe(1);
  });

  it('agrees with a Map under random adds and deletes (with growth and tombstones)', () => {
    const op = fc.record({ add: fc.boolean(), id: fc.nat(300), pid: fc.nat(20) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const t = new IdTable();
        const model = new Map<string, number>();
        const h = (id: string): number => hashId(id) & 7 || 1; // 7 buckets of hash: many collisions
        // What each pid holds, for the confirmation (as the index's blocks do).
        const held = (pid: number, id: string): boolean => model.get(id) === pid;
        for (const o of ops) {
          const id = `id-${o.id}`;
          if (o.add && !model.has(id)) {
            t.add(h(id), o.pid);
            model.set(id, o.pid);
          } else if (!o.add && model.has(id)) {
            t.delete(h(id), model.get(id)!);
            model.delete(id);
          }
          expect(t.size).toBe(model.size);
        }
        for (let i = 0; i <= 300; i++) {
          const id = `id-${i}`;
          expect(t.get(id, h(id), held)).toBe(model.get(id));
        }
      }),
      { numRuns: 300 },
    );
  });
});
