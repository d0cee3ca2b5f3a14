import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterKeys } from '../../../../server/cluster/keys';
import { ClusterConfigSchema } from '../../../../server/cluster/options';
import { RedisLink } from '../../../../server/cluster/redis-link';
import { ClusterRpc } from '../../../../server/cluster/rpc';
import { SbError } from '../../../../server/errors';
import { ErrorCode } from '../../../../protocol/errors';
import { createLogger } from '../../../../server/logger';

/** Routed commands between two nodes over the shared Redis (own namespace): answers, owner errors, silence, absence. */
const config = ClusterConfigSchema.parse({ redis: { url: 'redis://127.0.0.1:6379', namespace: `rpc-${randomBytes(6).toString('hex')}` }, rpcTimeoutMs: 300 });
const keys = clusterKeys(config.redis.namespace);
const logger = createLogger('silent');
const links: RedisLink[] = [];
let a: ClusterRpc;
let b: ClusterRpc;

beforeAll(async () => {
  for (let i = 0; i < 2; i++) {
    const l = new RedisLink(config, logger);
    await l.connect();
    links.push(l);
  }
  a = new ClusterRpc(links[0]!, keys, 'a', config.rpcTimeoutMs, logger);
  b = new ClusterRpc(links[1]!, keys, 'b', config.rpcTimeoutMs, logger);
  b.handle('echo', async (x) => ({ echoed: x }));
  b.handle('fail', async () => {
    throw new SbError(ErrorCode.InvokeTimeout, 'client did not answer');
  });
  b.handle('hang', () => new Promise(() => undefined));
  await a.start();
  await b.start();
});

afterAll(() => {
  a.close();
  b.close();
  for (const l of links) l.close();
});

describe('cluster RPC', () => {
  it('answers with the owner\'s result, and with the owner\'s own error code', async () => {
    expect(await a.call('b', 'echo', [{ n: 1 }])).toEqual({ echoed: { n: 1 } });
    await expect(a.call('b', 'fail', [])).rejects.toMatchObject({ code: ErrorCode.InvokeTimeout, message: 'client did not answer', status: 504 });
    await expect(a.call('b', 'nope', [])).rejects.toMatchObject({ code: ErrorCode.BadRequest });
  });

  it('fails at once when no node listens, and after rpcTimeoutMs when the owner is silent — never hangs', async () => {
    const t0 = performance.now();
    await expect(a.call('gone', 'echo', [1])).rejects.toMatchObject({ code: ErrorCode.NodeUnreachable, status: 503, details: { node: 'gone' } });
    expect(performance.now() - t0).toBeLessThan(200);
    const t1 = performance.now();
    await expect(a.call('b', 'hang', [])).rejects.toMatchObject({ code: ErrorCode.NodeUnreachable, details: { node: 'b', timeoutMs: 300 } });
    const waited = performance.now() - t1;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(1000);
  });

  it('refuses with SB_ERR_CLUSTER_UNAVAILABLE while its Redis link is down', async () => {
    const l = new RedisLink(config, logger);
    await l.connect();
    const c = new ClusterRpc(l, keys, 'c', 300, logger);
    l.close();
    await expect(c.call('b', 'echo', [1])).rejects.toMatchObject({ code: ErrorCode.ClusterUnavailable, status: 503 });
  });
});
