import type { WebPreferences } from 'electron';

/**
 * The console window's webPreferences, in one pure module so a unit test can pin them
 * (Electron has no getter for a live window's preferences). Every flag here is a security rule:
 * the renderer is an untrusted web page that talks to the core only through the preload bridge.
 */
export function mainWindowWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}
