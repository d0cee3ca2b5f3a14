import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxProcessController } from '../../../main/embedded/sandbox-process';

describe('sandbox in a child Node process (Electron development mode)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('starts, serves its admin API with the operator token it printed, and stops', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-sandbox-proc-'));
    dirs.push(dir);
    const ctl = sandboxProcessController({
      dataDir: dir,
      clients: 2,
      ephemeral: true,
      entry: fileURLToPath(new URL('../../../main/embedded/sandbox-entry.ts', import.meta.url)),
      nodePath: process.execPath,
      execArgv: ['--import', 'tsx'],
    });
    const info = await ctl.start();
    try {
      const res = await fetch(`${info.adminUrl}/admin/v1/whoami`, { headers: { authorization: `Bearer ${info.operatorToken}` } });
      expect(await res.json()).toMatchObject({ role: 'operator' });
      expect(info.channelUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/demo$/);
    } finally {
      await ctl.stop();
    }
    await expect(fetch(`${info.adminUrl}/admin/v1/whoami`)).rejects.toThrow();
  });
});
