// `npm run dist`: build, package with electron-builder, then put the native modules back.
// electron-builder rebuilds better-sqlite3 *in place* for Electron's ABI (npmRebuild), which would
// leave node_modules unusable for Node (tests, the server CLI, the web host) — so whatever happens,
// the Node build is restored afterwards.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' }).status ?? 1;

let status = run(npm, ['run', 'build']);
if (status === 0) {
  status = run(npx, ['electron-builder', '--config', 'electron-builder.yml', ...process.argv.slice(2)]);
  const restored = run(npm, ['rebuild', 'better-sqlite3']);
  if (restored !== 0) console.error('dist: could not restore better-sqlite3 for Node; run `npm rebuild better-sqlite3`');
}
process.exit(status);
