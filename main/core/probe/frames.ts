import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ProbeMessage } from '../../../protocol/console/probe';
import { ErrorCode } from '../../../protocol/errors';
import { ConsoleError } from '../contract/errors';

type SwitchboardFrame = Extract<ProbeMessage, { type: 'switchboard' }>['frame'];
type StompFrame = Extract<ProbeMessage, { type: 'stomp' }>['frame'];
type BinarySource = Extract<ProbeMessage, { type: 'binary' }>['source'];

/** What goes on the wire for one message. Pings are handled by the session, not encoded here. */
export type Encoded = { opcode: 'text'; text: string } | { opcode: 'binary'; data: Buffer };

/** Largest file a binary message may be read from (the whole file becomes one frame). */
export const MAX_SEND_FILE_BYTES = 64 * 1024 * 1024;

export async function encodeMessage(msg: Exclude<ProbeMessage, { type: 'ping' }>, field = 'message'): Promise<Encoded> {
  switch (msg.type) {
    case 'text':
      return { opcode: 'text', text: msg.data };
    case 'json':
      return { opcode: 'text', text: msg.data };
    case 'binary':
      return { opcode: 'binary', data: await decodeBinary(msg.source, `${field}.source`) };
    case 'switchboard':
      return { opcode: 'text', text: buildSwitchboardFrame(msg.frame) };
    case 'stomp':
      return { opcode: 'text', text: buildStompFrame(msg.frame) };
  }
}

