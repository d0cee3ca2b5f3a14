import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll } from 'vitest';
import type { ServerConfigInput } from '../../../server/config';
import { freePort } from '../helpers/processes';
import type { TestClient } from '../pubsub/ws-client';

const ROOT = resolve(import.meta.dirname, '../../..');
export const TOKEN = 'operator-token-0123456789';

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

/** A private redis-server (no persistence) the test may kill and start again on the same port. */
export class PrivateRedis {
  private child: ChildProcess | null = null;
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort());
    await r.restart();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    await new Promise<void>((res, rej) => {
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (l) => {
        if (/Ready to accept connections/.test(l)) res();
      });
      child.once('exit', (code) => rej(new Error(`redis-server exited with ${code}`)));
    });
  }

  async kill9(): Promise<void> {
    if (!this.child) return;
    const c = this.child;
    this.child = null;
    c.kill('SIGKILL');
    await exited(c);
  }
}

export function writeSharedKey(dir: string): void {
  writeFileSync(join(dir, 'secrets.key'), randomBytes(32).toString('hex'), { mode: 0o600 });
}

/** One cluster node: server/cli.ts as its own process (so kill -9 really kills it). */
export class NodeProcess {
  child: ChildProcess;
  adminUrl = '';
  channelUrl = '';
  readonly lines: string[] = [];

  private constructor(readonly nodeId: string, child: ChildProcess) {
    this.child = child;
  }

  /** `dir` holds secrets.key (writeSharedKey): every node of a cluster seals with the same key. */
  static async start(dir: string, nodeId: string, redisUrl: string, extra: Partial<ServerConfigInput> = {}): Promise<NodeProcess> {
    const nodeDir = join(dir, nodeId);
    mkdirSync(nodeDir, { recursive: true });
    const config: ServerConfigInput = {
      name: nodeId,
      mode: 'cluster',
      cluster: { redis: { url: redisUrl, namespace: 'test', commandTimeoutMs: 500 }, nodeId, heartbeatMs: 200, nodeTtlMs: 1000, rpcTimeoutMs: 1500, registryFlushMs: 20 },
      secretsKey: { file: '../secrets.key' },
      dataDir: './data',
      logLevel: 'warn',
      admin: { tokens: [{ name: 'op', token: TOKEN, role: 'operator' }] },
      channels: [{ name: 'main', address: 'ws://127.0.0.1:0/ws' }],
      pubsub: { topics: [{ name: 'news' }] },
      ...extra,
    };
    const file = join(nodeDir, 'switchboard.json');
    writeFileSync(file, JSON.stringify(config));
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/cli.ts'), '--config', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const node = new NodeProcess(nodeId, child);
    child.stderr!.on('data', (c: Buffer) => node.lines.push(...c.toString().split('\n').filter(Boolean)));
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`${nodeId} not ready:\n${node.lines.join('\n')}`)), 30_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        rej(new Error(`${nodeId} exited (${code}) before ready:\n${node.lines.join('\n')}`));
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        node.lines.push(line);
        const admin = /^admin (\S+)\/admin\/v1$/.exec(line);
        if (admin) node.adminUrl = admin[1]!;
        const ch = /^channel main (ws:\S+)/.exec(line);
        if (ch) node.channelUrl = ch[1]!;
        if (line === 'ready') {
          clearTimeout(timer);
          res();
        }
      });
    });
    return node;
  }

  /** Calls this node's admin API; returns status and body (typed by the caller, who asserts on it). */
  async api<T = { error?: { code: string; message: string } }>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.adminUrl}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  async kill9(): Promise<void> {
    this.child.kill('SIGKILL');
    await exited(this.child);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    await exited(this.child);
  }
}

/** Polls `fn` until it returns a truthy value (a real wait for state in other processes; no event reaches the test). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 5000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Three node processes (a seeds the configuration, b and c join) on one private Redis, started
 * before the file's tests and stopped after them with the clients the tests opened.
 */
export function threeNodeCluster(prefix: string): { nodes: NodeProcess[]; clients: TestClient[]; redis: () => PrivateRedis } {
  let dir = '';
  let redis: PrivateRedis | undefined;
  const nodes: NodeProcess[] = [];
  const clients: TestClient[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    writeSharedKey(dir);
    redis = await PrivateRedis.start();
    nodes.push(await NodeProcess.start(dir, 'a', redis.url));
    nodes.push(...await Promise.all(['b', 'c'].map((id) => NodeProcess.start(dir, id, redis!.url))));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await Promise.all(nodes.map((n) => n.stop()));
    await redis?.kill9();
    rmSync(dir, { recursive: true, force: true });
  });
  return { nodes, clients, redis: () => redis! };
}
