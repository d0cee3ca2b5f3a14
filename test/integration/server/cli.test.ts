import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../../protocol/close-codes';
import { channel, HERE, RawClient, startTestServer } from './helpers';

const BIN = join(HERE, '../../../bin/switchboard-server.mjs');

describe('switchboard-server CLI', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts from a YAML file and shuts down gracefully on SIGTERM: clients get 1001, exit 0 within 10 s', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-cli-'));
    const cfg = join(dir, 'switchboard.yaml');
    writeFileSync(cfg, ['name: cli-test', 'dataDir: ./data', 'logLevel: warn', 'admin:', '  enabled: false', 'channels:', '  - name: main', '    address: ws://127.0.0.1:0/main', ''].join('\n'));
    const child = spawn(process.execPath, [BIN, '--config', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /channel main (ws:\/\/\S+)/.exec(out);
        if (m && out.includes('ready')) resolve(m[1]!);
      });
      void exited.then((code) => reject(new Error(`exited early (${code}): ${out}`)));
    });
    const c = new RawClient(url);
    await c.hello('cli-client');
    const t0 = Date.now();
    child.kill('SIGTERM');
    expect(await c.closed).toEqual({ code: CloseCode.GoingAway, reason: 'server shutting down' });
    expect(await exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('exits 1 with a message naming the field on a bad config', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-cli-'));
    const cfg = join(dir, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ channels: [{ name: 'x', address: 'http://nope' }] }));
    const child = spawn(process.execPath, [BIN, '--config', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(err).toMatch(/channels\.0\.address/);
  });

  it('switchboard-demo starts N clients with stable ids that a server sees, and stops on SIGTERM', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-demo-'));
    const t = await startTestServer({ channels: [channel('demo')] });
    try {
      const child = spawn(process.execPath, [join(HERE, '../../../bin/switchboard-demo.mjs'), '--url', t.server.channelUrl('demo'), '--clients', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      await new Promise<void>((resolve) => {
        const check = async (): Promise<void> => { if ((await t.server.connections.list({ limit: 10, clientId: 'demo-*' })).total === 3) { un(); resolve(); } };
        const un = t.server.events.subscribe(check);
        check();
      });
      expect((await t.server.connections.list({ limit: 10 })).items.map((i) => i.clientId)).toEqual(['demo-0001', 'demo-0002', 'demo-0003']);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await t.stop();
    }
  });
});
