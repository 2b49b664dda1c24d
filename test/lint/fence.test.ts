// The fence of docs/architecture.md holds: ESLint (eslint.config.js) refuses each import the layer
// table forbids and each read of the clock or the random source in domain and app, and lets the
// allowed ones through. Deliberate violations are linted as text at paths inside src/.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The layer table of docs/architecture.md: the other folders (or parts of one) each folder may import. */
const MAY: Record<string, readonly string[]> = {
  domain: [],
  app: ['domain'],
  store: ['domain', 'app/ports', 'app/query.ts'],
  access: ['domain', 'app/ports'],
  notify: ['domain', 'app/ports'],
  adapters: ['domain', 'app/ports'],
  http: ['domain', 'app'],
  cli: ['domain', 'app', 'store', 'access', 'notify', 'adapters', 'server'],
  server: ['domain', 'app', 'store', 'access', 'notify', 'adapters', 'http'],
};

const FOLDERS = readdirSync(`${ROOT}src`, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

interface Problem {
  readonly ruleId: string | null;
  readonly message: string;
}

const lint = async (filePath: string, code: string): Promise<Problem[]> => {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${filePath}` });
  return (result?.messages ?? []).map(({ ruleId, message }) => ({ ruleId, message }));
};

const importing = (specifier: string): string => `import { probe } from '${specifier}';\nexport const used = probe;\n`;

/** Every (folder, import target) pair: targets are whole folders and the parts a table row names. */
const cases = FOLDERS.flatMap((dir) =>
  FOLDERS.filter((f) => f !== dir).flatMap((target) => {
    const may = MAY[dir] ?? [];
    const parts = may.filter((m) => m.startsWith(`${target}/`));
    if (parts.length === 0) return [{ dir, target: `${target}/probe.ts`, allowed: may.includes(target), folder: target }];
    return [
      ...parts.map((p) => ({ dir, target: p.endsWith('.ts') ? p : `${p}/probe.ts`, allowed: true, folder: target })),
      { dir, target: `${target}/probe.ts`, allowed: false, folder: target },
      { dir, target: `${target}/elsewhere/probe.ts`, allowed: false, folder: target },
      { dir, target, allowed: false, folder: target },
    ];
  }),
);

describe('layer rules', () => {
  it('every folder of src/ has a row in the layer table, and no folder inside one is named like one', () => {
    expect(FOLDERS.filter((f) => !(f in MAY))).toEqual([]);
    const nested = FOLDERS.flatMap((f) =>
      readdirSync(`${ROOT}src/${f}`, { recursive: true, withFileTypes: true })
        .filter((e) => e.isDirectory() && FOLDERS.includes(e.name))
        .map((e) => `${e.parentPath}/${e.name}`),
    );
    expect(nested).toEqual([]);
  });

  it.each(cases.filter((c) => !c.allowed))('src/$dir must not import $target', async ({ dir, target, folder }) => {
    for (const file of [`src/${dir}/probe.ts`, `src/${dir}/deeper/probe.ts`]) {
      const up = file.split('/').length - 2;
      const problems = await lint(file, importing(`${'../'.repeat(up)}${target}`));
      expect(problems).toHaveLength(1);
      expect(problems[0]?.ruleId).toBe('no-restricted-imports');
      expect(problems[0]?.message).toContain(`src/${dir} must not import from src/${folder}`);
    }
  });

  it.each(cases.filter((c) => c.allowed))('src/$dir may import $target', async ({ dir, target }) => {
    expect(await lint(`src/${dir}/probe.ts`, importing(`../${target}`))).toEqual([]);
    expect(await lint(`src/${dir}/deeper/probe.ts`, importing(`../../${target}`))).toEqual([]);
  });

  it('imports inside a folder and of packages are not layer imports', async () => {
    for (const dir of FOLDERS) {
      expect(await lint(`src/${dir}/deeper/probe.ts`, importing('../sibling.ts'))).toEqual([]);
      expect(await lint(`src/${dir}/probe.ts`, importing('./deeper/sibling.ts'))).toEqual([]);
      expect(await lint(`src/${dir}/probe.ts`, importing('node:http'))).toEqual([]);
    }
  });
});

describe('no clock or ids in domain and app', () => {
  const clockOrIds: readonly (readonly [string, string])[] = [
    ['Date.now()', 'export const t = Date.now();\n'],
    ['Date.now as a value', 'export const clock = Date.now;\n'],
    ['new Date()', 'export const d = new Date();\n'],
    ['new Date', 'export const d = new Date;\n'],
    ['Date()', 'export const s = Date();\n'],
    ['performance.now()', 'export const p = performance.now();\n'],
    ['process.hrtime', 'export const h = process.hrtime.bigint();\n'],
    ['Math.random()', 'export const r = Math.random();\n'],
    ['crypto.randomUUID()', 'export const id = crypto.randomUUID();\n'],
    ['crypto.getRandomValues()', 'export const b = crypto.getRandomValues(new Uint8Array(16));\n'],
  ];
  const randomImports: readonly (readonly [string, string])[] = [
    ['randomUUID from node:crypto', "import { randomUUID } from 'node:crypto';\nexport const id = randomUUID();\n"],
    ['randomBytes from node:crypto', "import { randomBytes } from 'node:crypto';\nexport const b = randomBytes(16);\n"],
    ['randomInt from crypto', "import { randomInt } from 'crypto';\nexport const n = randomInt(10);\n"],
    ['node:crypto as a namespace', "import * as c from 'node:crypto';\nexport const h = c.createHash('sha256');\n"],
  ];

  for (const dir of ['domain', 'app']) {
    it.each(clockOrIds)(`src/${dir}: %s is refused`, async (_what, code) => {
      const problems = await lint(`src/${dir}/deeper/probe.ts`, code);
      expect(problems).toHaveLength(1);
      expect(problems[0]?.ruleId).toBe('no-restricted-syntax');
      expect(problems[0]?.message).toContain('never read the clock or make ids');
    });

    it.each(randomImports)(`src/${dir}: importing %s is refused`, async (_what, code) => {
      const problems = await lint(`src/${dir}/deeper/probe.ts`, code);
      expect(problems).toHaveLength(1);
      expect(problems[0]?.ruleId).toBe('no-restricted-imports');
      expect(problems[0]?.message).toContain('never read the clock or make ids');
    });

    it(`src/${dir}: converting instants and hashing are allowed`, async () => {
      const code = [
        "import { createHash } from 'node:crypto';",
        'export const iso = (at: number): string => new Date(at).toISOString();',
        'export const at = (iso: string): number => Date.parse(iso) + new Date(0).getTime() + Date.UTC(2020, 0);',
        "export const hash = (s: string): string => createHash('sha256').update(s).digest('hex');",
        'export const later = (now: number): number => now + Math.max(1, Math.floor(2.5));',
        '',
      ].join('\n');
      expect(await lint(`src/${dir}/deeper/probe.ts`, code)).toEqual([]);
    });
  }

  it('adapters outside domain and app may read the clock and the random source', async () => {
    const code = "import { randomUUID } from 'node:crypto';\nexport const id = randomUUID();\nexport const t = Date.now() + Math.random();\n";
    for (const dir of ['adapters', 'server', 'store', 'notify', 'access']) expect(await lint(`src/${dir}/probe.ts`, code)).toEqual([]);
  });
});
