import { describe, expect, it } from 'vitest';
import { csvField, toCsv, toJson } from '../../../../../renderer/src/features/connections/export';
import { columnById, groupRuns, visibleColumns } from '../../../../../renderer/src/features/connections/columns';
import type { ChannelSample } from '../../../../../renderer/src/features/connections/connections-slice';
import { chartChannels } from '../../../../../renderer/src/features/connections/channel-chart';
import { newerConnectionOf } from '../../../../../renderer/src/features/connections/connection-table';
import { describeInvokeError } from '../../../../../renderer/src/features/connections/invoke-slice';
import { dueIn } from '../../../../../renderer/src/lib/time';
import { clusterProblems } from '../../../../../renderer/src/features/clusters/clusters-slice';
import { jsonProblem } from '../../../../../renderer/src/features/connections/invoke-panel';
import { detailText } from '../../../../../renderer/src/features/connections/details-drawer';
import { openPerChannel } from '../../../../../renderer/src/features/channels/channels-screen';
import { emptyTable, loadRows, viewRows, applyDeltas } from '../../../../../renderer/src/features/connections/connection-table';
import { conn } from '../../fixtures';

describe('export', () => {
  it('quotes CSV fields per RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=cmd()')).toBe("'=cmd()");
    expect(csvField(null)).toBe('');
    expect(csvField(-3)).toBe('-3');
  });

  it('exports the visible columns of the filtered rows, without closed ones', () => {
    const a = conn({ clientId: 'a', clientName: 'Ada, Countess' });
    let t = loadRows(emptyTable(), [a, conn({ clientId: 'b' })]);
    t = applyDeltas(t, [{ upserts: [], removals: [{ rowKey: t.view[1]!, code: 4005, reason: '', initiator: 'server' }] }], 0);
    const cols = visibleColumns(['clientId', 'clientName', 'connectedAt']);
    expect(toCsv(viewRows(t), cols)).toBe('Client ID,Client name,Connected\r\na,"Ada, Countess",2026-11-22T10:00:00.000Z\r\n');
    const json = JSON.parse(toJson(viewRows(t))) as { clientId: string; connectionId: string }[];
    expect(json).toHaveLength(1);
    expect(json[0]!.connectionId).toBe(a.connectionId);
  });
});

describe('columns', () => {
  it('groups consecutive columns for the two-level header', () => {
    expect(groupRuns(visibleColumns(['clientId', 'clientName', 'remoteAddress', 'pid']))).toEqual([
      { group: 'Client', span: 2 },
      { group: 'Remote', span: 1 },
      { group: 'Local', span: 1 },
    ]);
    expect(columnById('nope')).toBeUndefined();
  });
});

describe('chart', () => {
  const samples: ChannelSample[] = [
    { atMs: 0, counts: { a: 1, b: 4 } },
    { atMs: 1, counts: { a: 3 } },
  ];
  it('orders channels by their latest count', () => {
    expect(chartChannels(samples)).toEqual(['a', 'b']);
    expect(chartChannels([])).toEqual([]);
  });
});

describe('invoke body', () => {
  it('accepts JSON and explains what is wrong otherwise', () => {
    expect(jsonProblem('{"a": 1}')).toBeNull();
    expect(jsonProblem('  ')).toMatch(/Enter/);
    expect(jsonProblem('{a:1}')).toMatch(/^Invalid JSON/);
  });
});

describe('details drawer values', () => {
  it('shows ports and PIDs as typed, counters grouped, missing as null', () => {
    expect(detailText('id', 57730)).toBe('57730');
    expect(detailText('num', 1234567)).toBe((1234567).toLocaleString());
    expect(detailText('text', 'demo')).toBe('demo');
    expect(detailText('id', null)).toBeNull();
  });
});

describe('channels screen live counts', () => {
  it('counts open connections per channel of one server only', () => {
    const a = conn({ serverId: 's1', channel: 'demo' });
    const b = conn({ serverId: 's1', channel: 'ops' });
    const c = conn({ serverId: 's2', channel: 'demo' });
    const d = conn({ serverId: 's1', channel: 'demo' });
    let t = loadRows(emptyTable(), [a, b, c, d]);
    expect(openPerChannel(t, 's1')).toEqual({ demo: 2, ops: 1 });
    // A closed row lingering in the table no longer counts.
    t = applyDeltas(t, [{ upserts: [], removals: [{ rowKey: d.rowKey, code: 4005, reason: 'x', initiator: 'server' }] }], 0);
    expect(openPerChannel(t, 's1')).toEqual({ demo: 1, ops: 1 });
    expect(openPerChannel(t, 's2')).toEqual({ demo: 1 });
  });
});

describe('incident helpers', () => {
  it('keeps the channels known before a gap', () => {
    expect(chartChannels([{ atMs: 0, counts: { a: 1 } }, { atMs: 1, counts: null }])).toEqual(['a']);
  });

  it('finds the newer connection of a client that came back', () => {
    const old = conn({ clientId: 'c-1', connectedAt: '2026-11-22T10:00:00.000Z' });
    const back = conn({ clientId: 'c-1', connectedAt: '2026-11-22T10:01:00.000Z' });
    const other = conn({ clientId: 'c-2', connectedAt: '2026-11-22T10:02:00.000Z' });
    let t = loadRows(emptyTable(), [old, back, other]);
    t = applyDeltas(t, [{ upserts: [], removals: [{ rowKey: old.rowKey, code: 4005, reason: 'bye', initiator: 'server' }] }], 0);
    expect(newerConnectionOf(t, t.rows.get(old.rowKey)!)?.key).toBe(back.rowKey);
    t = applyDeltas(t, [{ upserts: [], removals: [{ rowKey: back.rowKey, code: 1000, reason: '', initiator: 'client' }] }], 0);
    expect(newerConnectionOf(t, t.rows.get(old.rowKey)!)).toBeNull();
  });

  it('says "in 12 s" for the next retry, and blames the console link, not the client', () => {
    expect(dueIn(12_000, 0)).toBe('in 12 s');
    expect(dueIn(125_000, 0)).toBe('in 2 min 5 s');
    expect(dueIn(0, 5)).toBe('now');
    const text = describeInvokeError({ code: 'SB_ERR_UNAVAILABLE', message: 'console backend unreachable: connection lost', details: { source: 'console-link' } });
    expect(text).toMatch(/^Console backend unreachable/);
    expect(text).toMatch(/Not the client's fault/);
  });

  it('tells a partial outage from a cluster with no live server', () => {
    const srv = (serverId: string, status: 'connected' | 'unreachable' | 'auth-failed' | 'connecting') => ({
      serverId, url: `http://${serverId}`, status, reason: null, nextRetryAt: null, attempts: 0, info: null, role: null, tokenName: null, rttMs: null, connections: 0, insecureTls: false, since: '2026-11-22T10:00:00.000Z',
    });
    expect(clusterProblems({ clusterId: 'k', open: true, servers: [srv('a', 'connected'), srv('b', 'unreachable')] })).toMatchObject({ noneLive: false, failing: [{ serverId: 'b' }] });
    expect(clusterProblems({ clusterId: 'k', open: true, servers: [srv('a', 'auth-failed'), srv('b', 'unreachable')] }).noneLive).toBe(true);
    expect(clusterProblems({ clusterId: 'k', open: true, servers: [srv('a', 'connecting')] })).toEqual({ failing: [], noneLive: false });
  });
});
