/** The renderer's start: pick the transport, load a snapshot, stream events into the store. */
import { createRoot } from 'react-dom/client';
import './styles/app.css';
import { App } from './App.js';
import { pickBinding } from './api/binding.js';
import { setApi } from './api/current.js';
import { coarseConnection, connectionStatus } from './shell/connection-state.js';
import { loadSnapshot } from './store/actions.js';
import { createEventPump } from './store/event-pump.js';
import { createEventFollower } from './store/list-actions.js';
import { reloadModelsIfLoaded } from './store/model-actions.js';
import { appStore } from './store/store.js';
import { startBrowserNotices } from './shell/notify.js';

function start(): void {
  const log = (message: string) => console.warn(`[hearth] ${message}`);
  const binding = pickBinding(log);
  if (binding.kind === 'none') {
    appStore.setState({ fatal: binding.reason });
  } else {
    setApi(binding.api);
    const pump = createEventPump(appStore, createEventFollower(appStore));
    binding.api.subscribe((events) => pump.push(events));
    startBrowserNotices();
    if (binding.kind === 'web') {
      binding.api.onStatus((status) => {
        connectionStatus.setState({ status });
        appStore.setState({ connection: coarseConnection(status) });
        // After a reconnect the events in between are lost: reload the whole picture.
        if (status.state === 'open') void loadSnapshot().then(reloadModelsIfLoaded);
      });
    } else {
      appStore.setState({ connection: 'open' });
      void loadSnapshot();
    }
  }
  const root = document.getElementById('root');
  if (root) createRoot(root).render(<App />);
}

start();
