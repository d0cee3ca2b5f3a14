import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseServerConfig } from '../../../server/config';

describe('server config', () => {
  it('loads the example YAML with defaults filled in', async () => {
    const cfg = parseServerConfig(await loadConfigFile(fileURLToPath(new URL('../../../switchboard.example.yaml', import.meta.url))));
    expect(cfg.name).toBe('edge-1');
    expect(cfg.channels.map((c) => c.name)).toEqual(['public', 'tills']);
    expect(cfg.channels[0]).toMatchObject({ active: true, newTokenWaitTime: 5, tokenTtl: 3600, pingInterval: 30, pingsMissedThreshold: 2, maxMessageBytes: 1048576, security: null });
    expect(cfg.closeTimeoutMs).toBe(3000);
    expect(cfg.admin.port).toBe(7070);
  });

  it('loads JSON and names the offending field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-cfg-'));
    try {
      writeFileSync(join(dir, 'ok.json'), JSON.stringify({ name: 'j', channels: [{ name: 'a', address: 'ws://127.0.0.1:0/a' }] }));
      expect((await loadConfigFile(join(dir, 'ok.json'))).name).toBe('j');
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ channels: [{ name: 'a', address: 'ws://127.0.0.1:0/a', tokenTtl: -1 }] }));
      await expect(loadConfigFile(join(dir, 'bad.json'))).rejects.toMatchObject({ field: 'channels.0.tokenTtl' });
      writeFileSync(join(dir, 'typo.json'), JSON.stringify({ chanels: [] }));
      await expect(loadConfigFile(join(dir, 'typo.json'))).rejects.toMatchObject({ code: 'SB_ERR_VALIDATION' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
