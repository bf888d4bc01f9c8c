import { ChoiceDialog } from './drop/ChoiceDialog.js';
import { DevicesView } from './devices/DevicesView.js';
import { BlockedList } from './drop/BlockedList.js';
import { DropOverlay, useWindowDrop } from './drop/DropZone.js';
import { RejectedList } from './drop/RejectedList.js';
import { JobList } from './jobs/JobList.js';
import { ModelsView } from './models/ModelsView.js';
import { OutputView } from './output/OutputView.js';
import { PluginsView } from './plugins/PluginsView.js';
import { ConnectionBanner } from './shell/ConnectionBanner.js';
import { Header } from './shell/Header.js';
import { Notices } from './shell/Notices.js';
import { StatusBar } from './shell/StatusBar.js';
import { useApp } from './store/store.js';
import { WorkerView } from './worker/WorkerView.js';
import { WatchView } from './watch/WatchView.js';

function JobsView() {
  return (
    <div className="jobs-view" id="panel-jobs" role="tabpanel" aria-labelledby="tab-jobs">
      <BlockedList />
      <RejectedList />
      <div className="split">
        <JobList />
        <OutputView />
      </div>
    </div>
  );
}

function Body() {
  const view = useApp((s) => s.view);
  const fatal = useApp((s) => s.fatal);
  const loaded = useApp((s) => s.loaded);
  if (fatal) {
    return (
      <div className="fatal" role="alert">
        <h2>Hearth cannot start</h2>
        <p>{fatal}</p>
      </div>
    );
  }
  if (!loaded) return <div className="loading muted">Starting Hearth…</div>;
  if (view === 'plugins') return <PluginsView />;
  if (view === 'models') return <ModelsView />;
  if (view === 'worker') return <WorkerView />;
  if (view === 'devices') return <DevicesView />;
  if (view === 'watch') return <WatchView />;
  return <JobsView />;
}

export function App() {
  useWindowDrop();
  return (
    <div className="app">
      <ConnectionBanner />
      <Header />
      <main className="body">
        <Body />
      </main>
      <StatusBar />
      <DropOverlay />
      <ChoiceDialog />
      <Notices />
    </div>
  );
}
