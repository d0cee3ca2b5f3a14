import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminClient } from '../../../../main/core/clusters/admin-client';
import { AdminApiError, rerootError } from '../../../../main/core/contract/errors';
import { ChannelListSchema } from '../../../../protocol/admin-config';
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
    const s = await serve((req, res) => {
      auth = req.headers.authorization ?? '';
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}');
    });
    cleanups.push(s.close);
    const c = new AdminClient({ baseUrl: s.url, token: 'tok-0123456789abcdef' });
    cleanups.push(() => c.close());
    expect(await c.get('/admin/v1/channels', ChannelListSchema)).toEqual({ items: [] });
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
    const err = await c.request('POST', '/admin/v1/channels', { name: 'x' }, ChannelListSchema).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminApiError);
    expect((err as AdminApiError).status).toBe(400);
    const rerooted = rerootError(err, 'channel', 'srv-1') as AdminApiError;
    expect(rerooted.info).toMatchObject({ code: ErrorCode.Validation, field: 'channel.address', details: { serverId: 'srv-1' } });
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
