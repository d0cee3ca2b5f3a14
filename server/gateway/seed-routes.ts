import type { MetaStore } from '../store/sqlite/meta-store';
import type { GatewayManager } from './gateway-manager';
import type { GatewayConfig } from './options';

/** Its own flag: a store seeded before gateway routes existed still gets the config file's routes once. */
const SEEDED_KEY = 'gateway.seededAt';

export async function seedGatewayRoutes(meta: MetaStore, gateway: GatewayManager, config: GatewayConfig): Promise<void> {
  if (meta.get(SEEDED_KEY)) return;
  for (const route of config.routes) {
    if (!gateway.has(route.name)) await gateway.create(route);
  }
  meta.set(SEEDED_KEY, new Date().toISOString());
}
