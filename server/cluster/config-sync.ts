import { z } from 'zod';
import { ChannelCreateSchema, ChannelPatchSchema, type ChannelConfig } from '../../protocol/admin-config';
import { TopicCreateSchema, type Topic } from '../../protocol/admin-pubsub';
import type { ChannelManager } from '../channels/channel-manager';
import type { Logger } from '../logger';
import type { PubSubEngine } from '../pubsub/engine';
import type { SecurityManager } from '../security/security-manager';
import type { ConfigStore, StoredSecurity } from '../store/config-store';
import type { ClusterKeys } from './keys';
import { unavailable, type RedisLink } from './redis-link';

export type ConfigKind = 'channels' | 'security' | 'topics';

/** The bus message a node publishes after it changed the cluster's configuration. */
export const ConfigChangedFrame = z.object({
  type: z.literal('config'),
  kind: z.enum(['channels', 'security', 'topics']),
  name: z.string(),
  from: z.string(),
}).strict();

const StoredSecuritySchema = z.object({
  name: z.string(),
  type: z.enum(['basic', 'apikey', 'jwt']),
  public: z.object({
    username: z.string().optional(),
    algorithm: z.string().optional(),
    issuer: z.string().optional(),
    audience: z.string().optional(),
    clientIds: z.array(z.string()).optional(),
    clientIdClaim: z.string().nullable().optional(),
  }),
  secret: z.record(z.string(), z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const TopicConfigSchema = TopicCreateSchema;
type TopicConfig = z.output<typeof TopicConfigSchema>;
const TOPIC_FIELDS = Object.keys(TopicCreateSchema.shape).filter((k) => k !== 'name') as (keyof TopicConfig)[];
const CHANNEL_FIELDS = Object.keys(ChannelPatchSchema.shape) as (keyof ChannelConfig)[];

export interface ConfigSyncDeps {
  link: RedisLink;
  keys: ClusterKeys;
  nodeId: string;
  store: ConfigStore;
  channels: ChannelManager;
  security: SecurityManager;
  pubsub: PubSubEngine;
  logger: Logger;
}

/**
 * One configuration for the whole cluster. Redis holds the rows (channels as their config,
 * security definitions as stored — hashes and sealed secrets, which is why every node needs the
 * same secretsKey — and topics' limits); each node's SQLite is its working copy. A node that
 * changes a row writes it to Redis and publishes `config` on the bus; the others read the row
 * *from Redis* (not from the message) and apply it, so two concurrent writers converge on the last
 * row written. A node that joins, or comes back after an outage (bus messages are lost while Redis
 * is away), reconciles all rows; the first node of an empty Redis writes its own.
 */
export class ConfigSync {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly d: ConfigSyncDeps) {}

  /** After a local change: write the row (or its deletion) and tell the other nodes. */
  async changed(kind: ConfigKind, name: string): Promise<void> {
    const row = this.localRow(kind, name);
    const key = this.d.keys.config[kind];
    try {
      const m = this.d.link.cmd.multi();
      if (row === undefined) m.hdel(key, name);
      else m.hset(key, name, JSON.stringify(row));
      await m.exec();
      await this.d.link.cmd.publish(this.d.keys.bus, JSON.stringify({ type: 'config', kind, name, from: this.d.nodeId }));
    } catch (err) {
      // Applied here but not in Redis: the reconcile when Redis is back brings this node to Redis's
      // rows again (the change is undone here), so say so loudly; the admin caller gets the refusal.
      this.d.logger.error('configuration change applied on this node only: Redis failed while writing it', { kind, name, err: String(err) });
      throw unavailable(`${kind} change on other nodes`, err);
    }
  }

  /** A bus message from another node. Applied one at a time, in arrival order. */
  onMessage(frame: z.infer<typeof ConfigChangedFrame>): void {
    if (frame.from === this.d.nodeId) return;
    this.serial(() => this.pull(frame.kind, frame.name));
  }

  /** At start and after every outage: make this node's configuration Redis's (or seed Redis with ours). */
  reconcile(): Promise<void> {
    return this.serial(async () => {
      const first = await this.d.link.cmd.set(this.d.keys.configSeeded, this.d.nodeId, 'NX');
      if (first === 'OK') {
        const m = this.d.link.cmd.multi();
        for (const kind of ['security', 'channels', 'topics'] as const) {
          m.del(this.d.keys.config[kind]);
          for (const name of this.localNames(kind)) m.hset(this.d.keys.config[kind], name, JSON.stringify(this.localRow(kind, name)));
        }
        await m.exec();
        this.d.logger.info('cluster configuration seeded from this node');
        return;
      }
      // Creates and updates of definitions before channels (channels name them), deletions after.
      const remote = {
        security: await this.d.link.cmd.hgetall(this.d.keys.config.security),
        channels: await this.d.link.cmd.hgetall(this.d.keys.config.channels),
        topics: await this.d.link.cmd.hgetall(this.d.keys.config.topics),
      };
      for (const name of Object.keys(remote.security)) await this.apply('security', name, remote.security[name]);
      for (const name of Object.keys(remote.topics)) await this.apply('topics', name, remote.topics[name]);
      for (const name of this.localNames('channels')) if (!(name in remote.channels)) await this.apply('channels', name, undefined);
      for (const name of Object.keys(remote.channels)) await this.apply('channels', name, remote.channels[name]);
      for (const name of this.localNames('topics')) if (!(name in remote.topics)) await this.apply('topics', name, undefined);
      for (const name of this.localNames('security')) if (!(name in remote.security)) await this.apply('security', name, undefined);
    });
  }

  private serial(fn: () => Promise<void>): Promise<void> {
    const run = this.chain.then(fn);
    this.chain = run.catch((err: unknown) => this.d.logger.error('applying the cluster configuration failed', { err: String(err) }));
    return run;
  }

  private async pull(kind: ConfigKind, name: string): Promise<void> {
    const raw = await this.d.link.cmd.hget(this.d.keys.config[kind], name);
    await this.apply(kind, name, raw ?? undefined);
  }

  /** Brings one local row to what Redis holds (undefined: deleted). A row that does not parse is skipped, loudly. */
  private async apply(kind: ConfigKind, name: string, raw: string | undefined): Promise<void> {
    try {
      const value: unknown = raw === undefined ? undefined : JSON.parse(raw);
      switch (kind) {
        case 'channels':
          return await this.applyChannel(name, value === undefined ? undefined : ChannelCreateSchema.parse(value));
        case 'security':
          return this.d.security.applyStored(name, value === undefined ? null : (StoredSecuritySchema.parse(value) as StoredSecurity));
        case 'topics':
          return await this.applyTopic(name, value === undefined ? undefined : TopicConfigSchema.parse(value));
      }
    } catch (err) {
      this.d.logger.error('could not apply a cluster configuration row on this node', { kind, name, err: err instanceof Error ? err.message : String(err) });
    }
  }

  private async applyChannel(name: string, next: ChannelConfig | undefined): Promise<void> {
    const cur = this.d.channels.get(name);
    if (next === undefined) {
      if (cur) await this.d.channels.remove(name);
      return;
    }
    if (!cur) {
      await this.d.channels.create(next);
      return;
    }
    const patch: Record<string, unknown> = {};
    for (const f of CHANNEL_FIELDS) if (JSON.stringify(cur[f]) !== JSON.stringify(next[f])) patch[f] = next[f];
    if (Object.keys(patch).length > 0) await this.d.channels.update(name, patch);
  }

  private async applyTopic(name: string, next: TopicConfig | undefined): Promise<void> {
    const cur = this.d.pubsub.getTopic(name);
    if (next === undefined) {
      if (cur) await this.d.pubsub.removeTopic(name);
      return;
    }
    if (!cur) {
      await this.d.pubsub.createTopic(next);
      return;
    }
    const patch: Record<string, unknown> = {};
    for (const f of TOPIC_FIELDS) if (JSON.stringify(cur[f as keyof Topic]) !== JSON.stringify(next[f])) patch[f] = next[f];
    if (Object.keys(patch).length > 0) await this.d.pubsub.updateTopic(name, patch);
  }

  private localNames(kind: ConfigKind): string[] {
    switch (kind) {
      case 'channels': return this.d.channels.list().map((c) => c.name);
      case 'security': return this.d.security.list().map((s) => s.name);
      case 'topics': return this.d.pubsub.listTopics().map((t) => t.name);
    }
  }

  /** The row as this node holds it, or undefined when it has none by that name. */
  private localRow(kind: ConfigKind, name: string): unknown {
    switch (kind) {
      case 'channels': {
        const c = this.d.store.listChannels().find((r) => r.config.name === name);
        return c?.config;
      }
      case 'security':
        return this.d.security.storedRow(name);
      case 'topics': {
        const t = this.d.pubsub.getTopic(name);
        if (!t) return undefined;
        const row: Record<string, unknown> = { name };
        for (const f of TOPIC_FIELDS) row[f] = t[f as keyof Topic];
        return row;
      }
    }
  }
}
