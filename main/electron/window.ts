import { BrowserWindow } from 'electron';
import { APP_ORIGIN } from './app-protocol';
import { mainWindowWebPreferences } from './web-preferences';

/** The one console window. Shown on ready-to-show so it never flashes blank. */
export function createMainWindow(preloadPath: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Switchboard',
    backgroundColor: '#111318',
    webPreferences: mainWindowWebPreferences(preloadPath),
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}
