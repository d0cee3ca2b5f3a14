import { describe, expect, it } from 'vitest';
import { ChannelCreateSchema, ChannelPatchSchema, SecurityCreateSchema, type Channel, type Security } from '../../../../../protocol/admin-config';
import { ClusterSaveSchema } from '../../../../../protocol/console/clusters';
import { channelInputOf, channelPatchOf, draftOf } from '../../../../../renderer/src/features/channels/channel-form';
import { securityCreateOf, securityPatchOf } from '../../../../../renderer/src/features/channels/security-form';
import { adminRootOf, toClusterSave } from '../../../../../renderer/src/features/clusters/cluster-form';

const channel: Channel = {
  name: 'ops', active: true, address: 'ws://127.0.0.1:0/ops', service: 'echo', security: null, newTokenWaitTime: 5, tokenTtl: 3600,
  pingInterval: 30, pingsMissedThreshold: 2, maxMessageBytes: 1048576, allowSubscribe: ['*'], allowPublish: ['*'], duplicateLogin: 'reject',
  maxBufferedBytes: 4194304, maxBufferedBytesHard: 16777216, maxPingsPerSecond: 10,
  logReceived: false, logSent: false, logMaxMessages: 100, logMaxBytes: 4096, logKeepSeconds: 300,
  createdAt: '2026-11-22T10:00:00.000Z', updatedAt: '2026-11-22T10:00:00.000Z', listening: true, boundPort: 40000, connections: 0,
};

describe('channel form', () => {
  it('a new-channel draft is valid for ChannelCreateSchema', () => {
    expect(ChannelCreateSchema.safeParse({ ...channelInputOf(draftOf(null)), name: 'x' }).success).toBe(true);
  });
  it('an edit sends only what changed, as a valid patch', () => {
    const d = { ...draftOf(channel), tokenTtl: '7200', allowSubscribe: 'news, prices' };
    const patch = channelPatchOf(channel, d);
    expect(patch).toEqual({ tokenTtl: 7200, allowSubscribe: ['news', 'prices'] });
    expect(ChannelPatchSchema.safeParse(patch).success).toBe(true);
    expect(channelPatchOf(channel, draftOf(channel))).toEqual({});
  });
  it('a bad number fails client-side validation on that field', () => {
    const r = ChannelPatchSchema.safeParse(channelPatchOf(channel, { ...draftOf(channel), tokenTtl: '0' }));
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['tokenTtl']);
  });
});

describe('security form', () => {
  const base = { name: 'sec', type: 'jwt' as const, username: '', password: '', key: '', algorithm: 'HS256' as const, secret: '', publicKey: '', issuer: '', audience: '', clientIds: '', clientIdClaim: 'sub' };
  it('builds a create input of the chosen type; HS256 without secret is refused on the secret field', () => {
    const r = SecurityCreateSchema.safeParse(securityCreateOf(base));
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['secret']);
    expect(SecurityCreateSchema.safeParse(securityCreateOf({ ...base, secret: 'x'.repeat(16) })).success).toBe(true);
  });
  it('patches keep secrets unless typed and clear optional claims with null', () => {
    const before: Security = { name: 'sec', type: 'jwt', algorithm: 'HS256', issuer: 'me', clientIds: ['*'], clientIdClaim: 'sub', hasSecret: true, usedBy: [], createdAt: '2026-11-22T10:00:00.000Z', updatedAt: '2026-11-22T10:00:00.000Z' };
    const same = { ...base, clientIds: '*' };
    expect(securityPatchOf(before, { ...same, issuer: '' })).toEqual({ issuer: null });
    expect(securityPatchOf(before, { ...same, issuer: 'me', secret: 'y'.repeat(16) })).toEqual({ secret: 'y'.repeat(16) });
    expect(securityPatchOf(before, { ...same, issuer: 'me', clientIdClaim: '', clientIds: 'app-*, web' })).toEqual({ clientIdClaim: null, clientIds: ['app-*', 'web'] });
  });
  it('a basic or apikey definition needs its allowed client IDs; a JWT defaults to any, bound to sub', () => {
    const basic = { ...base, type: 'basic' as const, username: 'u', password: 'p' };
    const r = SecurityCreateSchema.safeParse(securityCreateOf(basic));
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['clientIds']);
    expect(SecurityCreateSchema.parse(securityCreateOf({ ...basic, clientIds: 'till-*, kiosk' }))).toMatchObject({ clientIds: ['till-*', 'kiosk'] });
    expect(SecurityCreateSchema.parse(securityCreateOf({ ...base, secret: 'x'.repeat(16) }))).toMatchObject({ clientIdClaim: 'sub', clientIds: ['*'] });
  });
});

describe('cluster form', () => {
  it('omits a blank token when one is stored, and validates with ClusterSaveSchema', () => {
    const input = toClusterSave('k1', 'Prod', [{ id: 's1', url: 'https://a:7070', token: '', hasToken: true, allowSelfSigned: true, caFile: '' }]);
    expect(input.servers[0]).toEqual({ id: 's1', url: 'https://a:7070', tls: { allowSelfSigned: true } });
    expect(ClusterSaveSchema.safeParse(input).success).toBe(true);
  });
  it('names the offending field of a bad server', () => {
    const r = ClusterSaveSchema.safeParse(toClusterSave(undefined, 'X', [{ url: 'ftp://x', token: 'short', hasToken: false, allowSelfSigned: false, caFile: '' }]));
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['servers.0.token', 'servers.0.url']);
  });
});

describe('cluster form admin URL', () => {
  it('accepts the admin URL as the server prints it (with /admin/v1) by saving the API root', () => {
    expect(adminRootOf(' http://127.0.0.1:7070/admin/v1 ')).toBe('http://127.0.0.1:7070');
    expect(adminRootOf('https://edge:7070/admin/v1/')).toBe('https://edge:7070');
    expect(adminRootOf('http://127.0.0.1:7070/')).toBe('http://127.0.0.1:7070');
    const save = toClusterSave(undefined, 'edge', [{ url: 'http://127.0.0.1:7070/admin/v1', token: 'x'.repeat(16), hasToken: false, allowSelfSigned: false, caFile: '' }]);
    expect(ClusterSaveSchema.safeParse(save).success).toBe(true);
    // Any other path is still refused by the schema, next to the field.
    expect(ClusterSaveSchema.safeParse(toClusterSave(undefined, 'edge', [{ url: 'http://127.0.0.1:7070/other', token: '', hasToken: true, allowSelfSigned: false, caFile: '' }])).success).toBe(false);
  });
});
