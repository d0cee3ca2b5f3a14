import { app, session, shell, type WebContents } from 'electron';
import { APP_ORIGIN } from './app-protocol';

/** No window.open, no new windows: links to http(s) open in the user's browser instead. */
function denyWindowOpen(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

/** The window never navigates away from the app origin. */
function denyNavigation(contents: WebContents): void {
  const guard = (event: { preventDefault(): void }, url: string) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Camera, notifications, geolocation, …: the console needs none of them. */
function denyPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/** Installs every rule, for every web contents ever created. Call once, after 'ready'. */
export function installSecurityRules(): void {
  denyPermissions();
  app.on('web-contents-created', (_e, contents) => {
    denyWindowOpen(contents);
    denyNavigation(contents);
  });
}
