import { describe, expect, it } from 'vitest';
import {
  guardContents,
  lockSession,
  navigationDecision,
  permissionDecision,
  windowOpenDecision,
  type GuardableContents,
  type LockableSession,
  type PreventableEvent,
} from '../../../main/electron/security-rules';

/**
 * No Electron binary runs here, so the objects Electron passes are hand-made stand-ins: a web
 * contents that records its listeners and window-open handler, events that record
 * preventDefault, a shell that records openExternal, a session that records its handlers.
 */
class FakeEvent implements PreventableEvent {
  prevented = 0;
  preventDefault(): void {
    this.prevented += 1;
  }
}

class FakeContents implements GuardableContents {
  readonly listeners = new Map<string, ((event: PreventableEvent, url: string) => void)[]>();
  windowOpenHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;

  on(event: string, listener: (event: PreventableEvent, url: string) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }

  /** Fires `name` as Electron would; returns how often the listeners called preventDefault. */
  emit(name: string, url = ''): number {
    const event = new FakeEvent();
    for (const listener of this.listeners.get(name) ?? []) listener(event, url);
    return event.prevented;
  }
}

function guarded() {
  const contents = new FakeContents();
  const opened: string[] = [];
  guardContents(contents, { openExternal: async (url) => void opened.push(url) });
  return { contents, opened };
}

const OUTSIDE = [
  'https://evil.example/',
  'http://127.0.0.1:8080/',
  'file:///etc/passwd',
  'app://other/index.html',
  'app://switchboard.evil/index.html',
  'app://switchboard@evil/index.html',
  'app://switchboard',
  'APP://switchboard/index.html',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  '',
];

describe('navigation', () => {
  it('allows the app origin and nothing else', () => {
    expect(navigationDecision('app://switchboard/index.html')).toBe('allow');
    expect(navigationDecision('app://switchboard/')).toBe('allow');
    for (const url of OUTSIDE) expect(navigationDecision(url), url).toBe('deny');
  });

  it('will-navigate outside app://switchboard/ is prevented, in-app navigation is not', () => {
    const { contents } = guarded();
    for (const url of OUTSIDE) expect(contents.emit('will-navigate', url), url).toBe(1);
    expect(contents.emit('will-navigate', 'app://switchboard/index.html')).toBe(0);
    expect(contents.emit('will-navigate', 'app://switchboard/index.html#/clusters')).toBe(0);
  });

  it('will-redirect is guarded by the same rule', () => {
    const { contents } = guarded();
    expect(contents.listeners.get('will-redirect')).toHaveLength(1);
    expect(contents.emit('will-redirect', 'https://evil.example/')).toBe(1);
    expect(contents.emit('will-redirect', 'app://other/')).toBe(1);
    expect(contents.emit('will-redirect', 'app://switchboard/index.html')).toBe(0);
  });

  it('prevents every webview attach', () => {
    const { contents } = guarded();
    expect(contents.emit('will-attach-webview')).toBe(1);
  });
});

describe('new windows', () => {
  it('denies every window.open and hands only http(s) links to the shell', async () => {
    const { contents, opened } = guarded();
    const handler = contents.windowOpenHandler!;
    expect(handler).not.toBeNull();
    const asked = [
      'https://github.com/switchboard/switchboard#readme',
      'http://example.com/a b',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'app://switchboard/index.html',
      'mailto:someone@example.com',
      'ms-settings:privacy',
      'not a url',
      '',
    ];
    for (const url of asked) expect(handler({ url }), url).toEqual({ action: 'deny' });
    await Promise.resolve();
    // The shell gets the parsed, normalized form (spaces escaped), never the raw string.
    expect(opened).toEqual(['https://github.com/switchboard/switchboard#readme', 'http://example.com/a%20b']);
  });

  it('decides without a web contents', () => {
    expect(windowOpenDecision('https://example.com/')).toEqual({ action: 'deny', openExternally: 'https://example.com/' });
    expect(windowOpenDecision('HTTPS://EXAMPLE.com')).toEqual({ action: 'deny', openExternally: 'https://example.com/' });
    expect(windowOpenDecision('file:///C:/Windows/system32/calc.exe')).toEqual({ action: 'deny', openExternally: null });
    expect(windowOpenDecision('%%')).toEqual({ action: 'deny', openExternally: null });
  });

  it('a shell that fails does not throw out of the handler', async () => {
    const contents = new FakeContents();
    const tried: string[] = [];
    guardContents(contents, { openExternal: (url) => (tried.push(url), Promise.reject(new Error('no browser'))) });
    expect(contents.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    // An unhandled rejection here would fail the run.
    await new Promise((r) => setImmediate(r));
    expect(tried).toEqual(['https://example.com/']);
  });
});

describe('permissions', () => {
  // Every permission name Electron 41 passes to the request and check handlers.
  const PERMISSIONS = [
    'clipboard-read', 'clipboard-sanitized-write', 'display-capture', 'fullscreen', 'geolocation', 'idle-detection',
    'media', 'mediaKeySystem', 'midi', 'midiSysex', 'notifications', 'pointerLock', 'keyboardLock', 'openExternal',
    'speaker-selection', 'storage-access', 'top-level-storage-access', 'window-management', 'unknown', 'fileSystem',
    'hid', 'serial', 'usb', 'deprecated-sync-clipboard-read',
  ];

  function locked() {
    const handlers: {
      request?: Parameters<LockableSession['setPermissionRequestHandler']>[0];
      check?: Parameters<LockableSession['setPermissionCheckHandler']>[0];
      device?: Parameters<LockableSession['setDevicePermissionHandler']>[0];
    } = {};
    lockSession({
      setPermissionRequestHandler: (h) => void (handlers.request = h),
      setPermissionCheckHandler: (h) => void (handlers.check = h),
      setDevicePermissionHandler: (h) => void (handlers.device = h),
    });
    return handlers;
  }

  it('denies every permission request', () => {
    const { request } = locked();
    const answers: [string, boolean][] = [];
    for (const permission of PERMISSIONS) request!({ id: 1 }, permission, (granted) => answers.push([permission, granted]));
    expect(answers).toEqual(PERMISSIONS.map((p) => [p, false]));
  });

  it('denies every permission check and device request', () => {
    const { check, device } = locked();
    for (const permission of PERMISSIONS) expect(check!(null, permission), permission).toBe(false);
    for (const deviceType of ['hid', 'serial', 'usb']) expect(device!({ deviceType }), deviceType).toBe(false);
    expect(permissionDecision('notifications')).toBe(false);
  });
});
