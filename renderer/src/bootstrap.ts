import { api, getTransport } from './api';
import { wireChannels } from './features/channels/wire';
import { wireClusters } from './features/clusters/wire';
import { wireConnections } from './features/connections/wire';
import { wireOutgoing } from './features/outgoing/wire';
import { wireSettings } from './features/settings/wire';
import { wireTheme } from './features/settings/theme';
import { wireTopics } from './features/topics/wire';
import { wireDrift } from './features/drift/wire';
import { store } from './store';

/**
 * Composes each feature's event wiring, follows the link to the core, and loads the initial
 * state. Returns the disposer (every subscription and timer it made). Called once by main.tsx.
 */
export function bootstrap(): () => void {
  const s = store.getState;
  const transport = getTransport();
  const disposers = [
    wireClusters(api, s),
    wireConnections(api, s),
    wireSettings(api, s),
    wireTheme(store),
    wireChannels(api, s),
    wireOutgoing(api, s),
    wireTopics(api, s),
    wireDrift(api, s),
    transport.onLink((link) => {
      const was = s().app.link.state;
      s().setLink(link);
      // After a dropped link the core may have moved on: reload everything we show.
      if (link.state === 'connected' && was !== 'connected' && was !== 'connecting') void loadAll();
    }),
  ];
  s().setLink(transport.link);

  async function loadAll() {
    await s().loadSettings();
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
    for (const d of disposers) d();
  };
}
