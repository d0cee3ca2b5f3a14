import type { Db } from './db';

/** Small durable key/value flags, e.g. `config.seededAt` so the config file seeds the store only once. */
export class MetaStore {
  private readonly getQ;
  private readonly putQ;
  constructor(db: Db) {
    this.getQ = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
    this.putQ = db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  }
  get(key: string): string | undefined {
    return this.getQ.get(key)?.value;
  }
  set(key: string, value: string): void {
    this.putQ.run(key, value);
  }
}
