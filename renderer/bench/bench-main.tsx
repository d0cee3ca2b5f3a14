/**
 * Benchmark page (not shipped): the real connections table (store + virtualized grid) next to a
 * bare @tanstack/react-virtual list of the same rows, driven from bench/console/run.ts.
 */
import { useEffect, useReducer, useRef } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { flushSync } from 'react-dom';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ConnectionsDeltaSchema, type ConnectionRow, type ConnectionsDelta } from '../../protocol/console/clusters';
import { ConnectionsTable } from '../src/features/connections/connections-table';
import { store } from '../src/store';
import { loadRows } from '../src/features/connections/connection-table';
import '../src/styles.css';

const BASE = Date.parse('2026-11-22T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function makeRow(i: number, serverId = 's1'): ConnectionRow {
  const connectionId = `conn-${i.toString(36)}-${(i * 2654435761) % 1e9}`;
  return {
    rowKey: `${serverId}/${connectionId}`,
    serverId,
    serverUrl: 'http://127.0.0.1:7070',
    staleSince: null,
    connectionId,
    kind: 'inbound',
    node: 'n1',
    clientId: `client-${String((i * 7919) % 1_000_003).padStart(7, '0')}`,
    clientName: `Client ${i}`,
    channel: ['demo', 'prices', 'ops', 'mobile'][i % 4]!,
    state: 'logged-in',
    remoteAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    remotePort: 30000 + (i % 30000),
    remoteFqdn: null,
    forwardedFor: null,
    localAddress: '127.0.0.1',
    localPort: 8080,
    serverName: 'bench',
    pid: 4242,
    connectedAt: iso(BASE + i),
    loggedInAt: iso(BASE + i + 5),
    lastSeenAt: iso(BASE + i + 10),
    expiresAt: null,
    msgsIn: i % 100,
    msgsOut: i % 50,
    bytesIn: 0,
    bytesOut: 0,
    subscriptions: i % 3,
  };
}

/** Collects the setup's garbage (chromium runs with --expose-gc) so it is not billed to the stream. */
async function settle() {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 300));
}

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));

