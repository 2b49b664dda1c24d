// No file under src/ is longer than 400 lines unless a comment in it says why it is one file: a
// comment line containing "one file because" (docs/architecture.md, "File length").
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAX_LINES = 400;
const REASON = /^\s*(?:\/\/|\/\*|\*).*\bone file because\b/im;

const lineCount = (text: string): number => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

describe('file length', () => {
  it(`no src/**/*.ts file is over ${MAX_LINES} lines without a comment saying it is "one file because …"`, () => {
    const long = readdirSync(join(ROOT, 'src'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => join(e.parentPath, e.name))
      .map((path) => ({ path, text: readFileSync(path, 'utf8') }))
      .filter(({ text }) => lineCount(text) > MAX_LINES && !REASON.test(text))
      .map(({ path, text }) => `${relative(ROOT, path)} (${lineCount(text)} lines)`);
    expect(long).toEqual([]);
  });

  it('the reason is a comment line', () => {
    expect(REASON.test('// One file because the table reads best whole.\n')).toBe(true);
    expect(REASON.test('/**\n * Kept as one file because splitting it would …\n */\n')).toBe(true);
    expect(REASON.test("export const s = 'one file because';\n")).toBe(false);
  });
});
