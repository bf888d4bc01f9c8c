/**
 * The whole window is the drop target. Files and folders, many at once; in Electron the
 * files' paths are used, in a browser folders are walked and files uploaded.
 */
import { useEffect } from 'react';
import { api } from '../api/current.js';
import { appStore, useApp } from '../store/store.js';
import { collectFromEntries, entriesOf } from './collect-files.js';
import { handleDropped, handleFilesWithPaths } from './submit.js';
import { Icon } from '../shell/Icon.js';

function hasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}

export function useWindowDrop(): void {
  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      appStore.setState({ dragging: true });
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) appStore.setState({ dragging: false });
    };
    const drop = (e: DragEvent) => {
      e.preventDefault();
      depth = 0;
      appStore.setState({ dragging: false });
      const dt = e.dataTransfer;
      if (!dt) return;
      if (api().pathForFile) {
        void handleFilesWithPaths(Array.from(dt.files));
        return;
      }
      // Entries must be taken now: the DataTransfer is emptied once this handler returns.
      const { entries, loose } = entriesOf(dt);
      void collectFromEntries(entries, loose).then(handleDropped);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);
}

export function DropOverlay() {
  const dragging = useApp((s) => s.dragging);
  if (!dragging) return null;
  return (
    <div className="drop-overlay" aria-hidden="true">
      <div className="drop-card">
        <Icon name="upload" size={40} />
        <p className="drop-title">Drop files or folders</p>
        <p className="drop-sub">Each file becomes a job for the plugin that reads it.</p>
      </div>
    </div>
  );
}
