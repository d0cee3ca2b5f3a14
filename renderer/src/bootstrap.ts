import { api, getTransport } from './api';
import { store } from './store';
import { CHART_SAMPLE_MS } from './store/connections-slice';

/**
 * Wires core events into the store and loads the initial state. Returns the disposer
 * (every subscription and timer it made). Called once by main.tsx.
 */
export function bootstrap(): () => void {
  const s = store.getState;
  const transport = getTransport();
  const disposers = [
    api.on('cluster.status', (st) => s().applyClusterState(st)),
    api.on('connections.delta', (d) => s().receiveDelta(d)),
    api.on('clusters.changed', (e) => s().applyProfiles(e.items)),
    api.on('settings.changed', (st) => s().applySettings(st)),
    transport.onLink((link) => {
      const was = s().app.link.state;
      s().setLink(link);
      // After a dropped link the core may have moved on: reload everything we show.
      if (link.state === 'connected' && was !== 'connected' && was !== 'connecting') void loadAll();
    }),
  ];
  s().setLink(transport.link);
  const sampler = setInterval(() => s().sampleChannels(), CHART_SAMPLE_MS);

  async function loadAll() {
    try {
      s().applySettings(await api.call('settings.get', {}));
    } catch (err) {
      s().notify('error', `Could not load settings: ${err instanceof Error ? err.message : String(err)}`);
    }
    void s().loadAppInfo();
    try {
      const had = s().clusters.selectedId;
      await s().loadClusters();
      // loadClusters opens the first cluster when none was selected; after a relink, reopen ours
      // and replace its (stale) rows in place with a fresh snapshot.
      if (had !== null && had === s().clusters.selectedId) await s().reattachSelected();
    } catch (err) {
      s().notify('error', `Could not load clusters: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  void loadAll();

  return () => {
    clearInterval(sampler);
    for (const d of disposers) d();
  };
}
