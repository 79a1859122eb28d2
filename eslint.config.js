// ESLint flat config. Besides ordinary hygiene it enforces the layering of docs/architecture.md:
// which folder may import what. The layering rules are errors and are proven by
// test/unit/lint/layering.test.ts.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const TS = ['**/*.{ts,tsx,mts,cts}'];

/** `no-restricted-imports` options are replaced, not merged, by later blocks, so each folder gets one full set. */
function restrict({ paths = [], patterns = [] }) {
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

const ELECTRON_ONLY_IN_SHELL = {
  name: 'electron',
  message:
    "Only electron/main and electron/preload may import 'electron'. Keep this code Electron-free so it runs headless and in tests.",
};

const NO_IPC_RENDERER = {
  name: 'electron',
  importNames: ['ipcRenderer'],
  message:
    'Only electron/preload may use ipcRenderer; the renderer reaches the main process through the named bridge methods.',
};

/** Bare Node built-in names (`fs`, `path`, `fs/promises`, …). `node:` specifiers are caught by a pattern. */
const NODE_BUILTINS = (message) =>
  builtinModules.filter((name) => !name.startsWith('_')).map((name) => ({ name, message }));

const NODE_SCHEME = (message) => ({ regex: '^node:', message });

const SHARED_NO_NODE =
  'shared/ runs in the renderer and the coordinator too: it may not use Node built-ins. Put Node code in electron/core.';
const RENDERER_NO_NODE = 'The renderer runs in a sandboxed page: no Node built-ins. Ask the agent through the app API.';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'coverage/',
      '.test-env/',
      'test/fixtures/',
      'test-results/',
      'playwright-report/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended.map((config) => ({ ...config, files: config.files ?? TS })),
  {
    files: TS,
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // Tests feed hostile, untyped input on purpose.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Plain JS entry points and build hooks run in Node.
    files: ['**/*.{js,cjs,mjs}'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        __filename: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  // ---- Layering ---------------------------------------------------------------------------
  // Default for every file: no 'electron'. The blocks below loosen or tighten it per folder.
  { files: ['**/*.{ts,tsx,mts,cts,js,cjs,mjs}'], rules: restrict({ paths: [ELECTRON_ONLY_IN_SHELL] }) },
  {
    files: ['shared/**'],
    rules: restrict({
      paths: [ELECTRON_ONLY_IN_SHELL, ...NODE_BUILTINS(SHARED_NO_NODE)],
      patterns: [
        {
          regex: '(^|/)(electron|renderer|coordinator)(/|$)',
          message: 'shared/ is the bottom layer: it may not import electron/, renderer/ or coordinator/.',
        },
        NODE_SCHEME(SHARED_NO_NODE),
      ],
    }),
  },
  {
    files: ['renderer/**'],
    rules: restrict({
      paths: [ELECTRON_ONLY_IN_SHELL, ...NODE_BUILTINS(RENDERER_NO_NODE)],
      patterns: [
        {
          regex: '(^|/)(electron|coordinator)(/|$)',
          message:
            'The renderer imports only shared/ and itself. Reach the agent through the client in renderer/src/api.',
        },
        NODE_SCHEME(RENDERER_NO_NODE),
      ],
    }),
  },
  {
    files: ['coordinator/**'],
    rules: restrict({
      paths: [ELECTRON_ONLY_IN_SHELL],
      patterns: [
        {
          regex: '(^|/)(electron|renderer)(/|$)',
          message: 'The coordinator is a separate service: it may share code only through shared/.',
        },
      ],
    }),
  },
  // The shell may import 'electron', but ipcRenderer belongs to the preload alone.
  { files: ['electron/main/**'], rules: restrict({ paths: [NO_IPC_RENDERER] }) },
  { files: ['electron/preload/**'], rules: { 'no-restricted-imports': 'off' } },

  // ---- React ------------------------------------------------------------------------------
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    // The two classic hook rules; the compiler-based rules are slow and not needed without the compiler.
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },

  // Formatting is Prettier's job; turn off every stylistic rule that could disagree with it.
  prettier,
);
