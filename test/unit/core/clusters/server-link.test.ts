import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ConnectionInfo } from '../../../../protocol/admin-connections';
import type { ConnectionsDelta } from '../../../../protocol/console/clusters';
import { createConnectionTable } from '../../../../main/core/clusters/merged-table';
import { ServerLink } from '../../../../main/core/clusters/server-link';

const TOKEN = 'fake-peer-token-0123456789';
const info = { name: 'fake', nodeId: 'fake-7', pid: 7, hostname: 'h', version: '9.9.9', startedAt: '2026-01-01T00:00:00.000Z', mode: 'standalone', counts: { connections: 0, channels: 0, topics: 0, subscriptions: 0 } };
const conn = (id: string): ConnectionInfo => ({
  connectionId: id, kind: 'inbound', node: 'fake-7', clientId: `client-${id}`, clientName: null, channel: 'demo', state: 'logged-in', remoteAddress: '127.0.0.1', remotePort: 1,
  remoteFqdn: null, forwardedFor: null, localAddress: '127.0.0.1', localPort: 2, serverName: 'fake', pid: 7, connectedAt: '2026-01-01T00:00:00.000Z',
  loggedInAt: null, lastSeenAt: '2026-01-01T00:00:00.000Z', expiresAt: null, msgsIn: 0, msgsOut: 0, bytesIn: 0, bytesOut: 0, subscriptions: 0,
});

/**
 * A fake admin API: the real server cannot be made to page slowly or drop only its events socket on
 * cue, which is exactly what the re-sync logic has to survive.
 */
