import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminClient } from '../../../../main/core/clusters/admin-client';
import { AdminApiError, rerootError } from '../../../../main/core/contract/errors';
import { ErrorCode } from '../../../../protocol/errors';

async function serve(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

describe('AdminClient', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('sends the bearer token and parses the body with the given schema', async () => {
    let auth = '';
    let path = '';
    const s = await serve((req, res) => {
      auth = req.headers.authorization ?? '';
      path = req.url ?? '';
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}');
    });
    cleanups.push(s.close);
    const c = new AdminClient({ baseUrl: s.url, token: 'tok-0123456789abcdef' });
    cleanups.push(() => c.close());
    expect(await c.call('channels.list', {})).toEqual({ items: [] });
    expect(path).toBe('/admin/v1/channels');
    expect(auth).toBe('Bearer tok-0123456789abcdef');
    expect(c.lastRttMs).toBeGreaterThanOrEqual(0);
  });

  it('surfaces the server’s ErrorInfo (with its field) and re-roots it onto the call input', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: ErrorCode.Validation, message: 'address: bad', field: 'address' } }));
    });
    cleanups.push(s.close);
    const c = new AdminClient({ baseUrl: s.url, token: null });
    cleanups.push(() => c.close());
    const err = await c.call('channels.create', { body: { name: 'x', address: 'ws://h:1/x' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminApiError);
    expect((err as AdminApiError).status).toBe(400);
    const rerooted = rerootError(err, 'channel', 'srv-1') as AdminApiError;
    expect(rerooted.info).toMatchObject({ code: ErrorCode.Validation, field: 'channel.address', details: { serverId: 'srv-1' } });
  });

  it('fills path parameters (encoded) and query strings from the route declaration', async () => {
    const seen: string[] = [];
    const s = await serve((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(req.method === 'DELETE' ? 204 : 200, { 'content-type': 'application/json' }).end(req.method === 'DELETE' ? undefined : JSON.stringify({ items: [], total: 0, nextCursor: null }));
    });
    cleanups.push(s.close);
    const c = new AdminClient({ baseUrl: s.url, token: null });
    cleanups.push(() => c.close());
    await c.call('connections.list', { query: { limit: 5, cursor: 'a/b', q: undefined } });
    await c.call('channels.delete', { params: { name: 'a b/c' } });
    expect(seen).toEqual(['GET /admin/v1/connections?limit=5&cursor=a%2Fb', 'DELETE /admin/v1/channels/a%20b%2Fc']);
    expect(c.eventsUrl()).toBe(`${s.url.replace('http:', 'ws:')}/admin/v1/events`);
  });

  it('bounds every request with its timeout', async () => {
    const s = await serve(() => {
      /* never answers */
    });
    cleanups.push(s.close);
    const c = new AdminClient({ baseUrl: s.url, token: null, timeoutMs: 100 });
    cleanups.push(() => c.close());
    const err = (await c.raw('GET', '/admin/v1/server').catch((e: unknown) => e)) as AdminApiError;
    expect(err.status).toBe(0);
    expect(err.info.code).toBe(ErrorCode.Timeout);
  });

  it('reports a refused port as unavailable (status 0)', async () => {
    const s = await serve(() => {});
    await s.close();
    const c = new AdminClient({ baseUrl: s.url, token: null });
    cleanups.push(() => c.close());
    const err = (await c.raw('GET', '/admin/v1/server').catch((e: unknown) => e)) as AdminApiError;
    expect(err.info).toMatchObject({ code: ErrorCode.Unavailable });
    expect(err.info.message).toContain('connection refused');
  });

  it('names a missing CA file as the tls.caFile field', () => {
    expect(() => new AdminClient({ baseUrl: 'https://127.0.0.1:1', token: null, tls: { caFile: '/nonexistent/ca.pem', allowSelfSigned: false } })).toThrow(/CA file/);
  });
});
