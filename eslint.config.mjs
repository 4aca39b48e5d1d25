// typescript-eslint over every package's sources, type-aware where a tsconfig covers the file: the rules
// that find bugs (promises nobody awaits, unused code, `any` in the API). Formatting is Prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Files outside every tsconfig (tool configs, plain scripts): linted without type information. */
const untypedFiles = ['**/*.js', '**/*.mjs', '**/*.cjs', '**/vitest.*.ts', 'vitest.shared.ts', '**/vite.config.ts'];

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', '**/.turbo/**', 'fixtures/**', '**/demo-model/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // TypeScript checks names; for plain scripts Node and browser globals are everywhere.
      'no-undef': 'off',
      // The tokenizers match control characters and emoji sequences on purpose.
      'no-control-regex': 'off',
      'no-misleading-character-class': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // `typeof import('node:fs')` types the lazily imported Node modules; value imports stay explicit.
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
      // Ports of the Rust/C++ tokenizers keep their assignments step for step.
      'no-useless-assignment': 'off',
    },
  },
  {
    // One-off measurement scripts: variables are nulled on purpose to release memory between readings.
    files: ['bench/lab/**'],
    rules: { '@typescript-eslint/no-unused-vars': 'off' },
  },
  {
    // The CommonJS consumer of the packed-packages test checks that require(esm) works.
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: untypedFiles,
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { parserOptions: { projectService: false } },
  },
);