export async function decodeBinary(src: BinarySource, field: string): Promise<Buffer> {
  switch (src.encoding) {
    case 'hex': {
      const hex = src.data.replace(/\s+/g, '');
      if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw ConsoleError.of(ErrorCode.Validation, `${field}.data: malformed hex`, { field: `${field}.data` });
      return Buffer.from(hex, 'hex');
    }
    case 'base64': {
      const b64 = src.data.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) throw ConsoleError.of(ErrorCode.Validation, `${field}.data: malformed base64`, { field: `${field}.data` });
      return Buffer.from(b64, 'base64');
    }
    case 'file': {
      let data: Buffer;
      try {
        data = await readFile(src.path);
      } catch (err) {
        throw ConsoleError.of(ErrorCode.Validation, `${field}.path: cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { field: `${field}.path` });
      }
      if (data.length > MAX_SEND_FILE_BYTES) throw ConsoleError.of(ErrorCode.PayloadTooLarge, `${field}.path: file is over ${MAX_SEND_FILE_BYTES} bytes`, { field: `${field}.path` });
      return data;
    }
  }
}

const newId = (): string => randomUUID().slice(0, 8);

/** Switchboard client frames (protocol/client-frames.ts); `data` fields arrive as validated JSON text. */
export function buildSwitchboardFrame(f: SwitchboardFrame): string {
  switch (f.kind) {
    case 'hello': {
      const { kind: _kind, ...rest } = f;
      return JSON.stringify({ type: 'hello', ...rest });
    }
    case 'request':
      return JSON.stringify({ type: 'request', id: f.id ?? newId(), data: JSON.parse(f.data) as unknown });
    case 'subscribe':
      return JSON.stringify({ type: 'subscribe', id: f.id ?? newId(), topic: f.topic });
    case 'unsubscribe':
      return JSON.stringify({ type: 'unsubscribe', id: f.id ?? newId(), topic: f.topic });
    case 'publish':
      return JSON.stringify({ type: 'publish', id: f.id ?? newId(), topic: f.topic, data: JSON.parse(f.data) as unknown });
    case 'ack':
      return JSON.stringify({ type: 'ack', topic: f.topic, seq: f.seq });
    case 'response':
      return JSON.stringify({ type: 'response', inReplyTo: f.inReplyTo, ok: f.ok, data: JSON.parse(f.data) as unknown });
  }
}

/**
 * The response to a Switchboard server `request` frame (`answer` is JSON text), or null when `text` is
 * not one. The id is echoed with its JSON type: the server matches `inReplyTo` by value.
 */
export function switchboardAutoAnswer(text: string, answer: string): string | null {
  if (text.length > 1024 * 1024) return null;
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return null;
  }
  if (!frame || typeof frame !== 'object' || (frame as { type?: unknown }).type !== 'request') return null;
  const id = (frame as { id?: unknown }).id;
  if (typeof id !== 'string' && typeof id !== 'number') return null;
  return JSON.stringify({ type: 'response', inReplyTo: id, ok: true, data: JSON.parse(answer) as unknown });
}

/** STOMP 1.2 header escaping (not applied to CONNECT frames, per the spec). */
const escapeHeader = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/:/g, '\\c');
const unescapeHeader = (s: string): string => s.replace(/\\(.)/g, (_m, c: string) => (c === 'r' ? '\r' : c === 'n' ? '\n' : c === 'c' ? ':' : c));

export function buildStompFrame(f: StompFrame): string {
  const h: [string, string][] = [];
  let body = '';
  switch (f.command) {
    case 'CONNECT':
      h.push(['accept-version', '1.2'], ['host', f.host], ['heart-beat', f.heartBeat]);
      if (f.login !== undefined) h.push(['login', f.login]);
      if (f.passcode !== undefined) h.push(['passcode', f.passcode]);
      break;
    case 'SUBSCRIBE':
      h.push(['destination', f.destination], ['id', f.id], ['ack', f.ack]);
      break;
    case 'UNSUBSCRIBE':
      h.push(['id', f.id]);
      break;
    case 'SEND':
      h.push(['destination', f.destination]);
      if (f.contentType) h.push(['content-type', f.contentType]);
      h.push(['content-length', String(Buffer.byteLength(f.body))]);
      body = f.body;
      break;
    case 'ACK':
    case 'NACK':
      h.push(['id', f.id]);
      break;
    case 'DISCONNECT':
      if (f.receipt) h.push(['receipt', f.receipt]);
      break;
  }
  for (const x of f.headers) h.push([x.name, x.value]);
  const esc = f.command === 'CONNECT' ? (s: string) => s : escapeHeader;
  return `${f.command}\n${h.map(([k, v]) => `${esc(k)}:${esc(v)}`).join('\n')}\n\n${body}\0`;
}

export interface ParsedStomp {
  command: string;
  headers: { name: string; value: string }[];
  body: string;
}

const STOMP_COMMANDS = new Set(['CONNECTED', 'MESSAGE', 'RECEIPT', 'ERROR', 'CONNECT', 'STOMP', 'SEND', 'SUBSCRIBE', 'UNSUBSCRIBE', 'ACK', 'NACK', 'BEGIN', 'COMMIT', 'ABORT', 'DISCONNECT']);

/** Parses one STOMP frame (a heart-beat EOL parses as null); unknown commands are not STOMP. */
export function parseStompFrame(text: string): ParsedStomp | null {
  const frame = text.replace(/^(?:\r?\n)+/, '');
  const headEnd = frame.search(/\r?\n\r?\n/);
  const head = headEnd === -1 ? frame.replace(/\0$/, '') : frame.slice(0, headEnd);
  const lines = head.split(/\r?\n/);
  const command = lines[0] ?? '';
  if (!STOMP_COMMANDS.has(command)) return null;
  const headers = lines.slice(1).filter((l) => l.length).map((l) => {
    const i = l.indexOf(':');
    return { name: unescapeHeader(i === -1 ? l : l.slice(0, i)), value: unescapeHeader(i === -1 ? '' : l.slice(i + 1)) };
  });
  let body = '';
  if (headEnd !== -1) {
    const rest = frame.slice(headEnd).replace(/^\r?\n\r?\n/, '');
    const nul = rest.indexOf('\0');
    body = nul === -1 ? rest : rest.slice(0, nul);
  }
  return { command, headers, body };
}
