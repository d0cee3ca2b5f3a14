// The Switchboard server under test, alone in its process: two gateway routes to the same upstream,
// `raw` and `frames`. Answers `mem` with its RSS/heap after a full GC (run with --expose-gc).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../server/runtime';

const upstream = process.argv[2]!;
const dir = mkdtempSync(join(tmpdir(), 'sb-bench-gw-'));
const common = { listen: 'ws://127.0.0.1:0', upstreams: [upstream], subprotocols: [], maxMessageBytes: 1024 * 1024 };
const server = await startServer({
  dataDir: dir,
  logLevel: 'silent',
  admin: { enabled: false },
  reverseDns: { enabled: false },
  gateway: { routes: [{ name: 'raw', path: '/raw', mode: 'raw', ...common }, { name: 'frames', path: '/frames', mode: 'frames', ...common }] },
});
const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (m: { type: string }) => {
  if (m.type === 'cpu') {
    const c = process.cpuUsage();
    process.send!({ type: 'cpu', cpuMs: (c.user + c.system) / 1000 });
  }
  if (m.type === 'mem') {
    gc?.();
    gc?.();
    const u = process.memoryUsage();
    process.send!({ type: 'mem', rss: u.rss, heapUsed: u.heapUsed, sessions: server.gatewaySessionCount() });
  }
});
process.on('SIGTERM', () => void server.close().finally(() => { rmSync(dir, { recursive: true, force: true }); process.exit(0); }));
process.send!({ type: 'ready', raw: server.gatewayUrl('raw'), frames: server.gatewayUrl('frames') });
