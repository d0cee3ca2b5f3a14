/**
 * STOMP 1.2 helper: builds frames to fill the composer with. Header values are escaped as the spec
 * requires (\\, \n, \r, :) except in CONNECT, where 1.2 says no escaping. Frames end with NUL.
 */

export type StompHeaders = ReadonlyArray<readonly [string, string]>;

export function escapeStompHeader(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/:/g, '\\c');
}

export function stompFrame(command: string, headers: StompHeaders, body = ''): string {
  const escape = command !== 'CONNECT' && command !== 'CONNECTED';
  const lines = headers.map(([k, v]) => (escape ? `${escapeStompHeader(k)}:${escapeStompHeader(v)}` : `${k}:${v}`));
  return `${command}\n${lines.length ? lines.join('\n') + '\n' : ''}\n${body}\0`;
}

export function stompConnect(host: string, login?: string, passcode?: string, heartBeat = '10000,10000'): string {
  const h: Array<[string, string]> = [['accept-version', '1.2'], ['host', host], ['heart-beat', heartBeat]];
  if (login) h.push(['login', login]);
  if (passcode) h.push(['passcode', passcode]);
  return stompFrame('CONNECT', h);
}

export function stompSubscribe(id: string, destination: string, ack: 'auto' | 'client' | 'client-individual' = 'auto'): string {
  return stompFrame('SUBSCRIBE', [['id', id], ['destination', destination], ['ack', ack]]);
}

export function stompSend(destination: string, body: string, contentType = 'application/json'): string {
  return stompFrame('SEND', [['destination', destination], ['content-type', contentType], ['content-length', String(new TextEncoder().encode(body).length)]], body);
}

export function stompAck(id: string): string {
  return stompFrame('ACK', [['id', id]]);
}

export function stompUnsubscribe(id: string): string {
  return stompFrame('UNSUBSCRIBE', [['id', id]]);
}

export function stompDisconnect(receipt: string): string {
  return stompFrame('DISCONNECT', [['receipt', receipt]]);
}

/** The `ack` header of a received MESSAGE frame, for the ACK button; null when absent. */
export function stompAckIdOf(frameText: string): string | null {
  const headEnd = frameText.indexOf('\n\n');
  const head = headEnd < 0 ? frameText : frameText.slice(0, headEnd);
  const lines = head.split('\n');
  if (lines[0]?.trim() !== 'MESSAGE') return null;
  for (const l of lines.slice(1)) {
    if (l.startsWith('ack:')) return l.slice(4);
  }
  return null;
}
