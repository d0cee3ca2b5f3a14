import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerConfigInput } from '../../../server/config';
import { startServer, type RunningServer } from '../../../server/runtime';
import { TestClient } from './ws-client';

const ROOT = resolve(import.meta.dirname, '../../..');

/** Starts RUNTIME's CLI (server/cli.ts) as a real process: `node --import tsx`, one process, so SIGKILL hits the server itself. */
async function spawnServer(configFile: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/cli.ts'), '--config', configFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  let url = '';
  await new Promise<void>((res, rej) => {
    child.once('exit', (code) => rej(new Error(`server exited early with ${code}`)));
    lines.on('line', (line) => {
      const m = /^channel main (ws:\S+)/.exec(line);
      if (m) url = m[1]!;
      if (line === 'ready') res();
    });
  });
  return { child, url };
}

let dir: string;
let child: ChildProcess | undefined;
let server: RunningServer | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await server?.close();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('durability across kill -9', () => {
  it('loses no acknowledged publish when the server process is killed right after the ack', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-kill9-'));
    const config: ServerConfigInput = {
      name: 'kill9',
      dataDir: join(dir, 'data'),
      logLevel: 'silent',
      admin: { enabled: false },
      channels: [{ name: 'main', address: 'ws://127.0.0.1:0/ws' }],
      pubsub: { topics: [{ name: 'ledger' }] },
    };
    const file = join(dir, 'switchboard.json');
    writeFileSync(file, JSON.stringify(config));
    const proc = await spawnServer(file);
    child = proc.child;

    const sub = await TestClient.connect(proc.url, 'auditor');
    clients.push(sub);
    expect((await sub.call({ type: 'subscribe', topic: 'ledger' })).ok).toBe(true);
    await sub.close();

    const pub = await TestClient.connect(proc.url, 'writer');
    clients.push(pub);
    const exited = new Promise<void>((r) => child!.once('exit', () => r()));
    // Keep publishing; on the 1,000th acknowledgement kill -9 at once, with later publishes still in flight.
    const acked: number[] = [];
    const KILL_AT = 1000;
    await new Promise<void>((done) => {
      for (let i = 1; i <= 1500; i++) {
        pub.call({ type: 'publish', topic: 'ledger', data: { n: i } }).then(
          (r) => {
            if (!r.ok || child!.signalCode) return;
            acked.push(i);
            if (acked.length === KILL_AT) {
              child!.kill('SIGKILL');
              done();
            }
          },
          () => undefined,
        );
      }
    });
    await exited;
    expect(child.signalCode).toBe('SIGKILL');

    server = await startServer({ ...config, channels: [{ name: 'main', address: 'ws://127.0.0.1:0/ws' }] });
    const topic = (await server.pubsub.getTopic('ledger'));
    expect(topic?.subscribers).toBe(1);
    expect(topic!.published).toBeGreaterThanOrEqual(KILL_AT);
    const back = await TestClient.connect(server.channelUrl('main'), 'auditor');
    clients.push(back);
    back.autoAckEvery = 50;
    await back.until(() => back.messages.length >= topic!.published);
    const got = new Set(back.messages.map((m) => (m.data as { n: number }).n));
    const lost = acked.filter((n) => !got.has(n));
    expect(lost).toEqual([]);
    const seqs = back.messages.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});
