import { beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The electron-importing files only hand Electron's objects to the pure rules. No Electron binary
 * runs here, so `electron` is replaced by a recorder of what those files pass to it; the rules
 * themselves are tested in security-rules.test.ts and app-request.test.ts, and against a real
 * Electron in test/e2e/electron/.
 */
const fake = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => void;
  class FakeBrowserWindow {
    static created: FakeBrowserWindow[] = [];
    readonly onceListeners = new Map<string, Listener>();
    readonly loaded: string[] = [];
    shown = 0;
    constructor(readonly options: Record<string, unknown>) {
      FakeBrowserWindow.created.push(this);
    }
    once(name: string, listener: Listener): this {
      this.onceListeners.set(name, listener);
      return this;
    }
    show(): void {
      this.shown += 1;
    }
    loadURL(url: string): Promise<void> {
      this.loaded.push(url);
      return Promise.resolve();
    }
  }
  return {
    FakeBrowserWindow,
    appListeners: new Map<string, Listener>(),
    sessionHandlers: new Map<string, unknown>(),
    schemes: [] as unknown[],
    protocolHandlers: new Map<string, (request: { url: string }) => Promise<Response>>(),
    netFetched: [] as string[],
    opened: [] as string[],
  };
});

vi.mock('electron', () => ({
  BrowserWindow: fake.FakeBrowserWindow,
  app: { on: (name: string, listener: (...args: unknown[]) => void) => fake.appListeners.set(name, listener) },
  shell: { openExternal: async (url: string) => void fake.opened.push(url) },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h: unknown) => fake.sessionHandlers.set('request', h),
      setPermissionCheckHandler: (h: unknown) => fake.sessionHandlers.set('check', h),
      setDevicePermissionHandler: (h: unknown) => fake.sessionHandlers.set('device', h),
    },
  },
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => fake.schemes.push(...schemes),
    handle: (scheme: string, handler: (request: { url: string }) => Promise<Response>) => fake.protocolHandlers.set(scheme, handler),
  },
  net: {
    fetch: async (url: string) => {
      fake.netFetched.push(url);
      return new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } });
    },
  },
}));

describe('console window', () => {
  beforeEach(() => {
    fake.FakeBrowserWindow.created.length = 0;
  });

  it('keeps every security flag on in its webPreferences', async () => {
    const { createMainWindow } = await import('../../../main/electron/window');
    createMainWindow('/p/preload.cjs');
    const [win] = fake.FakeBrowserWindow.created;
    expect(win!.options.webPreferences).toEqual({
      preload: '/p/preload.cjs',
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
    });
  });

  it('loads the app origin and shows only on ready-to-show', async () => {
    const { createMainWindow } = await import('../../../main/electron/window');
    createMainWindow('/p/preload.cjs');
    const [win] = fake.FakeBrowserWindow.created;
    expect(win!.options.show).toBe(false);
    expect(win!.loaded).toEqual(['app://switchboard/index.html']);
    expect(win!.shown).toBe(0);
    win!.onceListeners.get('ready-to-show')!();
    expect(win!.shown).toBe(1);
  });
});

describe('installSecurityRules', () => {
  it('locks the default session and guards every web contents created', async () => {
    const { installSecurityRules } = await import('../../../main/electron/security');
    installSecurityRules();
    expect([...fake.sessionHandlers.keys()].sort()).toEqual(['check', 'device', 'request']);
    expect((fake.sessionHandlers.get('check') as (wc: unknown, p: string) => boolean)(null, 'media')).toBe(false);

    const created = fake.appListeners.get('web-contents-created')!;
    expect(created).toBeDefined();
    const listeners = new Map<string, (event: { preventDefault(): void }, url: string) => void>();
    let openHandler: ((d: { url: string }) => unknown) | null = null;
    created({}, { on: (name: string, l: never) => listeners.set(name, l), setWindowOpenHandler: (h: never) => (openHandler = h) });
    expect([...listeners.keys()].sort()).toEqual(['will-attach-webview', 'will-navigate', 'will-redirect']);
    let prevented = 0;
    listeners.get('will-navigate')!({ preventDefault: () => void prevented++ }, 'https://evil.example/');
    expect(prevented).toBe(1);
    expect(openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    await Promise.resolve();
    expect(fake.opened).toEqual(['https://example.com/']);
  });
});

describe('app:// scheme', () => {
  it('registers app:// as standard + secure + fetch, and no other privilege', async () => {
    const { registerAppScheme } = await import('../../../main/electron/app-protocol');
    registerAppScheme();
    expect(fake.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });

  it('serves through the app-request handler, reading with net.fetch', async () => {
    const { serveAppProtocol } = await import('../../../main/electron/app-protocol');
    serveAppProtocol('/opt/switchboard/out/renderer');
    const handler = fake.protocolHandlers.get('app')!;
    const ok = await handler({ url: 'app://switchboard/' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(fake.netFetched).toEqual(['file:///opt/switchboard/out/renderer/index.html']);
    expect((await handler({ url: 'app://switchboard/..%2f..%2fmain%2fmain.cjs' })).status).toBe(404);
    expect(fake.netFetched).toHaveLength(1);
  });
});
