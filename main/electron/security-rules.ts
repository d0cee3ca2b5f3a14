import { isAppUrl } from './app-origin';

/**
 * The window's security decisions as small pure functions, and the wiring that applies them to
 * a web contents and a session. No electron import: the parameters are the few members we use,
 * so unit tests hand in stand-ins and security.ts hands in Electron's objects.
 */

export type Decision = 'allow' | 'deny';

/** The window never leaves the app origin (will-navigate and will-redirect). */
export function navigationDecision(url: string): Decision {
  return isAppUrl(url) ? 'allow' : 'deny';
}

export interface WindowOpenDecision {
  action: 'deny';
  /** The URL to hand to the OS browser, or null to drop the request. */
  openExternally: string | null;
}

/**
 * No new windows, ever (window.open, target=_blank, middle-click all arrive here). Links to
 * http(s) open in the user's browser; any other scheme (file:, javascript:, custom protocol
 * handlers) is dropped, because the OS would hand it to whatever program claims it.
 */
export function windowOpenDecision(url: string): WindowOpenDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { action: 'deny', openExternally: null };
  }
  const web = parsed.protocol === 'http:' || parsed.protocol === 'https:';
  return { action: 'deny', openExternally: web ? parsed.href : null };
}

/** The console has no <webview>; one appearing means injected markup. */
export function webviewAttachDecision(): Decision {
  return 'deny';
}

/**
 * Camera, microphone, notifications, geolocation, clipboard-read, HID/serial/USB, …: the console
 * needs none of them, so every permission request, check and device request is refused.
 */
export function permissionDecision(_permission: string): boolean {
  return false;
}

export interface PreventableEvent {
  preventDefault(): void;
}

/** The members of Electron's WebContents the rules use. */
export interface GuardableContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** Electron's shell, as far as the rules need it. */
export interface ExternalOpener {
  openExternal(url: string): Promise<void>;
}

/** The members of Electron's Session the rules use. */
export interface LockableSession {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  setDevicePermissionHandler(handler: (details: { deviceType: string }) => boolean): void;
}

/** Applies the navigation, new-window and webview rules to one web contents. */
export function guardContents(contents: GuardableContents, shell: ExternalOpener): void {
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.openExternally !== null) void shell.openExternal(decision.openExternally).catch(() => {});
    return { action: decision.action };
  });
  const guardNavigation = (event: PreventableEvent, url: string) => {
    if (navigationDecision(url) === 'deny') event.preventDefault();
  };
  contents.on('will-navigate', guardNavigation);
  contents.on('will-redirect', guardNavigation);
  contents.on('will-attach-webview', (event) => {
    if (webviewAttachDecision() === 'deny') event.preventDefault();
  });
}

/** Applies the permission rules to a session. */
export function lockSession(session: LockableSession): void {
  session.setPermissionRequestHandler((_webContents, permission, callback) => callback(permissionDecision(permission)));
  session.setPermissionCheckHandler((_webContents, permission) => permissionDecision(permission));
  session.setDevicePermissionHandler((details) => permissionDecision(details.deviceType));
}
