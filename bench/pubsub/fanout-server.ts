/**
 * One fan-out server in its own process (forked by bench/pubsub/fanout.ts), so the CPU time it
 * reports is its own and nothing else's. argv: kind (sb | ws), host, topic.
 *   sb: the real Switchboard server; a publish is server.pubsub.publish (commit, then fan-out).
 *   ws: the baseline, a bare `ws` server sending the same message frame to every socket it holds.
 * IPC, each answered with a message of the same type:
 *   {type:'publish', round}  → {t0 (epoch ms, sub-ms), c0 (cpuUsage before), loopMs}
 *   {type:'cpu'}             → {cpu: process.cpuUsage()}
 *   {type:'depth'}           → {depth: unacked messages over all subscribers (sb; 0 for ws)}
 *   {type:'profile', action} → start / stop a sampling segment, or summary of all segments
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocketServer, type WebSocket } from 'ws';
import { SegmentProfiler } from '../lib/profile';
import { startServer } from '../lib/switchboard';

type Cmd = { type: 'publish'; round: number } | { type: 'cpu' } | { type: 'depth' } | { type: 'profile'; action: 'start' | 'stop' | 'summary' };

const kind = process.argv[2] === 'ws' ? 'ws' : 'sb';
const host = process.argv[3] ?? '127.0.0.1';
const topic = process.argv[4] ?? 'bench.fanout';
const send = (m: unknown): void => void process.send?.(m);
/** Wall clock with sub-millisecond resolution, comparable across processes on this machine. */
const wallNow = (): number => performance.timeOrigin + performance.now();
const frameFor = (round: number): unknown => ({ kind: 'bench', round, pad: 'x'.repeat(64) });

interface Side {
  url: string;
  publish(round: number): Promise<void> | void;
  depth(): Promise<number> | number;
  close(): Promise<void>;
}

async function bare(): Promise<Side> {
  const wss = new WebSocketServer({ host, port: 0, perMessageDeflate: false });
  await new Promise((r) => wss.once('listening', r));
  const socks: WebSocket[] = [];
  wss.on('connection', (ws) => socks.push(ws));
  return {
    url: `ws://${host}:${(wss.address() as { port: number }).port}/`,
    publish(round) {
      // The frame Switchboard would send, built once: a broadcast's whole cost is the send loop.
      const text = JSON.stringify({ type: 'message', topic, seq: round + 1, data: frameFor(round), publishedAt: new Date().toISOString() });
      for (const ws of socks) ws.send(text);
    },
    depth: () => 0,
    async close() {
      for (const ws of socks) ws.terminate();
      await new Promise((r) => wss.close(r));
    },
  };
}

async function switchboard(): Promise<Side> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-fanout-'));
  const server = await startServer({
    name: 'bench',
    dataDir: dir,
    logLevel: 'error',
    admin: { enabled: false },
    channels: [{ name: 'bench', address: `ws://${host}:0/bench` }],
    // Every load connection comes from one address: lift the per-address cap.
    channelListeners: { maxConnectionsPerIp: 0 },
    pubsub: { topics: [{ name: topic }] },
  });
  return {
    url: server.channelUrl('bench'),
    async publish(round) {
      await server.pubsub.publish(topic, frameFor(round), { kind: 'admin', id: 'bench' });
    },
    depth: async () => (await server.pubsub.getTopic(topic))?.depth ?? 0,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<void> {
  const side = kind === 'ws' ? await bare() : await switchboard();
  const profiler = new SegmentProfiler();
  process.on('message', (cmd: Cmd) => {
    switch (cmd.type) {
      case 'publish': {
        const c0 = process.cpuUsage();
        const t0 = wallNow();
        const p0 = performance.now();
        void Promise.resolve(side.publish(cmd.round)).then(
          () => send({ type: 'publish', t0, c0, loopMs: performance.now() - p0 }),
          (err: unknown) => send({ type: 'publish', error: String(err) }),
        );
        return;
      }
      case 'cpu':
        send({ type: 'cpu', cpu: process.cpuUsage() });
        return;
      case 'depth':
        void Promise.resolve(side.depth()).then((depth) => send({ type: 'depth', depth }));
        return;
      case 'profile':
        if (cmd.action === 'start') void profiler.start().then(() => send({ type: 'profile' }));
        else if (cmd.action === 'stop') void profiler.stop().then(() => send({ type: 'profile' }));
        else send({ type: 'profile', summary: profiler.top(15) });
        return;
    }
  });
  process.on('disconnect', () => void side.close().finally(() => process.exit(0)));
  send({ type: 'ready', url: side.url });
}

void main();
