/** No import circle in src/, between files or between folders, counting type-only imports too (scripts/import-circles.ts). */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const run = (folder: string) => spawnSync(process.execPath, ['scripts/import-circles.ts', folder], { encoding: 'utf8' });

describe('import circles', () => {
  it('src/ has none', () => {
    const { status, stdout, stderr } = run('src');
    expect(stderr).toBe('');
    expect(stdout).not.toContain('circle group');
    expect(status).toBe(0);
  });
  it('finds a circle between folders that no two files make', () => {
    const dir = mkdtempSync(join(tmpdir(), 'circles-'));
    mkdirSync(join(dir, 'app', 'a'), { recursive: true });
    mkdirSync(join(dir, 'app', 'b'), { recursive: true });
    writeFileSync(join(dir, 'app', 'a', 'x.ts'), "import type { Y } from '../b/y.ts';\nexport type X = Y;\n");
    writeFileSync(join(dir, 'app', 'b', 'y.ts'), "import { z } from '../a/z.ts';\nexport type Y = typeof z;\n");
    writeFileSync(join(dir, 'app', 'a', 'z.ts'), 'export const z = 1;\n');
    const { status, stdout } = run(dir);
    expect(stdout).toContain('folders two levels down (src/app/requests, …), all imports: 1 circle group(s)');
    expect(stdout).toContain('files, all imports: no circle');
    expect(status).toBe(1);
  });
});
