import { BrowserWindow } from 'electron';
import { APP_ORIGIN } from './app-origin';

/**
 * The one console window. Shown on ready-to-show so it never flashes blank.
 *
 * The webPreferences stay written out here, in the BrowserWindow call, so Electronegativity
 * (npm run lint:electron) can read them; test/unit/electron/wiring.test.ts pins them too. Every
 * flag is a security rule: the renderer is an untrusted web page that talks to the core only
 * through the preload bridge.
 */
export function createMainWindow(preloadPath: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Switchboard',
    backgroundColor: '#111318',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}
