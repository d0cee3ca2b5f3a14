// Bundles the Electron main process, the preload and the web host with esbuild.
//   out/main/main.cjs       Electron main (electron + native modules stay external)
//   out/preload/preload.cjs sandboxed preload: CJS, one file, requires nothing but 'electron'
//   out/main/web-host.cjs   `node out/main/web-host.cjs` — the same console served to a browser
//   out/main/sandbox.cjs    the embedded sandbox server, run by Electron in a Node child process
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const watch = process.argv.includes('--watch');

// Native addons and optional ws accelerators are loaded from node_modules at run time.
const external = ['electron', 'better-sqlite3', 'ioredis', 'bufferutil', 'utf-8-validate'];
// ESM sources read import.meta.url (e.g. the server's version lookup); give CJS bundles a real one.
const importMetaShim = { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" };

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  external,
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: importMetaShim,
};

const jobs = [
  { ...common, entryPoints: ['main/electron/main.ts'], outfile: 'out/main/main.cjs' },
  { ...common, entryPoints: ['main/web-host/cli-entry.ts'], outfile: 'out/main/web-host.cjs' },
  // The sandbox server as a plain Node child of the Electron app (native modules, Node ABI).
  { ...common, entryPoints: ['main/embedded/sandbox-entry.ts'], outfile: 'out/main/sandbox.cjs' },
  {
    ...common,
    entryPoints: ['preload/preload.ts'],
    outfile: 'out/preload/preload.cjs',
    // A sandboxed preload gets a limited `require` (electron, events, timers, url): keep it to electron.
    external: ['electron'],
    platform: 'browser',
    define: {},
    banner: {},
    target: 'chrome130',
    minify: true,
  },
];

if (watch) {
  const { context } = await import('esbuild');
  for (const job of jobs) await (await context(job)).watch();
  console.log('build-main: watching');
} else {
  await Promise.all(jobs.map((job) => build(job)));
  console.log('build-main: out/main/main.cjs, out/main/web-host.cjs, out/main/sandbox.cjs, out/preload/preload.cjs');
}
