import type { PublishResult } from '../../protocol/admin-pubsub';
import { TopicName } from '../../protocol/client-frames';
import { ErrorCode } from '../../protocol/errors';
import { SbError } from '../errors';
import type { Logger } from '../logger';
import { encodeData, type PublishSource } from '../pubsub/publisher';
import { parseOrThrow } from '../pubsub/registry';
import type { ClusterKeys } from './keys';
import { unavailable, type RedisLink } from './redis-link';

export interface PublishRelayDeps {
  link: RedisLink;
  keys: ClusterKeys;
  nodeId: string;
  maxLen: number;
  maxMessageBytes: number;
  /** How long a publisher waits for its own node to apply the publish it appended. */
  timeoutMs: number;
  /** The engine's node-local publish. */
  publishHere(topic: string, data: unknown, source: PublishSource): Promise<PublishResult>;
  /** Durable position of the last applied stream entry (this node's SQLite meta). */
  lastId: { get(): string | undefined; set(id: string): void };
  logger: Logger;
}

interface Waiter {
  resolve(r: PublishResult): void;
  reject(e: unknown): void;
  timer: NodeJS.Timeout;
}

/** How long one XREAD blocks; the reader also wakes for close() within this. */
const BLOCK_MS = 1000;
const READ_COUNT = 500;
/** Own entries applied before their XADD answered, kept until claimed (at most this many). */
const EARLY_MAX = 10_000;

/**
 * Pub/sub across nodes. Every publish on any node is appended to one Redis stream (XADD, bounded by
 * publishStreamMaxLen); every node — the publisher's too — reads the stream in order and applies
 * each entry to its own engine, so all nodes see one order per topic. The publisher answers with
 * its own node's result once its reader applied the entry. While Redis is away publishes are
 * refused (SB_ERR_CLUSTER_UNAVAILABLE), never accepted and dropped. A node remembers the last entry
 * it applied (durably), so after a restart or outage it resumes there and misses nothing that is
 * still in the stream.
 */
export class PublishRelay {
  private readonly waiters = new Map<string, Waiter>();
  /**
   * Our own entries the reader applied before XADD's answer reached us (two connections: the
   * reader's reply may come first). Claimed by publish() at once; bounded in case one never is.
   */
  private readonly early = new Map<string, { ok: true; result: PublishResult } | { ok: false; error: unknown }>();
  private lastId = '$';
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(private readonly d: PublishRelayDeps) {}

  async start(): Promise<void> {
    const saved = this.d.lastId.get();
    if (saved !== undefined) {
      this.lastId = saved;
    } else {
      const last = await this.d.link.cmd.xrevrange(this.d.keys.publish, '+', '-', 'COUNT', 1);
      this.lastId = last[0]?.[0] ?? '0-0';
    }
    this.running = true;
    this.loop = this.readLoop();
  }

  async publish(topic: string, data: unknown, source: PublishSource): Promise<PublishResult> {
    parseOrThrow(TopicName, topic);
    const json = encodeData(data, this.d.maxMessageBytes);
    this.d.link.require('publish');
    let id: string | null;
    try {
      id = await this.d.link.cmd.xadd(this.d.keys.publish, 'MAXLEN', '~', this.d.maxLen, '*', 'topic', topic, 'data', json, 'origin', this.d.nodeId, 'source', JSON.stringify(source));
    } catch (err) {
      throw unavailable('publish', err);
    }
    if (id === null) throw unavailable('publish');
    const streamId = id;
    const done = this.early.get(streamId);
    if (done) {
      this.early.delete(streamId);
      if (done.ok) return done.result;
      throw done.error;
    }
    return new Promise<PublishResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(streamId);
        reject(new SbError(ErrorCode.ClusterUnavailable, `publish: appended to the cluster stream (${streamId}) but not applied on this node within ${this.d.timeoutMs} ms; other nodes deliver it`, { details: { streamId } }));
      }, this.d.timeoutMs);
      this.waiters.set(streamId, { resolve, reject, timer });
    });
  }

  private async readLoop(): Promise<void> {
    while (this.running) {
      let res: [string, [string, string[]][]][] | null;
      try {
        res = (await this.d.link.reader.xread('COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', this.d.keys.publish, this.lastId)) as [string, [string, string[]][]][] | null;
      } catch (err) {
        if (!this.running) return;
        this.d.logger.debug('publish stream read failed; retrying', { err: String(err) });
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      const entries = res?.[0]?.[1] ?? [];
      if (entries.length === 0) continue;
      // Handed to the engine in stream order (its commit queue keeps that order); awaited together.
      await Promise.all(entries.map(([id, fields]) => this.apply(id, fields)));
      this.lastId = entries[entries.length - 1]![0];
      this.d.lastId.set(this.lastId);
    }
  }

  private async apply(id: string, fields: string[]): Promise<void> {
    const f = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
    const waiter = this.waiters.get(id);
    if (waiter) {
      this.waiters.delete(id);
      clearTimeout(waiter.timer);
    }
    try {
      const topic = f.get('topic') ?? '';
      const data: unknown = JSON.parse(f.get('data') ?? 'null');
      const source = parseSource(f.get('source'));
      const result = await this.d.publishHere(topic, data, source);
      if (waiter) waiter.resolve(result);
      else if (f.get('origin') === this.d.nodeId) this.keepEarly(id, { ok: true, result });
    } catch (err) {
      if (waiter) waiter.reject(err);
      else if (f.get('origin') === this.d.nodeId) this.keepEarly(id, { ok: false, error: err });
      else this.d.logger.warn('a publish from another node was refused here', { id, origin: f.get('origin'), err: err instanceof Error ? err.message : String(err) });
    }
  }

  private keepEarly(id: string, r: { ok: true; result: PublishResult } | { ok: false; error: unknown }): void {
    // A waiter may have been registered while publishHere ran.
    const w = this.waiters.get(id);
    if (w) {
      this.waiters.delete(id);
      clearTimeout(w.timer);
      if (r.ok) w.resolve(r.result);
      else w.reject(r.error);
      return;
    }
    this.early.set(id, r);
    if (this.early.size > EARLY_MAX) this.early.delete(this.early.keys().next().value!);
  }

  async close(): Promise<void> {
    this.running = false;
    for (const [id, w] of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new SbError(ErrorCode.ClusterUnavailable, 'publish: node shutting down before it applied the publish'));
      this.waiters.delete(id);
    }
    await this.loop;
  }
}

function parseSource(text: string | undefined): PublishSource {
  try {
    const v = JSON.parse(text ?? '') as { kind?: unknown; id?: unknown };
    if ((v.kind === 'admin' || v.kind === 'client' || v.kind === 'service') && typeof v.id === 'string') return { kind: v.kind, id: v.id };
  } catch {
    // fall through
  }
  return { kind: 'service', id: 'cluster' };
}
