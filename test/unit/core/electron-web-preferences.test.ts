import { describe, expect, it } from 'vitest';
import { mainWindowWebPreferences } from '../../../main/electron/web-preferences';

describe('console window webPreferences', () => {
  it('keeps every security flag on', () => {
    expect(mainWindowWebPreferences('/p/preload.cjs')).toMatchObject({
      preload: '/p/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});
