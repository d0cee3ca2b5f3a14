import { z } from 'zod';

/**
 * What can be sent on an open probe session: text, JSON, binary (hex, base64 or a file read by the
 * core), pings, and Switchboard / STOMP helper frames.
 */

const utf8Bytes = (s: string): number => new TextEncoder().encode(s).length;

export const isJson = (s: string): boolean => {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
};

const NameValue = z.strictObject({ name: z.string().min(1).max(256), value: z.string().max(8192) });

/** Binary payloads: hex (whitespace allowed) or base64 text, or a file read by the core. */
export const ProbeBinarySource = z.discriminatedUnion('encoding', [
  z.strictObject({ encoding: z.literal('hex'), data: z.string().max(64 * 1024 * 1024).regex(/^(?:\s*[0-9a-fA-F]{2})*\s*$/, 'malformed hex: expected pairs of hex digits') }),
  z.strictObject({ encoding: z.literal('base64'), data: z.string().max(96 * 1024 * 1024).regex(/^[A-Za-z0-9+/\s]*={0,2}\s*$/, 'malformed base64') }),
  z.strictObject({ encoding: z.literal('file'), path: z.string().min(1).max(4096) }),
]);

export const ProbeSwitchboardFrame = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('hello'), clientId: z.string().min(1).max(256), clientName: z.string().max(256).optional(), username: z.string().optional(), password: z.string().optional(), apiKey: z.string().optional(), token: z.string().optional() }),
  /** `id` is generated when omitted; `data` is JSON text. */
  z.strictObject({ kind: z.literal('request'), id: z.string().max(128).optional(), data: z.string().refine(isJson, 'data must be valid JSON').default('null') }),
  z.strictObject({ kind: z.literal('subscribe'), id: z.string().max(128).optional(), topic: z.string().min(1).max(200) }),
  z.strictObject({ kind: z.literal('unsubscribe'), id: z.string().max(128).optional(), topic: z.string().min(1).max(200) }),
  z.strictObject({ kind: z.literal('publish'), id: z.string().max(128).optional(), topic: z.string().min(1).max(200), data: z.string().refine(isJson, 'data must be valid JSON').default('null') }),
  z.strictObject({ kind: z.literal('ack'), topic: z.string().min(1).max(200), seq: z.number().int().nonnegative() }),
  z.strictObject({ kind: z.literal('response'), inReplyTo: z.string().min(1).max(128), ok: z.boolean().default(true), data: z.string().refine(isJson, 'data must be valid JSON').default('null') }),
]);

const StompHeaders = z.array(NameValue).max(100).default([]);
export const ProbeStompFrame = z.discriminatedUnion('command', [
  z.strictObject({ command: z.literal('CONNECT'), host: z.string().max(256).default('/'), login: z.string().max(256).optional(), passcode: z.string().max(1024).optional(), heartBeat: z.string().regex(/^\d+,\d+$/).default('0,0'), headers: StompHeaders }),
  z.strictObject({ command: z.literal('SUBSCRIBE'), destination: z.string().min(1).max(1024), id: z.string().min(1).max(256), ack: z.enum(['auto', 'client', 'client-individual']).default('auto'), headers: StompHeaders }),
  z.strictObject({ command: z.literal('UNSUBSCRIBE'), id: z.string().min(1).max(256), headers: StompHeaders }),
  z.strictObject({ command: z.literal('SEND'), destination: z.string().min(1).max(1024), body: z.string().max(16 * 1024 * 1024).default(''), contentType: z.string().max(256).optional(), headers: StompHeaders }),
  z.strictObject({ command: z.literal('ACK'), id: z.string().min(1).max(1024), headers: StompHeaders }),
  z.strictObject({ command: z.literal('NACK'), id: z.string().min(1).max(1024), headers: StompHeaders }),
  z.strictObject({ command: z.literal('DISCONNECT'), receipt: z.string().max(256).optional(), headers: StompHeaders }),
]);

/** What can be sent on an open session. */
export const ProbeMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), data: z.string().max(64 * 1024 * 1024) }),
  z.strictObject({ type: z.literal('json'), data: z.string().max(64 * 1024 * 1024).refine(isJson, 'not valid JSON') }),
  z.strictObject({ type: z.literal('binary'), source: ProbeBinarySource }),
  /** Ping with an optional payload (≤ 125 bytes, text); the matching pong is logged with its RTT. */
  z.strictObject({ type: z.literal('ping'), payload: z.string().max(125).refine((s) => utf8Bytes(s) <= 125, 'ping payload is at most 125 bytes').default('') }),
  z.strictObject({ type: z.literal('switchboard'), frame: ProbeSwitchboardFrame }),
  z.strictObject({ type: z.literal('stomp'), frame: ProbeStompFrame }),
]);
export type ProbeMessageInput = z.input<typeof ProbeMessage>;
export type ProbeMessage = z.output<typeof ProbeMessage>;

