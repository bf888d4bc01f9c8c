import { useRef } from 'react';
import { api } from '../api/current.js';
import { handleDropped, handleFilesWithPaths } from '../drop/submit.js';
import { QueueControls } from '../jobs/QueueControls.js';
import { appStore, useApp } from '../store/store.js';
import type { View } from '../store/types.js';
import { Icon, type IconName } from './Icon.js';

const TABS: { view: View; label: string; icon: IconName }[] = [
  { view: 'jobs', label: 'Jobs', icon: 'jobs' },
  { view: 'plugins', label: 'Plugins', icon: 'plugins' },
  { view: 'models', label: 'Models', icon: 'models' },
  { view: 'worker', label: 'Workers', icon: 'worker' },
  { view: 'devices', label: 'Devices', icon: 'devices' },
  { view: 'watch', label: 'Watched folders', icon: 'folder' },
];

function FilePicker() {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="btn btn-primary" onClick={() => input.current?.click()}>
        <Icon name="plus" /> Add files…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="file-picker"
        aria-label="Choose files to process"
        onChange={(e) => {
          const files = Array.from(e.currentTarget.files ?? []);
          e.currentTarget.value = '';
          if (api().pathForFile) void handleFilesWithPaths(files);
          else void handleDropped(files.map((file) => ({ name: file.name, file })));
        }}
      />
    </>
  );
}

function Counters() {
  const queued = useApp((s) => s.counts.queued);
  const running = useApp((s) => s.counts.running);
  return (
    <span className="counters" aria-live="polite">
      {running} running · {queued} queued
    </span>
  );
}

export function Header() {
  const view = useApp((s) => s.view);
  return (
    <header className="header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        {/* The page's one top-level heading (axe: page-has-heading-one); styled as the brand. */}
        <h1 className="brand-name">Hearth</h1>
      </div>
      <nav className="tabs" role="tablist" aria-label="Sections">
        {TABS.map((t) => (
          <button
            key={t.view}
            type="button"
            role="tab"
            id={`tab-${t.view}`}
            aria-selected={view === t.view}
            aria-controls={`panel-${t.view}`}
            className="tab"
            onClick={() => appStore.setState({ view: t.view })}
          >
            <Icon name={t.icon} /> {t.label}
          </button>
        ))}
      </nav>
      <div className="header-actions">
        <Counters />
        <QueueControls />
        <FilePicker />
      </div>
    </header>
  );
}
