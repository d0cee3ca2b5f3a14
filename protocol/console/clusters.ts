import { defineCalls, defineEvents } from './define';

/** Cluster profiles, connections, subscriptions, invoke, disconnect, channels, settings. Owned by the console core. */
export const clusterCalls = defineCalls({});
export const clusterEvents = defineEvents({});
