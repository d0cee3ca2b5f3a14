import { closeSync, createReadStream, createWriteStream, openSync, readSync, statSync } from 'node:fs';
import { chmod, readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { ProbeLogEntrySchema, type ProbeLogEntry } from '../../../protocol/console/probe';
import { ErrorCode } from '../../../protocol/errors';
import { ConsoleError } from '../contract/errors';
import { PROBE_FILE_MODE } from './persist';
import type { ProbeSession } from './session';
import { humanIssue, pathWords } from '../../../common/human-issue';

/** Writes `session`'s log to `path` in `format` (mode 0600). */
export function writeExport(session: ProbeSession, path: string, format: 'ndjson' | 'har', opts: ExportOptions = {}): Promise<{ entries: number; bytes: number }> {
  return format === 'har' ? exportHar(session, path, opts) : exportNdjson(session, path, opts);
}

/** `<session name>-<UTC time>.<ext>`, safe on every file system. */
export function exportFileName(sessionName: string, format: 'ndjson' | 'har', now = new Date()): string {
  const safe = sessionName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'session';
  return `${safe}-${now.toISOString().replace(/[:.]/g, '-')}.${format}`;
}

/** Largest HAR file import reads (HAR is one JSON document, so it is parsed whole). */
export const MAX_HAR_IMPORT_BYTES = 256 * 1024 * 1024;

export interface ExportOptions {
  /** Put the unredacted handshake requests (secret headers, query values) back. Default false. */
  includeSecrets?: boolean;
}

/**
 * The entry as exported: logs hold handshakes redacted; only an export that asks for secrets gets
 * the request as it was sent (while the session still remembers it).
 */
function exported(session: ProbeSession, e: ProbeLogEntry, opts: ExportOptions): ProbeLogEntry {
  if (!opts.includeSecrets || e.kind !== 'handshake-request') return e;
  const raw = session.rawHandshake(e.index);
  return raw ? { ...e, url: raw.url, headers: raw.headers } : e;
}

async function withWriter(path: string, fn: (write: (s: string) => Promise<void>) => Promise<void>): Promise<number> {
  // Exports may carry payloads and (when asked) secrets: the current user's only.
  const out = createWriteStream(path, { mode: PROBE_FILE_MODE });
  const failed = once(out, 'error').then(([err]) => Promise.reject(err as Error));
  failed.catch(() => {});
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await Promise.race([once(out, 'drain'), failed]);
  };
  await fn(write);
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  // An existing file keeps its old mode on open: tighten it.
  await chmod(path, PROBE_FILE_MODE);
  return statSync(path).size;
}

/** One header line, then one entry per line (the log as the UI shows it). */
export async function exportNdjson(session: ProbeSession, path: string, opts: ExportOptions = {}): Promise<{ entries: number; bytes: number }> {
  let entries = 0;
  const bytes = await withWriter(path, async (write) => {
    await write(JSON.stringify({ probeExport: 1, name: session.config.name, url: session.config.url, exportedAt: new Date().toISOString() }) + '\n');
    await session.log.forEachEntry(async (e) => {
      entries++;
      await write(JSON.stringify(exported(session, e, opts)) + '\n');
    });
  });
  return { entries, bytes };
}

/**
 * HAR 1.2 with Chrome's WebSocket extension: one entry for the handshake carrying `_webSocketMessages`
 * (what other tools read) and `_probeEntries` (the full typed log, which our import prefers).
 */
