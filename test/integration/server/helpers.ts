import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../../server/runtime';
import type { ServerConfigInput } from '../../../server/config';
import type { ServerFrame } from '../../../protocol/client-frames';

/** Service modules in tests are given relative to this folder. */
export const HERE = dirname(fileURLToPath(import.meta.url));

export interface TestServer {
  server: RunningServer;
  dir: string;
  stop(): Promise<void>;
}

/** A server on port 0 with a temp data dir, admin API off unless asked for, logs silent. */
export async function startTestServer(config: Partial<ServerConfigInput> = {}, dir = mkdtempSync(join(tmpdir(), 'sb-test-'))): Promise<TestServer> {
  const server = await startServer({ name: 'test-server', dataDir: dir, logLevel: 'silent', admin: { enabled: false }, reverseDns: { enabled: false }, ...config }, { configDir: HERE });
  return {
    server,
    dir,
    stop: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const channel = (name: string, extra: Record<string, unknown> = {}): NonNullable<ServerConfigInput['channels']>[number] =>
  ({ name, address: `ws://127.0.0.1:0/${name}`, ...extra }) as NonNullable<ServerConfigInput['channels']>[number];

/** A raw ws client that records frames and its close. */
export class RawClient {
  readonly ws: WebSocket;
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;
  private waiters: { pred: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];

  constructor(url: string, opts: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, opts);
    this.ws.on('error', () => undefined);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as ServerFrame;
      this.frames.push(f);
      const hit = this.waiters.filter((w) => w.pred(f));
      this.waiters = this.waiters.filter((w) => !w.pred(f));
      for (const w of hit) w.resolve(f);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  next<T extends ServerFrame['type']>(type: T, pred: (f: Extract<ServerFrame, { type: T }>) => boolean = () => true): Promise<Extract<ServerFrame, { type: T }>> {
    const found = this.frames.find((f) => f.type === type && pred(f as Extract<ServerFrame, { type: T }>));
    if (found) return Promise.resolve(found as Extract<ServerFrame, { type: T }>);
    return new Promise((resolve) => this.waiters.push({ pred: (f) => f.type === type && pred(f as Extract<ServerFrame, { type: T }>), resolve: (f) => resolve(f as Extract<ServerFrame, { type: T }>) }));
  }

  async hello(clientId: string, extra: Record<string, unknown> = {}): Promise<Extract<ServerFrame, { type: 'welcome' }>> {
    await this.opened;
    this.send({ type: 'hello', clientId, ...extra });
    return this.next('welcome');
  }

  close(): void {
    this.ws.close();
  }
}

export async function connectAndLogin(url: string, clientId: string, extra: Record<string, unknown> = {}): Promise<RawClient> {
  const c = new RawClient(url);
  await c.hello(clientId, extra);
  return c;
}
