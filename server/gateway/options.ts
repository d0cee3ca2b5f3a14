import { z } from 'zod';
import { GatewayRouteCreateSchema } from '../../protocol/gateway';

/** `gateway:` in the server config. Routes here seed the store once; afterwards the admin API's changes win. */
export const GatewayConfigSchema = z.object({
  routes: z.array(GatewayRouteCreateSchema).default([]),
}).strict();
export type GatewayConfig = z.output<typeof GatewayConfigSchema>;
