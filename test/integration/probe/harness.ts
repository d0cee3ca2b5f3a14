import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { EventName, EventPayload } from '../../../protocol/console/contract';
import { probeCalls, probeEvents, ProbeSessionConfigInput, type ProbeLogEntry, type ProbeSessionState } from '../../../protocol/console/probe';
import { createProbeService, type ProbeContext, type ProbeService } from '../../../main/core/probe/handlers';

type AnyEvent = { event: EventName; payload: unknown };

/** A probe service in a temp dir, recording every event and waking waiters on each one. */
export class Harness {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'probe-test-'));
  readonly events: AnyEvent[] = [];
  readonly service: ProbeService;
  private waiters = new Set<() => void>();

  constructor(opts: Partial<Omit<ProbeContext, 'emit' | 'dataDir'>> = {}, dataDir?: string) {
    if (dataDir) this.dataDir = dataDir;
    this.service = createProbeService({
      dataDir: this.dataDir,
      logBatchMs: 5,
      ...opts,
      emit: <E extends EventName>(event: E, payload: EventPayload<E>) => {
        // The console core validates events; an invalid one would be dropped there, so fail here.
        const schema = probeEvents[event as keyof typeof probeEvents];
        if (!schema) throw new Error(`probe emitted a non-probe event ${event}`);
        const r = schema.safeParse(payload);
        if (!r.success) {
          this.invalid.push(`${event}: ${r.error.message}`);
          throw new Error(`invalid ${event} payload: ${r.error.message}`);
        }
        this.events.push({ event, payload });
        for (const w of [...this.waiters]) w();
      },
    });
  }

  /** Event payloads that failed their schema (asserted empty on close). */
  readonly invalid: string[] = [];

  /** The handlers as the dispatcher calls them: input parsed by the contract, output validated too. */
  get h(): ProbeService['handlers'] {
    const raw = this.service.handlers;
    return new Proxy(raw, {
      get: (target, name: string) => {
        const def = probeCalls[name as keyof typeof probeCalls];
        const fn = target[name as keyof typeof target] as (input: unknown) => Promise<unknown>;
        return async (input: unknown) => {
          const out = await fn(def.input.parse(input));
          const r = def.output.safeParse(out);
          if (!r.success) throw new Error(`${name}: output fails its schema: ${r.error.message}`);
          return out;
        };
      },
    });
  }

  /** Creates a saved session (inputs go through the contract schema like the dispatcher does). */
  async create(config: Record<string, unknown>) {
    return this.h['probe.saveSession']({ config: ProbeSessionConfigInput.parse({ name: 't', ...config }) });
  }

  /** Resolves when `check` returns a value (re-checked after every event), or rejects after timeoutMs. */
  until<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 8000, what = 'condition'): Promise<T> {
    return new Promise((resolve, reject) => {
      let done = false;
      let running = false;
      let again = false;
      const tryIt = (): void => {
        if (done) return;
        if (running) {
          again = true;
          return;
        }
        running = true;
        void Promise.resolve(check()).then(
          (v) => {
            running = false;
            if (done) return;
            if (v !== undefined && v !== null && v !== false) {
              cleanup();
              resolve(v);
            } else if (again) {
              again = false;
              tryIt();
            }
          },
          (err: unknown) => {
            cleanup();
            reject(err as Error);
          },
        );
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        done = true;
        clearTimeout(timer);
        this.waiters.delete(tryIt);
      };
      this.waiters.add(tryIt);
      tryIt();
    });
  }

  state(sessionId: string, state: ProbeSessionState, timeoutMs?: number) {
    return this.until(
      () => this.events.find((e) => e.event === 'probe.state' && (e.payload as { sessionId: string }).sessionId === sessionId && (e.payload as { to: string }).to === state),
      timeoutMs,
      `state ${state}`,
    );
  }

  /** All retained entries of a session (small logs only). */
  async entries(sessionId: string): Promise<ProbeLogEntry[]> {
    const r = await this.h['probe.queryLog']({ sessionId, filter: {}, offset: 0, limit: 2000 });
    return r.rows.map((x) => x.entry);
  }

  /** Waits until an entry matching `pred` is in the log. */
  entry(sessionId: string, pred: (e: ProbeLogEntry) => boolean, what = 'log entry', timeoutMs?: number): Promise<ProbeLogEntry> {
    return this.until(async () => (await this.entries(sessionId)).find(pred), timeoutMs, what);
  }

  /** Downloads an export the way the browser does: start, read chunks, close. */
  async download(sessionId: string, format: 'ndjson' | 'har', includeSecrets = false, chunk = 64 * 1024): Promise<{ text: string; fileName: string; entries: number }> {
    const d = await this.h['probe.downloadStart']({ sessionId, format, includeSecrets });
    const parts: Buffer[] = [];
    for (let offset = 0; offset < d.bytes; ) {
      const r = await this.h['probe.downloadRead']({ transferId: d.transferId, offset, length: chunk });
      parts.push(Buffer.from(r.data, 'base64'));
      offset += r.bytes;
    }
    await this.h['probe.transferClose']({ transferId: d.transferId });
    return { text: Buffer.concat(parts).toString('utf8'), fileName: d.fileName, entries: d.entries };
  }

  /** Uploads file content the way the browser does and imports it. */
  async upload(content: string | Buffer, fileName = 'log.ndjson', name?: string, chunk = 64 * 1024) {
    const buf = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const up = await this.h['probe.uploadStart']({ fileName, bytes: buf.length });
    for (let offset = 0; offset < buf.length; offset += chunk) {
      await this.h['probe.uploadWrite']({ transferId: up.transferId, offset, data: buf.subarray(offset, offset + chunk).toString('base64') });
    }
    return this.h['probe.uploadFinish']({ transferId: up.transferId, ...(name ? { name } : {}) });
  }

  async close(): Promise<void> {
    await this.service.dispose();
    if (this.invalid.length) throw new Error(`invalid probe events: ${this.invalid.join('; ')}`);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export async function startWsServer(opts: ConstructorParameters<typeof WebSocketServer>[0] = {}): Promise<{ wss: WebSocketServer; url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', ...opts });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const port = (wss.address() as AddressInfo).port;
  return {
    wss,
    url: `ws://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}
