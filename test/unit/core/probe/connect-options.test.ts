import { describe, expect, it } from 'vitest';
import { ProbeSessionConfigInput } from '../../../../protocol/console/probe';
import { buildConnect, redactHeaders } from '../../../../main/core/probe/connect-options';

const cfg = (extra: Record<string, unknown>) => ProbeSessionConfigInput.parse({ name: 'n', url: 'wss://example.test/ws?x=1', ...extra });

describe('buildConnect', () => {
  it('appends query parameters, sets auth, origin, limits and subprotocols', () => {
    const b = buildConnect(cfg({ query: [{ name: 'a', value: 'b c' }], subprotocols: ['p1'], origin: 'https://o.test', auth: { type: 'basic', username: 'u' }, limits: { maxMessageBytes: 1234 } }), { authSecret: 'pw' });
    expect(b.url).toBe('wss://example.test/ws?x=1&a=b+c');
    expect(b.protocols).toEqual(['p1']);
    expect(b.options.headers).toEqual({ Authorization: `Basic ${Buffer.from('u:pw').toString('base64')}` });
    expect(b.options).toMatchObject({ origin: 'https://o.test', maxPayload: 1234, handshakeTimeout: 10_000, autoPong: false });
  });

  it('maps TLS options and names the field of an unreadable file', () => {
    const b = buildConnect(cfg({ tls: { ca: 'CA-PEM', ignoreCertErrors: true } }), { tlsKey: 'KEY' });
    expect(b.options).toMatchObject({ ca: 'CA-PEM', key: 'KEY', rejectUnauthorized: false });
    expect(() => buildConnect(cfg({ tls: { caPath: '/nonexistent/ca.pem' } }), {})).toThrow(expect.objectContaining({ info: expect.objectContaining({ field: 'config.tls.caPath' }) }));
  });

  it('redacts credentials in logged headers', () => {
    expect(redactHeaders({ Authorization: 'Bearer abc', 'proxy-authorization': 'Basic xyz', 'X-A': ['1', '2'] })).toEqual([
      { name: 'Authorization', value: 'Bearer ••••' },
      { name: 'proxy-authorization', value: 'Basic ••••' },
      { name: 'X-A', value: '1, 2' },
    ]);
  });
});
