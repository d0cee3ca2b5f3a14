import { createStore, type StoreApi } from 'zustand/vanilla';
import { createAppSlice, type AppSlice } from '../features/app/app-slice';
import { createClustersSlice, type ClustersSlice } from '../features/clusters/clusters-slice';
import { createConfigSlice, type ConfigSlice } from '../features/channels/config-slice';
import { createConnectionsSlice, type ConnectionsSlice } from '../features/connections/connections-slice';
import { createInvokeSlice, type InvokeSlice } from '../features/connections/invoke-slice';
import { createSubscriptionsSlice, type SubscriptionsSlice } from '../features/connections/subscriptions-slice';
import { createOutgoingSlice, type OutgoingSlice } from '../features/outgoing/outgoing-slice';
import { createNodesSlice, type NodesSlice } from '../features/nodes/nodes-slice';
import { createProbeSlice, type ProbeSlice } from '../features/probe/state/probe-slice';
import { createSettingsSlice, type SettingsSlice } from '../features/settings/settings-slice';
import { createSavedViewsSlice, type SavedViewsSlice } from '../features/connections/saved-views';
import { createGatewaySlice, type GatewaySlice } from '../features/gateway/gateway-slice';
import type { StoreDeps } from './types';
import { createUiSlice, type UiSlice } from '../features/app/ui-slice';
import { createTopicsSlice, type TopicsSlice } from '../features/topics/topics-slice';
import { createAuditSlice, type AuditSlice } from '../features/audit/audit-slice';
import { createHealthSlice, type HealthSlice } from '../features/health/health-slice';
import { createMessageLogSlice, type MessageLogSlice } from '../features/message-log/message-log-slice';
import { createDriftSlice, type DriftSlice } from '../features/drift/drift-slice';

/** The one store: every feature's slice side by side (this file only composes them). */
export type StoreState = AppSlice & ClustersSlice & ConnectionsSlice & SettingsSlice & UiSlice & InvokeSlice & ProbeSlice & ConfigSlice & SubscriptionsSlice & OutgoingSlice & GatewaySlice & NodesSlice & TopicsSlice & AuditSlice & HealthSlice & MessageLogSlice & DriftSlice & SavedViewsSlice;

export function createConsoleStore(deps: StoreDeps): StoreApi<StoreState> {
  return createStore<StoreState>()((set, get) => ({
    ...createAppSlice(set, get, deps),
    ...createClustersSlice(set, get, deps),
    ...createConnectionsSlice(set, get, deps),
    ...createSettingsSlice(set, get, deps),
    ...createSavedViewsSlice(set, get, deps),
    ...createUiSlice(set, get, deps),
    ...createInvokeSlice(set, get, deps),
    ...createProbeSlice(set, get, deps),
    ...createConfigSlice(set, get, deps),
    ...createSubscriptionsSlice(set, get, deps),
    ...createOutgoingSlice(set, get, deps),
    ...createGatewaySlice(set, get, deps),
    ...createNodesSlice(set, get, deps),
    ...createTopicsSlice(set, get, deps),
    ...createAuditSlice(set, get, deps),
    ...createHealthSlice(set, get, deps),
    ...createMessageLogSlice(set, get, deps),
    ...createDriftSlice(set, get, deps),
  }));
}
