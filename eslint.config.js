import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const workspaceLibs = ['@ratchet/api', '@ratchet/worker', '@ratchet/agent', '@ratchet/cli', '@ratchet/web'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.next/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The evaluator is pure: nothing from the apps, no I/O.
    files: ['libs/pss/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['fs', 'node:fs', 'node:fs/promises', 'http', 'node:http', 'net', 'node:net', 'child_process', 'node:child_process'],
        patterns: [
          { group: ['**/apps/**', ...workspaceLibs], message: 'libs/pss must not import from apps.' },
        ],
      }],
    },
  },
  {
    // The shared libs stand under the apps: the worker imports them, so they never import an app.
    files: ['libs/db/src/**/*.ts', 'libs/jobs/src/**/*.ts', 'libs/contracts/src/**/*.ts', 'libs/alerts/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/apps/**', ...workspaceLibs], message: 'libs must not import from apps.' }],
      }],
    },
  },
  ...['api', 'worker', 'agent', 'cli', 'cluster-sim'].map((app) => ({
    // Apps stand on libs, never on each other: what two apps need belongs in a lib.
    files: [`apps/${app}/src/**/*.ts`, `apps/${app}/test/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          {
            group: ['@ratchet/api', '@ratchet/worker', '@ratchet/agent', '@ratchet/cli', '@ratchet/cluster-sim', '**/apps/**'].filter(
              (target) => target !== `@ratchet/${app}`,
            ),
            message: 'apps import libs only, never another app.',
          },
        ],
      }],
    },
  })),
  {
    // The dashboard talks to the API over HTTP; it shares only the contracts.
    files: ['apps/web/**/*.ts', 'apps/web/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@ratchet/*', '!@ratchet/contracts'], message: 'apps/web may import only @ratchet/contracts.' },
          { group: ['**/apps/api/**', '**/apps/worker/**', '**/apps/agent/**', '**/libs/**'], message: 'apps/web may import only @ratchet/contracts.' },
        ],
      }],
    },
  },
  {
    // Its browser tests run the real worker and, like an operator, add one-off scheduled jobs to its queue
    // (@ratchet/jobs' runScheduledJobNow); none of that reaches the dashboard's bundle.
    files: ['apps/web/test/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@ratchet/*', '!@ratchet/contracts', '!@ratchet/jobs'], message: 'apps/web tests may import only @ratchet/contracts and @ratchet/jobs.' },
          { group: ['**/apps/api/**', '**/apps/worker/**', '**/apps/agent/**', '**/libs/**'], message: 'apps/web tests may import only @ratchet/contracts and @ratchet/jobs.' },
        ],
      }],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
