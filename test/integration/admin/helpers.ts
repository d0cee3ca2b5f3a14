/** A real server (port 0, temp data dir) and raw protocol clients for the admin integration tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ErrorBodySchema } from '../../../protocol/errors';
import { ServerFrameSchema, type ServerFrame } from '../../../protocol/client-frames';
import { startServer, type RunningServer } from '../../../server/runtime';
import type { ServerConfigInput } from '../../../server/config';

export const OPERATOR = 'integration-operator-token';
export const VIEWER = 'integration-viewer-token-x';

export interface Harness {
  server: RunningServer;
  /** The server's SQLite file (for tests that inspect or hash the store). */
  dbFile: string;
  api(method: string, path: string, opts?: { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<{ status: number; json: unknown; headers: Headers }>;
  close(): Promise<void>;
}

export async function startHarness(admin: { eventBatchMs?: number; maxBodyBytes?: number; maxEventBufferBytes?: number; eventsCloseTimeoutMs?: number; authLimits?: { maxFailures?: number; blockSeconds?: number; windowSeconds?: number } } = {}, extra: Partial<ServerConfigInput> = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-admin-int-'));
  const server = await startServer({
    name: 'admin-int',
    dataDir,
    logLevel: 'silent',
    admin: { port: 0, tokens: [{ name: 'ops', token: OPERATOR, role: 'operator' }, { name: 'watcher', token: VIEWER, role: 'viewer' }], ...admin },
    channels: [{ name: 'main', address: 'ws://127.0.0.1:0/main' }],
    ...extra,
  });
  return {
    server,
    dbFile: join(dataDir, 'switchboard.db'),
    async api(method, path, opts = {}) {
      const token = opts.token === undefined ? OPERATOR : opts.token;
      const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...opts.headers };
      let body = opts.rawBody;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] = 'application/json';
      }
      const res = await fetch(`${server.adminUrl!}/admin/v1${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined, headers: res.headers };
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const errorOf = (json: unknown) => ErrorBodySchema.parse(json).error;

export interface TestClient {
  ws: WebSocket;
  connectionId: string;
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first received frame (past or future) matching pred. */
  frame(pred: (f: ServerFrame) => boolean): Promise<ServerFrame>;
}

/** Opens a protocol client, says hello and waits for welcome. It answers invokes with {echo} unless silent. */
export async function connectClient(url: string, clientId: string, opts: { silent?: boolean } = {}): Promise<TestClient> {
  const ws = new WebSocket(url);
  const received: ServerFrame[] = [];
  let waiters: (() => void)[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const welcome = new Promise<string>((resolve, reject) => {
    ws.on('message', (raw) => {
      const frame: ServerFrame = ServerFrameSchema.parse(JSON.parse(String(raw)));
      received.push(frame);
      const w = waiters;
      waiters = [];
      for (const f of w) f();
      if (frame.type === 'welcome') resolve(frame.connectionId);
      else if (frame.type === 'request' && !opts.silent) ws.send(JSON.stringify({ type: 'response', inReplyTo: frame.id, ok: true, data: { echo: frame.data } }));
    });
    ws.on('error', reject);
    closed.then(({ code }) => reject(new Error(`closed ${code} before welcome`)), () => undefined);
  });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  ws.send(JSON.stringify({ type: 'hello', clientId, clientName: `Client ${clientId}` }));
  const frame = async (pred: (f: ServerFrame) => boolean): Promise<ServerFrame> => {
    for (let i = 0; ; ) {
      for (; i < received.length; i++) if (pred(received[i]!)) return received[i]!;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { ws, connectionId: await welcome, closed, frame };
}
