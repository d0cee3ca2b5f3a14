import { ChannelCreateSchema } from '../protocol/admin-config';
import { ErrorCode } from '../protocol/errors';
import type { ServerConfig } from './config';
import { SbError } from './errors';
import type { SecurityManager } from './security/security-manager';
import type { ConfigStore } from './store/config-store';
import type { MetaStore } from './store/sqlite/meta-store';

const SEEDED_KEY = 'config.seededAt';

/**
 * First start only: the config file's security definitions and channels go into the store. Later
 * starts ignore them, so changes made through the admin API (including deletions) stick.
 */
export async function seedStore(deps: { meta: MetaStore; store: ConfigStore; security: SecurityManager; config: ServerConfig; hasService(name: string): boolean }): Promise<void> {
  if (deps.meta.get(SEEDED_KEY)) return;
  for (const def of deps.config.security) {
    if (!deps.security.has(def.name)) await deps.security.create(def);
  }
  const existing = new Set(deps.store.listChannels().map((c) => c.config.name));
  deps.config.channels.forEach((input, i) => {
    const config = ChannelCreateSchema.parse(input);
    if (existing.has(config.name)) return;
    if (config.security !== null && !deps.security.has(config.security)) throw new SbError(ErrorCode.Validation, `channels.${i}.security: no security definition named "${config.security}"`, { field: `channels.${i}.security` });
    if (!deps.hasService(config.service)) throw new SbError(ErrorCode.Validation, `channels.${i}.service: no service named "${config.service}"`, { field: `channels.${i}.service` });
    const now = new Date().toISOString();
    deps.store.putChannel({ config, createdAt: now, updatedAt: now });
    existing.add(config.name);
  });
  deps.meta.set(SEEDED_KEY, new Date().toISOString());
}
