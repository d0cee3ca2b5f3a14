import { describe, expect, it } from 'vitest';
import { parseServerConfig } from '../../../../server/config';

const key = { env: 'SB_TEST_KEY' };
const cluster = { redis: { url: 'redis://127.0.0.1:6379' } };

describe('cluster configuration', () => {
  it('fills the documented defaults', () => {
    const c = parseServerConfig({ mode: 'cluster', cluster, secretsKey: key });
    expect(c.cluster).toEqual({ redis: { url: 'redis://127.0.0.1:6379', namespace: 'switchboard', commandTimeoutMs: 2000 }, heartbeatMs: 1000, nodeTtlMs: 5000, rpcTimeoutMs: 5000, registryFlushMs: 100, publishStreamMaxLen: 100_000 });
    expect(parseServerConfig({}).mode).toBe('standalone');
  });

  it('refuses contradictions and names the field', () => {
    expect(() => parseServerConfig({ mode: 'cluster', secretsKey: key })).toThrow(expect.objectContaining({ code: 'SB_ERR_VALIDATION', field: 'cluster' }));
    expect(() => parseServerConfig({ cluster, secretsKey: key })).toThrow(expect.objectContaining({ field: 'mode' }));
    expect(() => parseServerConfig({ mode: 'cluster', cluster })).toThrow(expect.objectContaining({ field: 'secretsKey' }));
    expect(() => parseServerConfig({ mode: 'cluster', secretsKey: key, cluster: { ...cluster, heartbeatMs: 1000, nodeTtlMs: 1500 } })).toThrow(expect.objectContaining({ field: 'cluster.nodeTtlMs' }));
  });

  it('is strict: unknown keys, a password in the URL and a bad node id are errors', () => {
    expect(() => parseServerConfig({ mode: 'cluster', secretsKey: key, cluster: { ...cluster, heartbeat: 5 } })).toThrow(expect.objectContaining({ field: 'cluster.heartbeat' }));
    expect(() => parseServerConfig({ mode: 'cluster', secretsKey: key, cluster: { redis: { url: 'redis://:hunter2@127.0.0.1:6379' } } })).toThrow(expect.objectContaining({ field: 'cluster.redis.url' }));
    expect(() => parseServerConfig({ mode: 'cluster', secretsKey: key, cluster: { redis: { url: 'http://127.0.0.1' } } })).toThrow(expect.objectContaining({ field: 'cluster.redis.url' }));
    expect(() => parseServerConfig({ mode: 'cluster', secretsKey: key, cluster: { ...cluster, nodeId: 'a/b' } })).toThrow(expect.objectContaining({ field: 'cluster.nodeId' }));
  });
});
