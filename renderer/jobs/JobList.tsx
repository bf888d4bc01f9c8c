/**
 * The job list, virtualised: only the rows on screen exist in the DOM, so 10 000 jobs scroll
 * as fast as 10. Arrow keys move the selection.
 */
import { useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { selectJob } from '../store/actions.js';
import { appStore, useApp } from '../store/store.js';
import { JobRow } from './JobRow.js';
import { BatchStrip } from './BatchStrip.js';
import { Icon } from '../shell/Icon.js';

const ROW_HEIGHT = 64;

function EmptyJobs() {
  return (
    <div className="empty">
      <Icon name="upload" size={36} />
      <p className="empty-title">Drop files anywhere in this window</p>
      <p className="muted">Images, audio or text — each file becomes a job. Or use “Add files…”.</p>
    </div>
  );
}

export function JobList() {
  const jobIds = useApp((s) => s.jobIds);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: jobIds.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (i) => jobIds[i] ?? i,
  });

  function move(delta: number) {
    const { selectedJobId } = appStore.getState();
    const at = selectedJobId ? jobIds.indexOf(selectedJobId) : -1;
    const next = Math.min(jobIds.length - 1, Math.max(0, at + delta));
    const id = jobIds[next];
    if (id === undefined) return;
    void selectJob(id);
    virtual.scrollToIndex(next);
    requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`[data-job-id="${CSS.escape(id)}"]`)?.focus());
  }

  return (
    <section className="pane jobs-pane" aria-labelledby="jobs-title">
      <header className="pane-head">
        <h2 id="jobs-title">Jobs</h2>
        <span className="muted small">{jobIds.length === 1 ? '1 job' : `${jobIds.length} jobs`}</span>
      </header>
      <BatchStrip />
      {jobIds.length === 0 ? (
        <EmptyJobs />
      ) : (
        <div
          ref={scroller}
          className="job-scroller"
          role="listbox"
          aria-label="Jobs"
          tabIndex={0}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              move(1);
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              move(-1);
            }
          }}
        >
          <div className="job-canvas" style={{ height: virtual.getTotalSize() }}>
            {virtual.getVirtualItems().map((item) => (
              <div key={item.key} className="job-slot" style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
                <JobRow id={jobIds[item.index] ?? ''} />
              </div>
            ))}
          </div>
        </div>
      )}
    </section>
  );
}
