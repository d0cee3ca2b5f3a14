import { OutgoingCreateSchema, outgoingConfigProblem, type OutgoingCreate } from '../../protocol/admin-outgoing';
import { ErrorCode } from '../../protocol/errors';
import { SbError } from '../errors';
import type { MetaStore } from '../store/sqlite/meta-store';
import type { OutgoingStore } from './outgoing-store';

const SEEDED_KEY = 'outgoing.seededAt';

/**
 * First start with outgoing connections: the config file's `outgoing` go into the store. Later
 * starts ignore them, so admin API changes (deletions too) stick — as for channels. The key is
 * its own so a store seeded before outgoing connections existed still gets them once.
 */
export function seedOutgoing(deps: { meta: MetaStore; store: OutgoingStore; defs: readonly OutgoingCreate[]; hasService(name: string): boolean }): void {
  if (deps.meta.get(SEEDED_KEY)) return;
  const existing = new Set(deps.store.list().map((o) => o.config.name));
  deps.defs.forEach((input, i) => {
    const config = OutgoingCreateSchema.parse(input);
    if (existing.has(config.name)) return;
    const problem = outgoingConfigProblem(config);
    if (problem) throw new SbError(ErrorCode.Validation, `outgoing.${i}.${problem.field}: ${problem.message}`, { field: `outgoing.${i}.${problem.field}` });
    for (const hook of ['onConnect', 'onMessage', 'onClose'] as const) {
      const svc = config[hook];
      if (svc !== null && !deps.hasService(svc)) throw new SbError(ErrorCode.Validation, `outgoing.${i}.${hook}: no service named "${svc}"`, { field: `outgoing.${i}.${hook}` });
    }
    const now = new Date().toISOString();
    deps.store.put({ config, createdAt: now, updatedAt: now });
    existing.add(config.name);
  });
  deps.meta.set(SEEDED_KEY, new Date().toISOString());
}
