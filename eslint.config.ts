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
const PROJECTS = ['tsconfig.json', 'renderer/tsconfig.json', 'renderer/tsconfig.test.json', 'e2e/tsconfig.json'];

/**
 * Who may import whom, as allow-lists: a file under `target` may import only from the folders
 * named (and packages); anything else in the repository — another process's folder, a root
 * file, a folder added later — is refused. Tests beside a module follow its folder's rule, but
 * may also use the fakes in test/support/.
 */
function boundaryZones(forTests: boolean) {
  const zone = (target: string, allowed: string[], why: string) => ({
    target,
    from: '.',
    except: [...allowed, './node_modules', ...(forTests ? ['./test'] : [])],
    message: `${target.slice(2)} may not import this: ${why}`,
  });
  return [
    zone('./common', ['./common'], 'common/ holds the contracts and imports only zod and itself.'),
    zone('./renderer', ['./renderer', './common'], 'the renderer is a sandboxed page; it may use only renderer/ and common/.'),
    zone('./preload', ['./preload', './common'], 'the preload binds the HearthApi; it may use only common/ and electron.'),
    zone('./worker', ['./worker', './common'], 'a worker process may use only worker/ and common/.'),
    // main/core runs in every face (Electron, serve, CLI): nothing of those faces may leak into it.
    zone(
      './main/core',
      ['./main/core', './common'],
      'main/core is the Electron-free core; it may use only main/core/ and common/.',
    ),
    zone('./main', ['./main', './common'], 'main may use only main/ and common/.'),
  ];
}
const TESTS = ['**/*.test.ts', '**/*.test.tsx'];

/** Browser-only globals: Node code (main, worker, preload, common) must not lean on them. */
const DOM_ONLY = Object.keys(globals.browser).filter((name) => !(name in globals.node) && !(name in globals.es2025));
const noDomGlobals = DOM_ONLY.map((name) => ({ name, message: 'A browser global: this code runs in Node, not in a page.' }));

/** A dynamic import or a require() of the Electron module is the same import by other means. */
const ELECTRON_SOURCE = '/^electron(\\u002F|$)/';
const dynamicElectron = [
  {
    selector: `ImportExpression[source.value=${ELECTRON_SOURCE}]`,
    message: 'Only main/electron/ and preload/ may import electron.',
  },
  {
    selector: `CallExpression[callee.name='require'][arguments.0.value=${ELECTRON_SOURCE}]`,
    message: 'Only main/electron/ and preload/ may import electron.',
  },
];

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
    // Each environment's own tsconfig (docs/architecture.md § Folders), so a rule sees the
    // types that code really has: no Node in renderer/, no DOM in Node code.
    languageOptions: { parserOptions: { project: PROJECTS, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A switch without `default` must name every member; one with `default` says on purpose
      // that the rest share a path (other platforms, messages for another listener).
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
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: PROJECTS, noWarnOnMultipleProjects: true })],
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
    rules: {
      'no-restricted-imports': ['error', noElectron],
      'no-restricted-syntax': ['error', ...dynamicElectron],
    },
  },
  {
    files: ['common/**'],
    ignores: ['common/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!zod$|\\./[\\w.-]+$)', message: 'common/ imports only zod and other common/ files.' }] },
      ],
      // A contract loads nothing at run time: no import(), no require().
      'no-restricted-syntax': [
        'error',
        { selector: 'ImportExpression', message: 'common/ imports only zod and other common/ files, and never at run time.' },
        { selector: "CallExpression[callee.name='require']", message: 'common/ imports only zod and other common/ files.' },
        { selector: "CallExpression[callee.name='createRequire']", message: 'common/ imports only zod and other common/ files.' },
      ],
    },
  },
  {
    files: ['main/**', 'worker/**', 'preload/**', 'common/**'],
    rules: { 'no-restricted-globals': ['error', ...noDomGlobals] },
  },
  {
    // A sandboxed preload can require only electron and a few of Node's modules; ours needs none.
    files: ['preload/**'],
    ignores: TESTS,
    plugins: { 'import-x': importX },
    rules: { 'import-x/no-nodejs-modules': 'error' },
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
