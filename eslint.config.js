import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Node built-ins and I/O libraries break workflow determinism and replay.
const bannedInWorkflows = [
  { group: ['node:*'], message: 'Workflows must not use Node built-ins.' },
  { group: ['fs', 'fs/*', 'path', 'os', 'http', 'https', 'net', 'crypto', 'child_process', 'worker_threads', 'dns', 'stream', 'events', 'process', 'timers', 'util', 'url', 'buffer'], message: 'Workflows must not use Node built-ins.' },
  { group: ['pino', 'prom-client', 'hono', 'hono/*', '@hono/*', '@mikro-orm/*', 'cockatiel', 'pg', 'better-sqlite3', 'yaml', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Workflows must not do I/O: call an activity.' },
  // lib/retryStrategies.ts is pure and import-free: workflows build their RetryPolicy from it.
  { group: ['../activities/*', '../lib/*', '!../lib/retryStrategies.ts', '../db/*', '../api/*', '../workers/*'], allowTypeImports: true, message: 'Workflows import activities, lib and db with `import type` only.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', '.tools/**', '.devtmp/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Test-only workflows are bundled and replayed like the real ones.
    files: ['workflows/**/*.ts', 'test/workflows/**/*.ts', 'test/replay/fixtures/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: bannedInWorkflows }],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'fetch', 'require', 'Buffer', '__dirname'],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length>0]", message: 'Do date arithmetic with the workflow API.' }],
    },
  },
  {
    // Tests read untyped JSON from real HTTP answers; asserting on it is the point.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
