// Lint: TypeScript rules plus the layer import directions of docs/architecture.md.
import tseslint from 'typescript-eslint';

const layer = (dir, forbidden) => ({
  files: [`src/${dir}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: forbidden.map((f) => ({
        group: [`**/${f}/**`, `**/${f}`],
        message: `src/${dir} must not import from src/${f} (see docs/architecture.md).`,
      })),
    }],
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
  layer('domain', ['app', 'store', 'http', 'cli', 'server', 'access', 'connectors', 'notify']),
  layer('app', ['store', 'http', 'cli', 'server', 'access', 'connectors', 'notify']),
  layer('store', ['http', 'cli', 'server', 'access', 'connectors', 'notify']),
  layer('http', ['store', 'cli', 'server']),
  layer('access', ['store', 'http', 'cli', 'server']),
  layer('cli', ['http']),
);
