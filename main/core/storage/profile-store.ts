import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { ErrorCode } from '../../../protocol/errors';
import { IsoTime, nowIso } from '../../../protocol/time';
import { TlsOptionsSchema, type ClusterProfile, type ClusterSaveSchema } from '../../../protocol/console/clusters';
import { ConsoleError } from '../contract/errors';
import { readJson, writeJsonAtomic, WriteQueue } from '../../../common/node/atomic-file';
import type { SecretStore } from './secret-store';

const StoredServer = z.object({ id: z.string(), url: z.string(), hasToken: z.boolean(), tls: TlsOptionsSchema });
const StoredCluster = z.object({ id: z.string(), name: z.string(), servers: z.array(StoredServer), createdAt: IsoTime, updatedAt: IsoTime });
const FileSchema = z.object({ version: z.literal(1), clusters: z.array(StoredCluster) });
export type StoredCluster = z.output<typeof StoredCluster>;

export const secretKey = (clusterId: string, serverId: string): string => `cluster:${clusterId}:server:${serverId}:token`;

/**
 * Cluster profiles in `clusters.json` in the data dir (atomic writes, one writer at a time).
 * Tokens never enter this file: they go to the SecretStore; the profile only records hasToken.
 */
export class ProfileStore {
  private readonly path: string;
  private readonly queue = new WriteQueue();

  constructor(
    dataDir: string,
    private readonly secrets: SecretStore,
  ) {
    this.path = join(dataDir, 'clusters.json');
  }

  async list(): Promise<StoredCluster[]> {
    return (await readJson(this.path, FileSchema, { version: 1, clusters: [] })).clusters;
  }

  async get(id: string): Promise<StoredCluster | undefined> {
    return (await this.list()).find((c) => c.id === id);
  }

  async token(clusterId: string, serverId: string): Promise<string | null> {
    return this.secrets.get(secretKey(clusterId, serverId));
  }

  save(input: z.output<typeof ClusterSaveSchema>): Promise<StoredCluster> {
    return this.queue.run(async () => {
      const all = await this.list();
      const prev = input.id !== undefined ? all.find((c) => c.id === input.id) : undefined;
      if (input.id !== undefined && !prev) throw ConsoleError.of(ErrorCode.NotFound, `no cluster profile ${input.id}`, { field: 'id' });
      const clash = all.find((c) => c.id !== input.id && c.name.toLowerCase() === input.name.toLowerCase());
      if (clash) throw ConsoleError.of(ErrorCode.Conflict, `a cluster named "${input.name}" already exists`, { field: 'name' });
      const seen = new Set<string>();
      input.servers.forEach((s, i) => {
        const key = new URL(s.url).origin;
        if (seen.has(key)) throw ConsoleError.of(ErrorCode.Conflict, `server ${key} is listed twice`, { field: `servers.${i}.url` });
        seen.add(key);
      });

      const clusterId = prev?.id ?? randomUUID();
      const servers: z.output<typeof StoredServer>[] = [];
      for (const [i, s] of input.servers.entries()) {
        const before = s.id !== undefined ? prev?.servers.find((p) => p.id === s.id) : prev?.servers.find((p) => p.url === s.url);
        if (s.id !== undefined && !before) throw ConsoleError.of(ErrorCode.NotFound, `no server ${s.id} in this cluster`, { field: `servers.${i}.id` });
        const serverId = before?.id ?? randomUUID();
        let hasToken = before?.hasToken ?? false;
        if (typeof s.token === 'string') {
          await this.secrets.set(secretKey(clusterId, serverId), s.token);
          hasToken = true;
        } else if (s.token === null) {
          await this.secrets.delete(secretKey(clusterId, serverId));
          hasToken = false;
        }
        servers.push({ id: serverId, url: s.url.replace(/\/+$/, ''), hasToken, tls: s.tls });
      }
      // Servers dropped from the profile take their tokens with them.
      for (const old of prev?.servers ?? []) {
        if (!servers.some((s) => s.id === old.id)) await this.secrets.delete(secretKey(clusterId, old.id));
      }
      const now = nowIso();
      const next: StoredCluster = { id: clusterId, name: input.name, servers, createdAt: prev?.createdAt ?? now, updatedAt: now };
      const clusters = prev ? all.map((c) => (c.id === clusterId ? next : c)) : [...all, next];
      await writeJsonAtomic(this.path, { version: 1, clusters });
      return next;
    });
  }

  remove(id: string): Promise<void> {
    return this.queue.run(async () => {
      const all = await this.list();
      const prev = all.find((c) => c.id === id);
      if (!prev) throw ConsoleError.of(ErrorCode.NotFound, `no cluster profile ${id}`, { field: 'clusterId' });
      for (const s of prev.servers) await this.secrets.delete(secretKey(id, s.id));
      await writeJsonAtomic(this.path, { version: 1, clusters: all.filter((c) => c.id !== id) });
    });
  }
}

export function toProfile(c: StoredCluster, builtin: ClusterProfile['builtin'] = null): ClusterProfile {
  return { id: c.id, name: c.name, servers: c.servers.map((s) => ({ id: s.id, url: s.url, hasToken: s.hasToken, tls: s.tls })), builtin, createdAt: c.createdAt, updatedAt: c.updatedAt };
}
