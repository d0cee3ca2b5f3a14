// `npm start`: build the renderer and the main bundles, then launch the Electron console with the
// embedded "Local sandbox" server. Without an Electron binary (ELECTRON_SKIP_BINARY_DOWNLOAD, or a
// machine where it cannot run) it says so and serves the very same console through the web host.
//
//   npm start -- [--no-sandbox-server] [--web] [--skip-build] [--port N] [--data-dir DIR]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const forceWeb = args.includes('--web');
const skipBuild = args.includes('--skip-build');
const passThrough = args.filter((a) => a !== '--web' && a !== '--skip-build');

function run(cmd, cmdArgs, label) {
  const res = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) {
    console.error(`start: ${label} failed (exit ${res.status ?? res.signal})`);
    process.exit(res.status ?? 1);
  }
}

/** Path of the Electron binary, or null with the reason. */
function findElectron() {
  try {
    const path = require('electron');
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { path: null, reason: 'the electron package has no binary' };
  } catch (err) {
    return { path: null, reason: String(err?.message ?? err).split('\n')[0] };
  }
}

if (!skipBuild) {
  // vite's package exports hide its bin; node_modules/.bin is where npm put it.
  run(process.execPath, [fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url)), 'build', '--logLevel', 'warn'], 'vite build (renderer)');
  run(process.execPath, ['scripts/build-main.mjs'], 'build-main');
}

const electron = forceWeb ? { path: null, reason: '--web given' } : findElectron();
let child;
if (electron.path) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  // The dev sandbox runs under this Node (its native modules are built for Node, not Electron).
  env.SWITCHBOARD_NODE = process.execPath;
  // Electron keeps its data in userData; --data-dir maps onto it.
  const i = passThrough.indexOf('--data-dir');
  if (i >= 0 && passThrough[i + 1]) env.SWITCHBOARD_USER_DATA = passThrough[i + 1];
  child = spawn(electron.path, ['.', ...passThrough.filter((_, j) => j !== i && j !== i + 1 || i < 0)], { cwd: root, stdio: 'inherit', env });
} else {
  if (!forceWeb) {
    console.log('Electron binary not installed: npm install ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or its download failed.');
    if (!/failed to install correctly/.test(electron.reason)) console.log(`  (${electron.reason})`);
    console.log('Serving the same console in your browser instead — open the URL below.');
  }
  child = spawn(process.execPath, ['out/main/web-host.cjs', ...passThrough], { cwd: root, stdio: 'inherit' });
}

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