async function fakeAdmin(initial: string[]) {
  const live = new Map(initial.map((id) => [id, conn(id)]));
  const pageRequests: string[] = [];
  let pageRequested!: () => void;
  const firstPage = new Promise<void>((r) => (pageRequested = r));
  let gate: Promise<void> = Promise.resolve();
  const sockets: WebSocket[] = [];
  const server = http.createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'SB_ERR_UNAUTHORIZED', message: 'unknown admin token' } }));
      return;
    }
    const url = new URL(req.url!, 'http://x');
    const json = (v: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(v));
    if (url.pathname === '/admin/v1/whoami') return json({ token: 'op', role: 'operator' });
    if (url.pathname === '/admin/v1/server') return json(info);
    if (url.pathname === '/admin/v1/connections') {
      pageRequests.push(url.search);
      pageRequested();
      await gate;
      const all = [...live.values()].sort((a, b) => a.connectionId.localeCompare(b.connectionId));
      const limit = Number(url.searchParams.get('limit'));
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const next = start + limit < all.length ? String(start + limit) : null;
      return json({ items: all.slice(start, start + limit), total: all.length, nextCursor: next });
    }
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server, path: '/admin/v1/events' });
  let seq = 0;
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.send(JSON.stringify({ type: 'ready', server: info, seq }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const broadcast = (events: unknown[]) => {
    for (const ws of wss.clients) ws.send(JSON.stringify({ type: 'events', events }));
  };
  return {
    url: `http://127.0.0.1:${port}`,
    pageRequests,
    firstPage,
    sockets,
    holdPages() {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => release();
    },
    open(id: string) {
      live.set(id, conn(id));
      broadcast([{ type: 'connection.opened', seq: ++seq, at: '2026-01-01T00:00:01.000Z', connection: conn(id) }]);
    },
    close(id: string, code: number) {
      live.delete(id);
      broadcast([{ type: 'connection.closed', seq: ++seq, at: '2026-01-01T00:00:01.000Z', connectionId: id, clientId: `client-${id}`, channel: 'demo', code, reason: 'gone', initiator: 'client' }]);
    },
    /** Changes the registry without telling anyone (as if events were lost while disconnected). */
    silently(add: string[], remove: string[]) {
      for (const id of add) live.set(id, conn(id));
      for (const id of remove) live.delete(id);
    },
    async shutdown() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('ServerLink', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(initial: string[], token = TOKEN) {
    const peer = await fakeAdmin(initial);
    cleanups.push(() => peer.shutdown());
    const deltas: ConnectionsDelta[] = [];
    const waiters: Array<() => void> = [];
    const table = createConnectionTable('c', (d) => {
      deltas.push(d);
      for (const w of waiters.splice(0)) w();
    }, { batchMs: 10 });
    cleanups.push(() => table.dispose());
    const changes: Array<() => void> = [];
    const link = new ServerLink({
      serverId: 's1', url: peer.url, tls: { allowSelfSigned: false }, token, table, pageLimit: 2,
      onChange: () => {
        for (const w of changes.splice(0)) w();
      },
      stream: { backoff: { initialDelayMs: 10, maxDelayMs: 20 } },
    });
    cleanups.push(() => link.stop());
    const until = (pred: () => boolean, list: Array<() => void>) => new Promise<void>((resolve) => {
      const check = () => (pred() ? resolve() : list.push(check));
      check();
    });
    return {
      peer, table, link, deltas,
      untilDelta: (pred: (d: ConnectionsDelta) => boolean) => until(() => deltas.some(pred), waiters),
      untilStatus: (s: string) => until(() => link.statusSnapshot().status === s, changes),
    };
  }

  it('pages the whole registry, then reports connected with role and info', async () => {
    const t = await setup(['a', 'b', 'c', 'd', 'e']);
    t.link.start();
    await t.untilStatus('connected');
    expect(t.peer.pageRequests).toEqual(['?limit=2', '?limit=2&cursor=2', '?limit=2&cursor=4']);
    expect(t.table.snapshot().rows.map((r) => r.connectionId).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(t.link.statusSnapshot()).toMatchObject({ role: 'operator', tokenName: 'op', info: { version: '9.9.9' } });
  });

  it('buffers events that arrive while paging and applies them after the snapshot', async () => {
    const t = await setup(['a', 'b']);
    const release = t.peer.holdPages();
    t.link.start();
    await t.peer.firstPage;
    t.peer.open('z');
    t.peer.close('a', 4001);
    release();
    await t.untilStatus('connected');
    await t.untilDelta((d) => d.upserts.some((r) => r.connectionId === 'z'));
    expect(t.table.snapshot().rows.map((r) => r.connectionId).sort()).toEqual(['b', 'z']);
  });

  it('marks its rows stale when the stream drops, and re-syncs only its share when it is back', async () => {
    const t = await setup(['a', 'b']);
    t.link.start();
    await t.untilStatus('connected');
    expect(t.link.statusSnapshot().rttMs).not.toBeNull();
    t.peer.silently(['c'], ['a']);
    t.peer.sockets[0]!.terminate();
    await t.untilStatus('reconnecting');
    // Stale at once: every row carries the moment the server was lost; no RTT while down.
    expect(t.table.snapshot().rows.every((r) => r.staleSince !== null)).toBe(true);
    expect(t.link.statusSnapshot()).toMatchObject({ rttMs: null, connections: 2 });
    await t.untilStatus('connected');
    await t.untilDelta((d) => d.upserts.some((r) => r.connectionId === 'c'));
    const rows = t.table.snapshot().rows;
    expect(rows.map((r) => [r.connectionId, r.staleSince]).sort()).toEqual([['b', null], ['c', null]]);
    // The row that vanished while we were away leaves with code 0 (nobody saw it close).
    expect(t.deltas.flatMap((d) => d.removals)).toEqual([expect.objectContaining({ rowKey: 'fake-7/a', code: 0, initiator: 'none' })]);
    expect(t.deltas.filter((d) => d.reset)).toHaveLength(0);
  });

  it('is auth-failed for a rejected token and does not retry', async () => {
    const t = await setup(['a'], 'wrong-token-0123456789abc');
    t.link.start();
    await t.untilStatus('auth-failed');
    expect(t.link.statusSnapshot()).toMatchObject({ status: 'auth-failed', nextRetryAt: null });
    expect(t.peer.pageRequests).toEqual([]);
  });

  it('retries at once on retryNow, also after an auth failure', async () => {
    const t = await setup(['a'], 'wrong-token-0123456789abc');
    t.link.start();
    await t.untilStatus('auth-failed');
    const attempts = t.link.statusSnapshot().attempts;
    t.link.retryNow();
    await t.untilStatus('connecting');
    await t.untilStatus('auth-failed');
    expect(t.link.statusSnapshot().attempts).toBe(attempts);
    // The fake peer refuses the token on the HTTP side only: two streams, so two real attempts.
    expect(t.peer.sockets).toHaveLength(2);
  });
});
