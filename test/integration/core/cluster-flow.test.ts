import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/runtime';
import type { DemoSwarm } from '../../../client/demo-swarm';
import { SwitchboardClient } from '../../../client/switchboard-client';
import { ErrorCode } from '../../../protocol/errors';
import { CoreProbe, OPERATOR, VIEWER, startTestServer } from './harness';

describe('console core against a real server', () => {
  let probe: CoreProbe;
  let server: RunningServer;
  let swarm: DemoSwarm;
  let channelUrl: string;
  let clusterId: string;

  beforeAll(async () => {
    probe = await CoreProbe.start();
    ({ server, swarm, channelUrl } = await startTestServer(probe.dir, 5, ['demo-0005']));
    const saved = await probe.call('clusters.save', { name: 'itest', servers: [{ url: server.adminUrl!, token: OPERATOR }] });
    clusterId = saved.id;
    expect(saved.servers[0]).toMatchObject({ hasToken: true });
    expect(JSON.stringify(saved)).not.toContain(OPERATOR);
  });
  afterAll(async () => {
    await probe?.close();
    await swarm?.close();
    await server?.close();
  });

  it('opens the cluster: connected with role and version, and the full table arrives as a reset', async () => {
    await probe.call('clusters.open', { clusterId });
    await probe.until(() => probe.serverStatus(clusterId) === 'connected', 'connected');
    await probe.until(() => [...probe.rows.values()].filter((r) => r.state === 'logged-in').length === 5, '5 rows');
    const s = probe.status.get(clusterId)!.servers[0]!;
    expect(s).toMatchObject({ role: 'operator', tokenName: 'op', info: { name: 'itest' } });
    expect(s.rttMs).not.toBeNull();
    expect(probe.deltas[0]!.reset).toBe(true);
    const row = [...probe.rows.values()][0]!;
    expect(row.rowKey).toBe(`${row.node}/${row.connectionId}`);
    expect(row.staleSince).toBeNull();
    const snap = await probe.call('connections.snapshot', { clusterId });
    expect(snap.rows).toHaveLength(5);
  });

  it('sees a new client appear and a closed one leave with its code', async () => {
    const c = new SwitchboardClient({ url: channelUrl, clientId: 'newcomer', reconnect: false });
    await c.connect();
    await probe.until(() => [...probe.rows.values()].some((r) => r.clientId === 'newcomer' && r.state === 'logged-in'), 'newcomer row');
    const key = [...probe.rows.values()].find((r) => r.clientId === 'newcomer')!.rowKey;
    await c.close(4100, 'bye now');
    await probe.until(() => probe.removals.some((r) => r.rowKey === key), 'newcomer removal');
    expect(probe.removals.find((r) => r.rowKey === key)).toMatchObject({ code: 4100, reason: 'bye now' });
  });

  it('invokes a client and gets its answer', async () => {
    const row = [...probe.rows.values()].find((r) => r.clientId === 'demo-0001')!;
    const res = await probe.call('connections.invoke', { clusterId, serverId: row.serverId, connectionId: row.connectionId, data: { ping: 1 } });
    expect(res.ok).toBe(true);
    expect(res.data).toMatchObject({ echo: { ping: 1 } });
  });

  it('waits for an invoke longer than the admin HTTP timeout, and reports the server’s timeout code', async () => {
    const row = [...probe.rows.values()].find((r) => r.clientId === 'demo-0005')!;
    const res = await probe.core.dispatch('connections.invoke', { clusterId, serverId: row.serverId, connectionId: row.connectionId, data: 1, timeoutMs: 3500 });
    expect(res).toMatchObject({ ok: false, error: { code: ErrorCode.InvokeTimeout } });
  });

  it('lists a connection’s subscriptions', async () => {
    const row = [...probe.rows.values()].find((r) => r.clientId === 'demo-0002')!;
    const subs = await probe.call('connections.subscriptions', { clusterId, serverId: row.serverId, connectionId: row.connectionId });
    expect(subs.items.map((s) => s.topic)).toEqual(['news']);
  });

  it('disconnects a client: the row leaves with the code given', async () => {
    const row = [...probe.rows.values()].find((r) => r.clientId === 'demo-0003')!;
    const res = await probe.call('connections.disconnect', { clusterId, serverId: row.serverId, connectionId: row.connectionId, code: 4005, reason: 'admin says bye' });
    expect(res.code).toBe(4005);
    await probe.until(() => probe.removals.some((r) => r.rowKey === row.rowKey), 'disconnected row removal');
    expect(probe.removals.find((r) => r.rowKey === row.rowKey)).toMatchObject({ code: 4005, reason: 'admin says bye' });
  });

  it('puts the server’s validation error on the call’s field', async () => {
    const res = await probe.core.dispatch('channels.create', { clusterId, channel: { name: 'dup', address: 'ws://127.0.0.1:0/demo2' } });
    expect(res.ok).toBe(true);
    const dup = await probe.core.dispatch('channels.create', { clusterId, channel: { name: 'dup', address: 'ws://127.0.0.1:0/demo3' } });
    expect(dup.ok).toBe(false);
    if (!dup.ok) expect(dup.error.field).toBe('channel.name');
  });

  it('forwards channel and security changes of an open cluster as config.changed', async () => {
    const serverId = probe.status.get(clusterId)!.servers[0]!.serverId;
    await probe.call('channels.update', { clusterId, name: 'dup', patch: { active: false } });
    await probe.until(() => probe.configChanges.some((c) => c.kind === 'channel' && c.name === 'dup'), 'channel change notice');
    expect(probe.configChanges.find((c) => c.name === 'dup')).toMatchObject({ clusterId, serverId, kind: 'channel' });
    await probe.call('security.create', { clusterId, security: { name: 'keys', type: 'apikey', key: 'k-0123456789abcdef', clientIds: ['*'] } });
    await probe.until(() => probe.configChanges.some((c) => c.kind === 'security' && c.name === 'keys'), 'security change notice');
  });

  it('names an unreadable CA file by its field when saving', async () => {
    const res = await probe.core.dispatch('clusters.save', { name: 'tls', servers: [{ url: 'https://127.0.0.1:1', tls: { caFile: '/nonexistent/ca.pem', allowSelfSigned: false } }] });
    expect(res).toMatchObject({ ok: false, error: { code: ErrorCode.Validation, field: 'servers.0.tls.caFile' } });
  });

  it('refuses operator calls with a viewer token', async () => {
    const saved = await probe.call('clusters.save', { name: 'viewer', servers: [{ url: server.adminUrl!, token: VIEWER }] });
    const row = [...probe.rows.values()][0]!;
    const res = await probe.core.dispatch('connections.disconnect', { clusterId: saved.id, connectionId: row.connectionId, serverId: saved.servers[0]!.id });
    expect(res).toMatchObject({ ok: false, error: { code: ErrorCode.Forbidden } });
  });

  it('reports auth-failed for a bad token, without retrying', async () => {
    const saved = await probe.call('clusters.save', { name: 'bad token', servers: [{ url: server.adminUrl!, token: 'not-a-valid-token-at-all' }] });
    await probe.call('clusters.open', { clusterId: saved.id });
    await probe.until(() => probe.serverStatus(saved.id) === 'auth-failed', 'auth-failed');
    expect(probe.status.get(saved.id)!.servers[0]!.nextRetryAt).toBeNull();
    await probe.call('clusters.close', { clusterId: saved.id });
  });

  it('reports unreachable with a next retry time for a dead port', async () => {
    const saved = await probe.call('clusters.save', { name: 'dead', servers: [{ url: 'http://127.0.0.1:9', token: OPERATOR }] });
    await probe.call('clusters.open', { clusterId: saved.id });
    await probe.until(() => probe.serverStatus(saved.id) === 'unreachable' && probe.status.get(saved.id)!.servers[0]!.nextRetryAt !== null, 'unreachable');
    expect(probe.status.get(saved.id)!.servers[0]!.reason).toContain('refused');
    await probe.call('clusters.close', { clusterId: saved.id });
  });
});
