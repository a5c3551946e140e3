// Lint, and the layering rules: core is pure (no Node, DOM, Electron, React), services never
// import Electron, the renderer never reaches into main/ or Node, and nothing a deployment runs
// imports the demo (core/demo, main/demo) but the entry points that start it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'http', 'net', 'child_process', 'crypto', 'url', 'worker_threads'];
const corePatterns = [...nodeBuiltins, 'electron', 'react', 'react-dom', 'maplibre-gl', '@deck.gl/*', 'hls.js', 'mqtt', 'aedes', 'ws', '**/main/**', '**/renderer/**', '**/preload/**'];
const mainPatterns = ['electron', '**/renderer/**', '**/main/electron/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'assets/generated/**', 'test-results/**', 'out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      // the product's core never needs the demo (core/demo/: simulator, stories, Fuzhou build, demo streams)
      'no-restricted-imports': ['error', { patterns: [...corePatterns, '**/demo/**'] }],
      // Determinism: time and randomness come in as arguments (replay depends on it).
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'setTimeout', 'setInterval'],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now' }, { object: 'Math', property: 'random' }, { object: 'performance', property: 'now' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'pass the time in' }],
    },
  },
  {
    files: ['core/demo/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: corePatterns }] },
  },
  {
    files: ['main/services/**/*.ts', 'main/web/**/*.ts', 'main/demo/**/*.ts'],
    // the services a deployment runs never import the demo; only the entry points that start it do
    rules: { 'no-restricted-imports': ['error', { patterns: [...mainPatterns, '**/demo/**'] }] },
  },
  {
    files: ['main/demo/**/*.ts', 'main/web/cli.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: mainPatterns }] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...nodeBuiltins, 'electron', 'mqtt', 'aedes', 'ws', '**/main/**', '**/preload/**', '**/core/demo/**'] }] },
  },
  // The renderer's own layers: model ← state ← map | video | ui. The model is framework-free and
  // knows nothing of how it is drawn; the store knows only the model.
  {
    files: ['renderer/src/model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...nodeBuiltins, 'electron', 'mqtt', 'aedes', 'ws', 'react', 'react-dom', 'react-i18next', 'zustand', 'zustand/*', 'maplibre-gl', '@deck.gl/*', 'hls.js', '**/main/**', '**/preload/**', '../map', '../map/*', '../video', '../video/*', '../ui', '../ui/*', '../state', '../state/*', '../i18n', '../i18n/*', '../debug'] },
      ],
    },
  },
  {
    files: ['renderer/src/state/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...nodeBuiltins, 'react', 'react-dom', 'maplibre-gl', '@deck.gl/*', 'hls.js', '**/main/**', '../map', '../map/*', '../video', '../video/*', '../ui', '../ui/*'] }] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
);
