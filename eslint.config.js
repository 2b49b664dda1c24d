// Lint: TypeScript rules plus the fence of docs/architecture.md — which folders of src/ each folder
// may import, and no clock or ids in domain or app. test/lint/fence.test.ts shows each rule fires.
import { readdirSync } from 'node:fs';
import tseslint from 'typescript-eslint';

// The layer table of docs/architecture.md. `may`: the only other folders (or parts of a folder:
// `app/ports`, `app/query.ts`) it may import; `mayNot`: a composition folder imports all but these.
const LAYERS = {
  domain: { may: [] },
  app: { may: ['domain'] },
  store: { may: ['domain', 'app/ports', 'app/query.ts'] },
  access: { may: ['domain', 'app/ports'] },
  notify: { may: ['domain', 'app/ports'] },
  adapters: { may: ['domain', 'app/ports'] },
  http: { may: ['domain', 'app'] },
  cli: { mayNot: ['http'] },
  server: { mayNot: ['cli'] },
};

const FOLDERS = readdirSync(new URL('./src', import.meta.url), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);
for (const f of FOLDERS) {
  if (!LAYERS[f]) throw new Error(`src/${f} has no row in the layer table: add it to docs/architecture.md and here.`);
}

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// A relative import that climbs out of its folder into `target` (no folder inside a layer is named
// like a layer, so the first segment after the `../`s is the layer). `except`: parts still allowed.
const into = (target, except = []) => {
  const rest = except.length ? `(?:/(?!(?:${except.map((e) => `${esc(e)}(?:/|$)`).join('|')}))|$)` : '(?:/|$)';
  return `^(?:\\.\\./)+${esc(target)}${rest}`;
};

const layerPatterns = (dir) => {
  const { may, mayNot } = LAYERS[dir];
  return FOLDERS.filter((f) => f !== dir)
    .flatMap((f) => {
      if (mayNot) return mayNot.includes(f) ? [{ f, regex: into(f) }] : [];
      if (may.includes(f)) return [];
      const parts = may.filter((m) => m.startsWith(`${f}/`)).map((m) => m.slice(f.length + 1));
      return [{ f, parts, regex: into(f, parts) }];
    })
    .map(({ f, parts, regex }) => {
      const only = parts?.length ? ` (only ${parts.map((p) => `${f}/${p}`).join(', ')})` : '';
      return { regex, message: `src/${dir} must not import from src/${f}${only} (see docs/architecture.md).` };
    });
};

// Domain and app take `now`, ids and random bytes as parameters or through the ports (`Clock`,
// `Ids`, `Random`); only adapters read the clock or the random source.
const CLOCK_IDS = 'src/domain and src/app never read the clock or make ids: take them as parameters or through the Clock, Ids and Random ports.';
const RANDOM = ['randomUUID', 'randomBytes', 'randomInt', 'randomFill', 'randomFillSync', 'getRandomValues'];
const clockAndIds = {
  'no-restricted-syntax': [
    'error',
    ...[
      ["NewExpression[callee.name='Date'][arguments.length=0]", 'new Date()'],
      ["CallExpression[callee.name='Date']", 'Date()'],
      ["MemberExpression[object.name='Date'][property.name='now']", 'Date.now'],
      ["MemberExpression[object.name='performance'][property.name='now']", 'performance.now'],
      ["MemberExpression[object.name='process'][property.name='hrtime']", 'process.hrtime'],
      ["MemberExpression[object.name='Temporal'][property.name='Now']", 'Temporal.Now'],
      ["MemberExpression[object.name='Math'][property.name='random']", 'Math.random'],
      [`MemberExpression[object.name='crypto'][property.name=/^(${RANDOM.join('|')})$/]`, 'crypto random'],
    ].map(([selector, what]) => ({ selector, message: `${what}: ${CLOCK_IDS}` })),
  ],
};
const cryptoRandom = ['node:crypto', 'crypto'].map((name) => ({ name, importNames: RANDOM, message: CLOCK_IDS }));

const layer = (dir) => ({
  files: [`src/${dir}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: layerPatterns(dir),
        ...(dir === 'domain' || dir === 'app' ? { paths: cryptoRandom } : {}),
      },
    ],
    ...(dir === 'domain' || dir === 'app' ? clockAndIds : {}),
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', '.openpim/**', 'web/dist/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...FOLDERS.map(layer),
);
