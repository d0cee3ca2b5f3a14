import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../server/helpers';
import { closed, EchoUpstream, nextMessage, openClient } from './upstreams';

/** Sessions churned; GATEWAY_CHURN=10000 (npm run test:gateway-churn) for the full count. */
const N = Number(process.env.GATEWAY_CHURN ?? 400);
const PARALLEL = 50;

let ts: TestServer;
let up: EchoUpstream;
beforeAll(async () => {
  up = await new EchoUpstream().start();
  ts = await startTestServer({ gateway: { routes: [
    { name: 'churn', listen: 'ws://127.0.0.1:0', path: '/c', upstreams: [up.url] },
    { name: 'churn-raw', listen: 'ws://127.0.0.1:0', path: '/r', upstreams: [up.url], mode: 'raw' },
  ] } });
});
afterAll(async () => {
  await ts.stop();
  await up.stop();
});

// A real collection before each heap reading, without a flag on the test runner.
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

it(`leaves no session in memory after ${N} churned ones (both modes, closes from either side)`, { timeout: 120_000 }, async () => {
  const urls = [ts.server.gatewayUrl('churn'), ts.server.gatewayUrl('churn-raw')];
  const one = async (i: number): Promise<void> => {
    const ws = await openClient(`${urls[i % 2]!}/s${i}`);
    ws.send('x');
    await nextMessage(ws);
    const c = closed(ws);
    if (i % 3 === 0) up.byPath.get(`/s${i}`)!.close(1000);
    else if (i % 3 === 1) ws.close(1000);
    else ws.terminate();
    await c;
  };
  const run = async (count: number): Promise<void> => {
    let next = 0;
    await Promise.all(Array.from({ length: PARALLEL }, async () => {
      while (next < count) await one(next++);
    }));
    await expect.poll(() => ts.server.gatewaySessionCount(), { timeout: 10_000 }).toBe(0);
  };
  await run(Math.min(200, N));
  const before = heapAfterGc();
  await run(N);
  await expect.poll(() => up.sockets.size, { timeout: 10_000 }).toBe(0);
  const after = heapAfterGc();
  const routes = await ts.server.gateway.listRoutes();
  expect(routes.reduce((n, r) => n + r.sessionsTotal, 0)).toBe(Math.min(200, N) + N);
  expect(routes.every((r) => r.sessions === 0 && r.instances.every((i) => i.sessions === 0))).toBe(true);
  console.log(`churned ${N}: heap before ${(before / 1048576).toFixed(1)} MiB, after ${(after / 1048576).toFixed(1)} MiB`);
  // Growth bounded well below what N retained sessions would hold (≥ 2 KB each).
  expect(after - before).toBeLessThan(Math.max(8 * 1048576, N * 500));
});
