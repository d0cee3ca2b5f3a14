import type { DialOptions } from '../../common/node/dialer';
import type { OutgoingConfig } from '../../protocol/admin-outgoing';

/**
 * An outgoing connection's definition as dialer options. On `plain` peers the credentials go in
 * the upgrade request; a `switchboard` peer takes them in the hello instead (see helloFrame).
 */
export function dialOptionsOf(c: OutgoingConfig): DialOptions {
  const sec = c.security;
  const auth: DialOptions['auth'] = c.kind === 'switchboard' ? { type: 'none' }
    : sec.type === 'basic' ? { type: 'basic', username: sec.username, password: sec.password }
      : sec.type === 'bearer' ? { type: 'bearer', token: sec.token }
        : sec.type === 'apikey' ? { type: 'api-key', header: sec.header, value: sec.key }
          : { type: 'none' };
  return {
    url: c.address,
    headers: c.headers,
    subprotocols: c.subprotocols,
    auth,
    ...(c.tls ? {
      tls: {
        ...(c.tls.ca !== undefined ? { ca: c.tls.ca } : {}),
        ...(c.tls.cert !== undefined ? { cert: c.tls.cert } : {}),
        ...(c.tls.key !== undefined ? { key: c.tls.key } : {}),
        ...(c.tls.servername !== undefined ? { servername: c.tls.servername } : {}),
        insecure: c.tls.insecure,
      },
    } : {}),
    ...(c.proxy ? { proxy: { url: c.proxy.url, ...(c.proxy.username !== undefined ? { username: c.proxy.username } : {}), ...(c.proxy.password !== undefined ? { password: c.proxy.password } : {}) } } : {}),
    handshakeTimeoutMs: c.connectTimeoutMs,
    maxPayload: c.maxMessageBytes,
    // Our own messages are already bounded by maxMessageBytes; compression costs CPU per connection.
    perMessageDeflate: false,
  };
}

/** The hello a `switchboard` peer gets right after the upgrade. */
export function helloFrame(c: OutgoingConfig): Record<string, unknown> {
  const sec = c.security;
  return {
    type: 'hello',
    clientId: c.clientId,
    ...(c.clientName !== null ? { clientName: c.clientName } : {}),
    ...(sec.type === 'basic' ? { username: sec.username, password: sec.password } : {}),
    ...(sec.type === 'apikey' ? { apiKey: sec.key } : {}),
    ...(sec.type === 'bearer' ? { token: sec.token } : {}),
  };
}

/** Fields whose change needs a new socket (anything else applies to the open one). */
export const DIAL_FIELDS = ['address', 'kind', 'security', 'headers', 'subprotocols', 'tls', 'proxy', 'connectTimeoutMs', 'maxMessageBytes', 'clientId', 'clientName', 'topics', 'dataFormat'] as const satisfies readonly (keyof OutgoingConfig)[];
