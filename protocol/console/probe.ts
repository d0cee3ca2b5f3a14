import { defineCalls, defineEvents } from './define';

/** Ad hoc outgoing WebSocket sessions (the probe). */
export const probeCalls = defineCalls({});
export const probeEvents = defineEvents({});
