import { join } from 'node:path';
import { SettingsSchema, type Settings } from '../../../protocol/console/clusters';
import { readJson, writeJsonAtomic, WriteQueue } from '../../../common/node/atomic-file';

export const DEFAULT_SETTINGS: Settings = { timeMode: 'local', theme: 'system', views: {}, sandbox: true };

/** Console settings in `settings.json` in the data dir; unknown/missing keys fall back to defaults. */
export class SettingsStore {
  private readonly path: string;
  private readonly queue = new WriteQueue();
  constructor(dataDir: string) {
    this.path = join(dataDir, 'settings.json');
  }
  async get(): Promise<Settings> {
    const raw = await readJson(this.path, SettingsSchema.partial(), {});
    return { ...DEFAULT_SETTINGS, ...raw };
  }
  update(patch: Partial<Settings>): Promise<Settings> {
    return this.queue.run(async () => {
      const next = { ...(await this.get()), ...patch };
      await writeJsonAtomic(this.path, next);
      return next;
    });
  }
}
