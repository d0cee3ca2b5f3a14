/**
 * Switchboard protocol helper: builds the JSON text of client frames (protocol/client-frames.ts) to
 * fill the composer with. Each builder output parses with ClientFrameSchema (see the unit test).
 */

export type HelloCredentials =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'apikey'; apiKey: string }
  | { kind: 'jwt'; token: string };

const pretty = (v: unknown) => JSON.stringify(v, null, 2);

export function helloFrame(clientId: string, clientName: string, creds: HelloCredentials): string {
  const frame: Record<string, unknown> = { type: 'hello', clientId };
  if (clientName !== '') frame.clientName = clientName;
  switch (creds.kind) {
    case 'none':
      break;
    case 'basic':
      frame.username = creds.username;
      frame.password = creds.password;
      break;
    case 'apikey':
      frame.apiKey = creds.apiKey;
      break;
    case 'jwt':
      frame.token = creds.token;
      break;
    default: {
      const never: never = creds;
      throw new Error(`unknown credentials ${String(never)}`);
    }
  }
  return pretty(frame);
}

export const requestFrame = (id: string | number, data: unknown) => pretty({ type: 'request', id, data });
export const subscribeFrame = (id: string | number, topic: string) => pretty({ type: 'subscribe', id, topic });
export const unsubscribeFrame = (id: string | number, topic: string) => pretty({ type: 'unsubscribe', id, topic });
export const publishFrame = (id: string | number, topic: string, data: unknown) => pretty({ type: 'publish', id, topic, data });
export const ackFrame = (topic: string, seq: number) => pretty({ type: 'ack', topic, seq });
export const responseFrame = (inReplyTo: string | number, data: unknown) => pretty({ type: 'response', inReplyTo, ok: true, data });

/**
 * For the "ack" button: when the last received frame was a pub/sub delivery, ack exactly it.
 * Returns null when the text is not a `message` frame.
 */
export function ackForDelivery(text: string): { topic: string; seq: number } | null {
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (o.type === 'message' && typeof o.topic === 'string' && typeof o.seq === 'number') return { topic: o.topic, seq: o.seq };
    }
  } catch {
    // not JSON: no delivery to ack
  }
  return null;
}
