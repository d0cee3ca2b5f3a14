/** Peers and waits for the outgoing connection tests: real sockets on port 0, a real Python peer. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Outgoing } from '../../../protocol/admin-outgoing';
import type { RunningServer } from '../../../server/runtime';

export const FIXTURES = join(import.meta.dirname, 'fixtures');
export const HOOK_SERVICES = ['record', 'boom', 'relay'].map((name) => ({ name, module: join(FIXTURES, `${name}.mjs`) }));

export interface HookEvent { type: string; name: string; data?: unknown; code?: number; reason?: string; topic?: string; seq?: number; requestId?: unknown; boom?: true }
export const hookEvents = (): HookEvent[] => ((globalThis as { __outgoingHookEvents?: HookEvent[] }).__outgoingHookEvents ??= []);

/** Resolves with the connection once `pred` holds (checked now and on every outgoing.updated). */
export function waitOutgoing(server: RunningServer, name: string, pred: (o: Outgoing) => boolean, timeoutMs = 5000): Promise<Outgoing> {
  return new Promise((resolve, reject) => {
    let last: Outgoing | undefined;
    const done = (o: Outgoing) => {
      clearTimeout(timer);
      off();
      resolve(o);
    };
    const timer = setTimeout(() => {
      off();
      reject(new Error(`outgoing ${name}: condition not met in ${timeoutMs} ms; last ${JSON.stringify(last?.status)}`));
    }, timeoutMs);
    const off = server.events.subscribe((e) => {
      if (e.type === 'outgoing.updated' && e.name === name && e.outgoing) {
        last = e.outgoing;
        if (pred(e.outgoing)) done(e.outgoing);
      }
    });
    void server.outgoing!.get(name).then((o) => {
      if (o) last = o;
      if (o && pred(o)) done(o);
    });
  });
}

export interface JsonPeer {
  url: string;
  port: number;
  wss: WebSocketServer;
  /** Every message received, parsed. */
  received: unknown[];
  sockets: Set<WebSocket>;
  /** Resolves with the next connection's socket. */
  nextConnection(): Promise<WebSocket>;
  close(): Promise<void>;
}

/** A ws server on 127.0.0.1:port (0: any): answers {id} with {id, echo}; other JSON with {unsolicited}. */
export async function startJsonPeer(port = 0, opts: { silent?: boolean } = {}): Promise<JsonPeer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const received: unknown[] = [];
  const sockets = new Set<WebSocket>();
  let waiters: ((ws: WebSocket) => void)[] = [];
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    const w = waiters;
    waiters = [];
    for (const f of w) f(ws);
    ws.on('message', (raw) => {
      let data: unknown;
      try {
        data = JSON.parse(String(raw));
      } catch {
        data = String(raw);
      }
      received.push(data);
      if (opts.silent) return;
      if (data && typeof data === 'object' && 'id' in data) ws.send(JSON.stringify({ id: (data as { id: unknown }).id, echo: data }));
    });
  });
  const actual = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${actual}/peer`,
    port: actual,
    wss,
    received,
    sockets,
    nextConnection: () => new Promise((r) => waiters.push(r)),
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.terminate();
      wss.close(() => r());
    }),
  };
}

export interface PyPeer {
  port: number;
  url: string;
  child: ChildProcess;
  kill(): Promise<void>;
}

const pyPeers = new Set<ChildProcess>();

/** Kills every Python peer still running (afterAll: a failed test must not leave one behind). */
export function killPyPeers(): void {
  for (const c of pyPeers) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  pyPeers.clear();
}

/** The Python `websockets` peer (fixtures/py-peer.py) on `port` (0: any). */
export function startPyPeer(port = 0): Promise<PyPeer> {
  const child = spawn('/usr/bin/python3', [join(FIXTURES, 'py-peer.py'), String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  pyPeers.add(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`python peer did not start: ${err}`)), 10_000);
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /PORT (\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const p = Number(m[1]);
      resolve({
        port: p,
        url: `ws://127.0.0.1:${p}/`,
        child,
        kill: () => new Promise<void>((r) => {
          if (child.exitCode !== null || child.signalCode !== null) return r();
          child.once('exit', () => r());
          child.kill('SIGKILL');
        }),
      });
    });
    child.once('exit', (code) => reject(new Error(`python peer exited ${code}: ${err}`)));
  });
}

/** A TCP server that accepts and never answers (a handshake that never completes). */
export async function startSilentTcp(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const srv: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => s.destroy());
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return {
    url: `ws://127.0.0.1:${(srv.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      srv.close(() => r());
    }),
  };
}
