// Lint: typescript-eslint's recommended rules, the import direction between the four source folders,
// and the function-length limit. Formatting is Prettier's (npm run format).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'

/** Imports run downward only: main → worker → shared, and renderer → shared. */
const forbid = (...folders) => ({
  patterns: folders.map((f) => ({
    group: [`**/${f}`, `**/${f}/**`],
    message: `this folder may not import ${f} (see docs/ARCHITECTURE.md)`
  }))
})

/** Functions longer than this (first token to closing brace, nested functions counted in their parent) are split. */
const MAX_FUNCTION_LINES = 100

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'tests/artifacts/**',
      'tests/fixtures/**',
      'assembly/**',
      'src-worker/engine/wasm/kernels.generated.ts'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }
      ],
      'no-empty': ['error', { allowEmptyCatch: true }],
      'prefer-const': 'error',
      'preserve-caught-error': 'off',
      'svelte/prefer-svelte-reactivity': 'off',
      'svelte/prefer-writable-derived': 'off'
    }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
    // `let { … } = $props()` is Svelte's idiom even for props that are never reassigned.
    rules: { 'prefer-const': 'off' }
  },
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    files: ['src-main/**', 'src-worker/**', 'src-shared/**'],
    rules: {
      'max-lines-per-function': [
        'error',
        { max: MAX_FUNCTION_LINES, skipBlankLines: false, skipComments: false, IIFEs: true }
      ]
    }
  },
  {
    files: ['tests/**'],
    rules: { 'no-empty-pattern': 'off', '@typescript-eslint/no-this-alias': 'off' }
  },
  { files: ['src-worker/**'], rules: { 'no-restricted-imports': ['error', forbid('src-main', 'src-renderer')] } },
  {
    files: ['src-shared/**'],
    rules: { 'no-restricted-imports': ['error', forbid('src-main', 'src-worker', 'src-renderer')] }
  },
  { files: ['src-renderer/**'], rules: { 'no-restricted-imports': ['error', forbid('src-main', 'src-worker')] } }
)
