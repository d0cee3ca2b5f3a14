// Import boundaries are enforced here, not by convention (see docs/architecture.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'net', 'http', 'https', 'tls', 'os', 'path', 'child_process', 'crypto', 'dns', 'events', 'stream', 'url', 'util', 'zlib', 'worker_threads'];
const group = (patterns, message) => ({ group: patterns, message });

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-results/**', 'playwright-report/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-syntax': ['error', { selector: "ImportDeclaration[source.value='electron'] ImportSpecifier[imported.name=/^ipc(Main|Renderer)$/]", message: 'ipcMain/ipcRenderer only in main/electron/ipc.ts and preload/.' }],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
  },
  {
    files: ['protocol/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        group(['../*'], 'protocol/ imports nothing outside protocol/.'),
        group([...NODE_BUILTINS, 'ws', 'react', 'react-dom', 'electron', 'zustand'], 'protocol/ is pure: only zod and sibling files.'),
      ] }],
    },
  },
  {
    files: ['protocol/*/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        group(['../../*'], 'protocol/ imports nothing outside protocol/.'),
        group([...NODE_BUILTINS, 'ws', 'react', 'react-dom', 'electron', 'zustand'], 'protocol/ is pure: only zod and sibling files.'),
      ] }],
    },
  },
  {
    // common/ is pure and shared by every layer: it imports nothing of ours but itself and protocol/.
    files: ['common/**'],
    ignores: ['common/node/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        group(['**/server/**', '**/main/**', '**/renderer/**', '**/preload/**', '**/client/**', '**/common/node/**', './node/*', '../node/*'], 'common/ imports only common/ and protocol/.'),
        group([...NODE_BUILTINS, 'ws', 'react', 'react-dom', 'electron', 'zustand', 'better-sqlite3', 'ioredis'], 'common/ is pure: no Node, DOM-only, ws or Electron modules (Node pieces go to common/node/).'),
      ] }],
    },
  },
  {
    // common/node/ adds Node (and ws) to common/: still nothing from server/, main/, client/ or the UI.
    files: ['common/node/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        group(['**/server/**', '**/main/**', '**/renderer/**', '**/preload/**', '**/client/**'], 'common/node/ imports only common/, protocol/, Node and ws.'),
        group(['react', 'react-dom', 'electron', 'zustand'], 'common/node/ runs in plain Node.'),
      ] }],
    },
  },
  {
    files: ['renderer/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'react-hooks/set-state-in-effect': 'off',
      'react-hooks/refs': 'off',
      // We do not use the React Compiler; this rule only reports what it would skip.
      'react-hooks/incompatible-library': 'off',
      'no-restricted-imports': ['error', { patterns: [
        group([...NODE_BUILTINS, 'ws', 'electron', 'better-sqlite3', 'ioredis'], 'renderer/ runs in a browser sandbox: no Node, ws or electron.'),
        group(['**/server/**', '**/main/**', '**/preload/**', '**/client/**', '**/server', '**/main', '**/preload', '**/common/node/**'], 'renderer/ imports only protocol/ and common/ from our code; talk to the core through the contract.'),
      ] }],
    },
  },
  {
    files: ['preload/**'],
    rules: {
      'no-restricted-syntax': 'off',
      'no-restricted-imports': ['error', { patterns: [
        group([...NODE_BUILTINS, 'ws'], 'preload/ is sandboxed: electron + protocol/ only.'),
        group(['**/server/**', '**/main/**', '**/renderer/**', '**/client/**', '**/common/node/**'], 'preload/ imports only protocol/ and common/ from our code.'),
      ] }],
    },
  },
  {
    files: ['server/**', 'client/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        group(['electron', 'react', 'react-dom', 'zustand'], 'server/ and client/ are plain Node.'),
        group(['**/main/**', '**/renderer/**', '**/preload/**'], 'server/ does not know about the console.'),
      ] }],
    },
  },
  {
    files: ['main/**'],
    ignores: ['main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        group(['electron'], 'Only main/electron/ may import electron; the console core runs in plain Node.'),
        group(['**/renderer/**', '**/preload/**'], 'The core talks to the renderer only through the contract.'),
      ] }],
    },
  },
  {
    files: ['main/core/**', 'main/web-host/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        group(['electron'], 'Only main/electron/ may import electron; the console core runs in plain Node.'),
        group(['**/renderer/**', '**/preload/**'], 'The core talks to the renderer only through the contract.'),
        group(['**/server/**'], 'The console core reaches servers only over the admin API (main/embedded/ may start one).'),
      ] }],
    },
  },
  {
    files: ['main/electron/ipc.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
