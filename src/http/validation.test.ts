import { describe, expect, it } from 'vitest';
import { controlCharacterAt } from './validation.ts';

/** `depth` arrays around `inner`, as JSON.parse would make them from a client's body. */
const nested = (depth: number, inner: unknown): unknown => {
  let value = inner;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

describe('controlCharacterAt', () => {
  it('names where a control character is, first in document order, a key before what it holds', () => {
    expect(controlCharacterAt({ a: ['ok', 'x\u0000'] })).toBe('a[1]');
    expect(controlCharacterAt({ a: { b: 'x\u0007' }, c: '\u0000' })).toBe('a.b');
    expect(controlCharacterAt({ 'k\u0001': 'x\u0000' })).toBe('k\u0001');
    expect(controlCharacterAt('\u001b[31m')).toBe('');
    expect(controlCharacterAt({ a: [{ b: 'clean' }], n: 1, t: true, z: null })).toBeNull();
  });

  it('lets free text hold tabs and line breaks, unless one line is asked for', () => {
    expect(controlCharacterAt({ justification: 'line one\r\n\tline two' })).toBeNull();
    expect(controlCharacterAt({ id: 'a\nb' }, true)).toBe('id');
  });

  // A client may nest a body as deep as the size limit allows: the walk must not overflow the stack.
  it('searches a value nested a hundred thousand levels deep', () => {
    expect(controlCharacterAt(nested(100_000, 'clean'))).toBeNull();
    const found = controlCharacterAt({ a: nested(100_000, 'x\u0000') });
    expect(found).toBe(`a${'[0]'.repeat(100_000)}`);
  });
});