export async function exportHar(session: ProbeSession, path: string, opts: ExportOptions = {}): Promise<{ entries: number; bytes: number }> {
  type Req = Extract<ProbeLogEntry, { kind: 'handshake-request' }>;
  type Res = Extract<ProbeLogEntry, { kind: 'handshake-response' }>;
  const found: { req?: Req; res?: Res; started?: string } = {};
  await session.log.forEachEntry((e) => {
    found.started ??= e.at;
    if (e.kind === 'handshake-request') found.req ??= exported(session, e, opts) as Req;
    if (e.kind === 'handshake-response') found.res ??= e;
  });
  const { req: r, res: s, started } = found;
  const head = {
    startedDateTime: started ?? new Date().toISOString(),
    time: 0,
    request: { method: 'GET', url: r?.url ?? session.config.url, httpVersion: 'HTTP/1.1', headers: r?.headers ?? [], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
    response: { status: s?.status ?? 0, statusText: s?.statusText ?? '', httpVersion: 'HTTP/1.1', headers: s?.headers ?? [], cookies: [], content: { size: 0, mimeType: 'x-unknown' }, redirectURL: '', headersSize: -1, bodySize: 0 },
    cache: {},
    timings: { send: 0, wait: 0, receive: 0 },
    _resourceType: 'websocket',
  };
  let entries = 0;
  const bytes = await withWriter(path, async (write) => {
    await write(`{"log":{"version":"1.2","creator":{"name":"Switchboard probe","version":"1"},"pages":[],"entries":[${JSON.stringify(head).slice(0, -1)},"_webSocketMessages":[`);
    let first = true;
    await session.log.forEachEntry(async (e) => {
      if (e.kind !== 'frame') return;
      const m = { type: e.direction === 'out' ? 'send' : 'receive', time: Date.parse(e.at) / 1000, opcode: e.opcode === 'text' ? 1 : 2, data: e.data };
      await write((first ? '' : ',') + JSON.stringify(m));
      first = false;
    });
    await write('],"_probeEntries":[');
    first = true;
    await session.log.forEachEntry(async (e) => {
      entries++;
      await write((first ? '' : ',') + JSON.stringify(exported(session, e, opts)));
      first = false;
    });
    await write(']}]}}\n');
  });
  return { entries, bytes };
}

const HarSchema = z.object({
  log: z.object({
    entries: z
      .array(
        z.object({
          startedDateTime: z.string().optional(),
          request: z.object({ url: z.string(), headers: z.array(z.object({ name: z.string(), value: z.string() })).default([]) }),
          response: z.object({ status: z.number().int(), statusText: z.string().default(''), headers: z.array(z.object({ name: z.string(), value: z.string() })).default([]) }).optional(),
          _webSocketMessages: z.array(z.object({ type: z.enum(['send', 'receive']), time: z.number(), opcode: z.number().int(), data: z.string() })).optional(),
          _probeEntries: z.array(z.unknown()).optional(),
        }),
      )
      .min(1, 'no entries'),
  }),
});

const bad = (field: string, message: string): ConsoleError => ConsoleError.of(ErrorCode.Validation, `${field}: ${message}`, { field });

function parseEntry(raw: unknown, where: string, field: string): ProbeLogEntry {
  const r = ProbeLogEntrySchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw bad(field, `${where}: ${issue ? humanIssue(issue, { label: pathWords(issue.path, 'the entry') }) : 'invalid entry'}`);
  }
  return r.data;
}

function readHead(path: string, bytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    return buf.subarray(0, readSync(fd, buf, 0, bytes, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads an export into `visit`, validating every entry; throws a validation error on `field` naming
 * the first bad line or array position (`label` is how messages call the file).
 */
export async function readExport(path: string, visit: (e: ProbeLogEntry) => void, field = 'path', label = path): Promise<{ name: string | null; url: string | null }> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    throw bad(field, `cannot read ${label} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const head = readHead(path, 64);
  if (/^\s*\{\s*"log"\s*:/.test(head)) {
    if (size > MAX_HAR_IMPORT_BYTES) throw bad(field, `HAR files over ${MAX_HAR_IMPORT_BYTES} bytes are not imported; use NDJSON`);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw bad(field, `not valid JSON (${(err as Error).message})`);
    }
    const har = HarSchema.safeParse(json);
    if (!har.success) {
      const issue = har.error.issues[0];
      throw bad(field, `not a HAR export: ${issue ? humanIssue(issue, { label: pathWords(issue.path, 'the file') }) : 'invalid'}`);
    }
    const first = har.data.log.entries[0]!;
    if (first._probeEntries) {
      first._probeEntries.forEach((raw, i) => visit(parseEntry(raw, `_probeEntries[${i}]`, field)));
    } else {
      const at = first.startedDateTime && !Number.isNaN(Date.parse(first.startedDateTime)) ? new Date(first.startedDateTime).toISOString() : new Date().toISOString();
      visit({ index: 0, at, direction: 'out', kind: 'handshake-request', url: first.request.url, headers: first.request.headers, subprotocols: [] });
      if (first.response) visit({ index: 0, at, direction: 'in', kind: 'handshake-response', status: first.response.status, statusText: first.response.statusText, headers: first.response.headers, protocol: null, extensions: null });
      for (const m of first._webSocketMessages ?? []) {
        const text = m.opcode === 1;
        visit({ index: 0, at: new Date(m.time * 1000).toISOString(), direction: m.type === 'send' ? 'out' : 'in', kind: 'frame', opcode: text ? 'text' : 'binary', size: text ? Buffer.byteLength(m.data) : Buffer.from(m.data, 'base64').length, encoding: text ? 'text' : 'base64', data: m.data, truncated: false });
      }
    }
    return { name: null, url: first.request.url };
  }
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let lineNo = 0;
  let meta: { name: string | null; url: string | null } = { name: null, url: null };
  for await (const line of rl) {
    lineNo++;
    if (!line.trim()) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      rl.close();
      throw bad(field, `line ${lineNo}: not valid JSON`);
    }
    if (lineNo === 1 && raw && typeof raw === 'object' && 'probeExport' in raw) {
      const m = raw as { name?: unknown; url?: unknown };
      meta = { name: typeof m.name === 'string' ? m.name : null, url: typeof m.url === 'string' ? m.url : null };
      continue;
    }
    try {
      visit(parseEntry(raw, `line ${lineNo}`, field));
    } catch (err) {
      rl.close();
      throw err;
    }
  }
  if (lineNo === 0) throw bad(field, 'the file is empty');
  return meta;
}
