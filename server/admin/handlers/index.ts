import { configHandlers } from './config-handlers';
import { connectionHandlers } from './connection-handlers';
import { outgoingHandlers } from './outgoing-handlers';
import { gatewayHandlers } from './gateway-handlers';
import { pubsubHandlers } from './pubsub-handlers';
import { serverHandlers } from './server-handlers';
import type { AdminHandlers } from './types';

export type { AdminHandlers, HandlerContext } from './types';

/** One handler per route of protocol/admin-api (the type makes a missing one a compile error). */
export const adminHandlers: AdminHandlers = { ...serverHandlers, ...configHandlers, ...connectionHandlers, ...pubsubHandlers, ...outgoingHandlers, ...gatewayHandlers };
