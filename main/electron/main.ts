import { app, BrowserWindow, dialog } from 'electron';
import { join } from 'node:path';
import { createConsoleCore, type ConsoleCore } from '../core/console-core';
import { FileSecretStore, type SecretStore } from '../core/storage/secret-store';
import { sandboxController } from '../embedded/sandbox';
import { sandboxProcessController } from '../embedded/sandbox-process';
import { registerAppScheme, serveAppProtocol } from './app-protocol';
import { wireIpc, type WiredIpc } from './ipc';
import { electronFileDialogs } from './file-dialogs';
import { installMenu } from './menu';
import { SafeStorageSecretStore } from './secret-store';
import { installSecurityRules } from './security';
import { createMainWindow } from './window';

/** Electron entry (bundled to out/main/main.cjs): out/renderer and out/preload sit next to out/main. */
const outDir = join(__dirname, '..');
const noSandboxServer = process.argv.includes('--no-sandbox-server');
if (process.env.SWITCHBOARD_USER_DATA) app.setPath('userData', process.env.SWITCHBOARD_USER_DATA);

// A second instance just focuses the first (see 'second-instance'); it must not start a core.
if (!app.requestSingleInstanceLock()) app.exit(0);
registerAppScheme();

let core: ConsoleCore | null = null;
let win: BrowserWindow | null = null;
let ipc: WiredIpc | null = null;

function secretStore(dataDir: string): SecretStore {
  // Without any safeStorage backend, fall back to the 0600 file (describe() says it is plain text).
  return SafeStorageSecretStore.available() ? new SafeStorageSecretStore(dataDir) : new FileSecretStore(dataDir);
}

/**
 * Packaged: better-sqlite3 is rebuilt for Electron, so the sandbox runs in-process. In development
 * the native module is built for Node, so the sandbox runs in a Node child (npm start passes the
 * Node binary it runs on).
 */
function sandboxFor(dataDir: string) {
  const nodePath = process.env.SWITCHBOARD_NODE ?? process.env.npm_node_execpath;
  if (app.isPackaged || !nodePath) return sandboxController({ dataDir });
  return sandboxProcessController({ dataDir, entry: join(outDir, 'main', 'sandbox.cjs'), nodePath });
}

function openWindow(): BrowserWindow {
  const w = createMainWindow(join(outDir, 'preload', 'preload.cjs'));
  // A reloaded page starts over with its own watchConnections calls.
  w.webContents.on('did-start-loading', () => ipc?.pageLoaded());
  w.on('closed', () => {
    if (win === w) win = null;
  });
  return w;
}

async function start(): Promise<void> {
  installSecurityRules();
  installMenu();
  serveAppProtocol(join(outDir, 'renderer'));
  const dataDir = app.getPath('userData');
  // The window shows while the core (and the sandbox server) start; calls wait for the core.
  const corePromise = createConsoleCore({
    dataDir,
    secrets: secretStore(dataDir),
    host: 'electron',
    version: app.getVersion(),
    sandbox: sandboxFor(dataDir),
    sandboxAllowed: !noSandboxServer,
    probeDialogs: electronFileDialogs(dialog, () => win, app.getPath('downloads')),
  });
  ipc = wireIpc(corePromise, () => win);
  win = openWindow();
  core = await corePromise;
}

app.on('second-instance', () => {
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('activate', () => {
  if (BrowserWindow.getAllWindows().length === 0 && core) win = openWindow();
});

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !core) return;
  // Let the core close streams and stop the sandbox server before the process goes.
  event.preventDefault();
  quitting = true;
  ipc?.dispose();
  void core.dispose().finally(() => app.quit());
});

app.whenReady().then(start).catch((err: unknown) => {
  console.error('Switchboard failed to start:', err);
  app.exit(1);
});
