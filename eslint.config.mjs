import js from '@eslint/js';
import nextPlugin from '@next/eslint-plugin-next';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.next/', 'data/', 'test-results/', 'deploy/ferretdb/', 'next-env.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts,mjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', __dirname: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/get-credential-secret-for-job'],
              message: 'Only the scanner job path may obtain credentials in clear (SPEC §3).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['next.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // Domain services never depend on a transport (SPEC §3 layering).
    files: ['server/services/**/*.ts', 'server/models/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@trpc/*', '**/trpc/**'], message: 'Services and models must not import tRPC.' },
            { group: ['**/get-credential-secret-for-job'], message: 'Only the scanner job path may obtain credentials in clear (SPEC §3).' },
          ],
        },
      ],
    },
  },
  {
    // The scanner job path: the one service that hands a credential to the node holding the job's lease.
    files: ['server/services/scans/get-job-credential.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['@trpc/*', '**/trpc/**'], message: 'Services and models must not import tRPC.' }] }] },
  },
  {
    // The vault's own tests exercise the clear-text path.
    files: ['tests/server/services/credentials/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    plugins: { '@next/next': nextPlugin },
    rules: { ...nextPlugin.configs.recommended.rules, ...nextPlugin.configs['core-web-vitals'].rules },
  },
);
