// Lint that enforces the architecture (docs/architecture.md § House rules): folders are
// process boundaries, and who may import whom is written here once. `npm run lint` fails on
// any warning; test/lint-boundaries.test.ts plants each forbidden import and expects a failure.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS = ['**/*.ts', '**/*.tsx', '**/*.mts'];

/** Every process folder; `from` lists for the zones below are built from it. */
const FOLDERS = ['./common', './main', './preload', './renderer', './worker', './test', './e2e', './bench', './scripts'];

/**
 * Who may import whom, as zones: files under `target` may import from no folder in `from`.
 * Tests beside a module follow its folder's rule, but may also use the fakes in test/support/.
 */
function boundaryZones(forTests: boolean) {
  const others = (...allowed: string[]) => FOLDERS.filter((f) => !allowed.includes(f) && !(forTests && f === './test'));
  const zone = (target: string, from: string[], why: string) => ({
    target,
    from,
    message: `${target.slice(2)} may not import this: ${why}`,
  });
  return [
    zone('./common', others('./common'), 'common/ holds the contracts and imports only zod and itself.'),
    zone(
      './renderer',
      others('./renderer', './common'),
      'the renderer is a sandboxed page; it may use only renderer/ and common/.',
    ),
    zone('./preload', others('./preload', './common'), 'the preload binds the HearthApi; it may use only common/ and electron.'),
    zone('./worker', others('./worker', './common'), 'a worker process may use only worker/ and common/.'),
    // main/core runs in every face (Electron, serve, CLI): nothing of those faces may leak into it.
    {
      target: './main/core',
      from: './main',
      except: ['./core'],
      message: 'main/core is the Electron-free core; it may use only main/core/ and common/.',
    },
    zone('./main/core', others('./main', './common'), 'main/core may use only main/core/ and common/.'),
    zone('./main', others('./main', './common'), 'main may use only main/ and common/.'),
  ];
}
const TESTS = ['**/*.test.ts', '**/*.test.tsx'];

/** Browser-only globals: Node code (main, worker, preload, common) must not lean on them. */
const DOM_ONLY = Object.keys(globals.browser).filter((name) => !(name in globals.node) && !(name in globals.es2025));
const noDomGlobals = DOM_ONLY.map((name) => ({ name, message: 'A browser global: this code runs in Node, not in a page.' }));

const noElectron = {
  paths: [
    { name: 'electron', message: 'Only main/electron/ and preload/ may import electron (it cannot run outside Electron).' },
  ],
  patterns: [{ group: ['electron/*'], message: 'Only main/electron/ and preload/ may import electron.' }],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'release/**',
      'node_modules/**',
      '.tools/**',
      'test-results/**',
      'playwright-report/**',
      'e2e/artifacts/**',
    ],
  },
  js.configs.recommended,
  {
    files: TS,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Handler tables and interfaces promise a Promise; an implementation that needs no await
      // still keeps that contract. Real promise mistakes are caught by the two rules above.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  // Who may import whom: resolved paths, so `../../main/core/x.js` is caught like any other.
  {
    files: [...TS, '**/*.mjs'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['tsconfig.json', 'renderer/tsconfig.json', 'e2e/tsconfig.json'],
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: boundaryZones(false), basePath: import.meta.dirname }] },
  },
  {
    files: [...TESTS, 'test/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: boundaryZones(true), basePath: import.meta.dirname }],
      // `job!.id` after an expect() is how a test says "this exists"; production code may not.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // expect.any() and expect.objectContaining() are typed `any` by vitest.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    files: ['**/*.{ts,tsx,mts,mjs}'],
    ignores: ['main/electron/**', 'preload/**', 'e2e/**'],
    rules: { 'no-restricted-imports': ['error', noElectron] },
  },
  {
    files: ['common/**'],
    ignores: ['common/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!zod$|\\./[\\w.-]+$)', message: 'common/ imports only zod and other common/ files.' }] },
      ],
    },
  },
  {
    files: ['main/**', 'worker/**', 'preload/**', 'common/**'],
    rules: { 'no-restricted-globals': ['error', ...noDomGlobals] },
  },
  {
    files: ['renderer/**'],
    plugins: { 'import-x': importX },
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'import-x/no-nodejs-modules': 'error' },
  },
  {
    files: ['renderer/**/*.tsx', 'renderer/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  prettier,
);