// ---- bare baseline: the same rows, no store, no sort, no filter, no columns model.
let bareRows: ConnectionRow[] = [];
let bumpBare: () => void = () => {};
function BareList() {
  const ref = useRef<HTMLDivElement>(null);
  const [, force] = useReducer((x: number) => x + 1, 0);
  useEffect(() => {
    bumpBare = force;
  }, []);
  const v = useVirtualizer({ count: bareRows.length, getScrollElement: () => ref.current, estimateSize: () => 24, overscan: 12 });
  return (
    <div ref={ref} style={{ flex: 1, overflow: 'auto', contain: 'strict' }}>
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((it) => {
          const r = bareRows[it.index]!;
          return (
            <div key={it.key} style={{ position: 'absolute', top: 0, transform: `translateY(${it.start}px)`, height: 24, display: 'flex', gap: 8, whiteSpace: 'nowrap' }}>
              <span>{r.clientId}</span>
              <span>{r.clientName}</span>
              <span>{r.connectionId}</span>
              <span>{r.remoteAddress}</span>
              <span>{r.channel}</span>
              <span>{r.connectedAt}</span>
              <span>{r.lastSeenAt}</span>
              <span>{r.msgsIn}</span>
              <span>{r.msgsOut}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

let root: Root | null = null;
function mount(node: React.ReactNode) {
  root?.unmount();
  const el = document.getElementById('root')!;
  root = createRoot(el);
  flushSync(() => root!.render(node));
}

/** Longest main-thread stall while `run` is going: long tasks (>50 ms) and the largest frame gap. */
async function watchStalls(run: () => Promise<void>): Promise<{ longestTaskMs: number; maxFrameGapMs: number }> {
  let longestTaskMs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longestTaskMs = Math.max(longestTaskMs, e.duration);
  });
  obs.observe({ type: 'longtask', buffered: false });
  let maxFrameGapMs = 0;
  let last = performance.now();
  let going = true;
  const tick = (t: number) => {
    maxFrameGapMs = Math.max(maxFrameGapMs, t - last);
    last = t;
    if (going) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  await run();
  going = false;
  await nextFrame();
  obs.disconnect();
  return { longestTaskMs, maxFrameGapMs };
}

/** Emits `perSecond` connection events for `seconds`, in ~50 ms deltas (as the core batches them). */
async function stream(perSecond: number, seconds: number, apply: (d: ConnectionsDelta) => void, n: number) {
  const tickMs = 50;
  const perTick = Math.round((perSecond * tickMs) / 1000);
  let seq = 1;
  let nextNew = n;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    const upserts: ConnectionRow[] = [];
    const removals: ConnectionsDelta['removals'] = [];
    for (let k = 0; k < perTick; k++) {
      const r = Math.random();
      if (r < 0.1) upserts.push(makeRow(nextNew++));
      else if (r < 0.2) removals.push({ rowKey: makeRow(Math.floor(Math.random() * n)).rowKey, code: 1000, reason: '', initiator: 'client' });
      else {
        const row = makeRow(Math.floor(Math.random() * n));
        upserts.push({ ...row, msgsIn: row.msgsIn + seq, lastSeenAt: iso(Date.now()) });
      }
    }
    apply({ clusterId: 'bench', seq: seq++, upserts, removals, at: iso(Date.now()) });
    await new Promise((r) => setTimeout(r, tickMs));
  }
}

const bench = {
  async renderTable(n: number): Promise<number> {
    mount(null);
    store.getState().resetConnections('bench');
    const rows = Array.from({ length: n }, (_, i) => makeRow(i));
    await nextFrame();
    const t0 = performance.now();
    const table = loadRows(store.getState().conns.table, rows);
    const t1 = performance.now();
    store.setState((s) => ({ conns: { ...s.conns, seq: 0, loading: false, table } }));
    mount(<ConnectionsTable />);
    const t2 = performance.now();
    await nextFrame();
    const t3 = performance.now();
    console.log(`table ${n}: loadRows ${(t1 - t0).toFixed(1)} mount ${(t2 - t1).toFixed(1)} frame ${(t3 - t2).toFixed(1)}`);
    return t3 - t0;
  },
  async renderBare(n: number): Promise<number> {
    mount(null);
    const rows = Array.from({ length: n }, (_, i) => makeRow(i));
    await nextFrame();
    const t0 = performance.now();
    bareRows = rows;
    mount(<BareList />);
    await nextFrame();
    return performance.now() - t0;
  },
  async streamTable(n: number, perSecond: number, seconds: number) {
    await bench.renderTable(n);
    await settle();
    // Parsed with the contract schema, as api.on does for every real event.
    return watchStalls(() => stream(perSecond, seconds, (d) => store.getState().receiveDelta(ConnectionsDeltaSchema.parse(d)), n));
  },
  async streamBare(n: number, perSecond: number, seconds: number) {
    await bench.renderBare(n);
    await settle();
    const index = new Map(bareRows.map((r, i) => [r.rowKey, i]));
    let pending: ConnectionsDelta[] = [];
    let scheduled = false;
    // Same per-frame batching, minimal work: patch in place, append new, drop closed.
    const flush = () => {
      scheduled = false;
      const batch = pending;
      pending = [];
      for (const d of batch) {
        for (const u of d.upserts) {
          const i = index.get(u.rowKey);
          if (i === undefined) {
            index.set(u.rowKey, bareRows.length);
            bareRows.push(u);
          } else bareRows[i] = u;
        }
        for (const r of d.removals) {
          const i = index.get(r.rowKey);
          if (i !== undefined) bareRows[i] = { ...bareRows[i]!, state: 'closing' };
        }
      }
      bareRows = bareRows.slice();
      bumpBare();
    };
    return watchStalls(() =>
      stream(perSecond, seconds, (d) => {
        pending.push(d);
        if (!scheduled) {
          scheduled = true;
          requestAnimationFrame(flush);
        }
      }, n),
    );
  },
};

declare global {
  interface Window {
    bench: typeof bench;
  }
}
window.bench = bench;
document.title = 'bench-ready';
