/**
 * The job list, virtualised and paged: it has as many rows as the query matches, only the rows
 * on screen exist in the DOM, and the pages under them are asked for once scrolling settles
 * (rows not yet fetched show as placeholders). Arrow keys, Page Up/Down, Home and End move the selection;
 * with Alt, Up/Down/Home/End move the selected queued job in its queue; Delete removes the
 * selected job (not a running one). The queued rows on screen show their places in the queue.
 */
import { useEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { selectJob } from '../store/actions.js';
import { requestRows } from '../store/list-actions.js';
import { moveJob, refreshPositions, removeJob } from '../store/queue-actions.js';
import type { QueueMove } from '../../common/api.js';
import { rowJob, rowOf } from '../store/job-window.js';
import { appStore, useApp } from '../store/store.js';
import { isDefaultFilter } from './list-query.js';
import { JobRow } from './JobRow.js';
import { BatchStrip } from './BatchStrip.js';
import { ListFilters } from './ListFilters.js';
import { Icon } from '../shell/Icon.js';

const ROW_HEIGHT = 64;
/** How long the visible rows must stay put before their pages are asked for: no request per scroll frame. */
const SETTLE_MS = 80;
const PAGE_KEYS = 10;
const count = new Intl.NumberFormat();

function EmptyJobs() {
  return (
    <div className="empty">
      <Icon name="upload" size={36} />
      <p className="empty-title">Drop files anywhere in this window</p>
      <p className="muted">Images, audio or text — each file becomes a job. Or use “Add files…”.</p>
    </div>
  );
}

function NoMatch() {
  return (
    <div className="empty">
      <p className="empty-title">No jobs match</p>
      <p className="muted">Try another state, plugin or date, or clear the search.</p>
    </div>
  );
}

function focusRow(scroller: HTMLElement | null, id: string): void {
  requestAnimationFrame(() => scroller?.querySelector<HTMLElement>(`[data-job-id="${CSS.escape(id)}"] .job-pick`)?.focus());
}

/** The queued jobs among rows start..end that the window holds. */
function queuedIn(start: number, end: number): string[] {
  const { list } = appStore.getState();
  const ids: string[] = [];
  for (let row = start; row <= end; row++) {
    const job = rowJob(list, row);
    if (job?.state === 'queued') ids.push(job.id);
  }
  return ids;
}

/** The places of the queued rows on screen, asked again when the rows or the queue change. */
function usePositions(start: number, end: number, generation: number): void {
  const queued = useApp((s) => s.counts.queued);
  const running = useApp((s) => s.counts.running);
  useEffect(() => {
    const t = setTimeout(() => void refreshPositions(queuedIn(start, end)), SETTLE_MS * 2);
    return () => clearTimeout(t);
  }, [start, end, generation, queued, running]);
}

/** Moves the selected job in its queue, when it is queued. */
function moveSelected(to: QueueMove): void {
  const { selectedJob } = appStore.getState();
  if (selectedJob?.state === 'queued') void moveJob(selectedJob.id, to);
}

function removeSelected(): void {
  const { selectedJob } = appStore.getState();
  if (selectedJob && selectedJob.state !== 'running') void removeJob(selectedJob.id);
}

export function JobList() {
  const total = useApp((s) => s.list.total);
  const generation = useApp((s) => s.list.generation);
  const filter = useApp((s) => s.list.filter);
  const known = useApp((s) => s.list.pages[0] !== undefined || s.list.total > 0);
  const selectedRow = useApp((s) => (s.selectedJobId === null ? undefined : rowOf(s.list, s.selectedJobId)));
  const selectedJobId = useApp((s) => s.selectedJobId);
  const scroller = useRef<HTMLDivElement>(null);
  const revealed = useRef<string | null>(null);
  const [want, setWant] = useState<number | null>(null);
  const wantId = useApp((s) => (want === null ? undefined : rowJob(s.list, want)?.id));
  const virtual = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtual.getVirtualItems();
  const start = items[0]?.index ?? 0;
  const end = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    const t = setTimeout(() => requestRows(start, end), SETTLE_MS);
    return () => clearTimeout(t);
  }, [start, end, generation]);
  usePositions(start, end, generation);

  // A new filter shows its list from the top.
  useEffect(() => {
    // A block, not an arrow's value: scrollTo may return a promise, and React would take it for a cleanup.
    scroller.current?.scrollTo({ top: 0 });
  }, [filter]);

  // A selection made elsewhere (a new drop selects its first job) is scrolled into view once.
  useEffect(() => {
    if (selectedJobId === null || selectedRow === undefined || revealed.current === selectedJobId) return;
    revealed.current = selectedJobId;
    virtual.scrollToIndex(selectedRow, { align: 'auto' });
  }, [selectedJobId, selectedRow, virtual]);

  // A key moved the selection to a row whose page had to be fetched: select it once it is here.
  useEffect(() => {
    if (want === null || wantId === undefined) return;
    setWant(null);
    revealed.current = wantId;
    void selectJob(wantId);
    focusRow(scroller.current, wantId);
  }, [want, wantId]);

  function goTo(row: number) {
    if (total === 0) return;
    const to = Math.min(total - 1, Math.max(0, row));
    virtual.scrollToIndex(to, { align: 'auto' });
    const id = rowJob(appStore.getState().list, to)?.id;
    if (id === undefined) return setWant(to);
    revealed.current = id;
    void selectJob(id);
    focusRow(scroller.current, id);
  }

  function move(delta: number) {
    const s = appStore.getState();
    const at = s.selectedJobId === null ? undefined : rowOf(s.list, s.selectedJobId);
    goTo(at === undefined ? start : at + delta);
  }

  const keys: Record<string, () => void> = {
    ArrowDown: () => move(1),
    ArrowUp: () => move(-1),
    PageDown: () => move(PAGE_KEYS),
    PageUp: () => move(-PAGE_KEYS),
    Home: () => goTo(0),
    End: () => goTo(total - 1),
    Delete: removeSelected,
  };
  const altKeys: Record<string, () => void> = {
    ArrowUp: () => moveSelected({ by: -1 }),
    ArrowDown: () => moveSelected({ by: 1 }),
    Home: () => moveSelected('front'),
    End: () => moveSelected('back'),
  };

  const filtered = !isDefaultFilter(filter);
  return (
    <section className="pane jobs-pane" aria-labelledby="jobs-title">
      <header className="pane-head">
        <h2 id="jobs-title">Jobs</h2>
        <span className="muted small" data-testid="job-total">
          {total === 1 ? '1 job' : `${count.format(total)} jobs`}
        </span>
      </header>
      <ListFilters />
      <BatchStrip />
      {total === 0 && known ? (
        filtered ? (
          <NoMatch />
        ) : (
          <EmptyJobs />
        )
      ) : (
        <div
          ref={scroller}
          className="job-scroller"
          role="group"
          aria-label="Job list"
          aria-busy={!known}
          aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown Alt+Home Alt+End Delete"
          tabIndex={0}
          onKeyDown={(e) => {
            if (e.ctrlKey || e.metaKey) return;
            const key = (e.altKey ? altKeys : keys)[e.key];
            if (!key) return;
            e.preventDefault();
            key();
          }}
        >
          <div className="job-canvas" role="list" aria-label="Jobs" style={{ height: virtual.getTotalSize() }}>
            {items.map((item) => (
              <div key={item.key} className="job-slot" style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
                <JobRow row={item.index} />
              </div>
            ))}
          </div>
        </div>
      )}
    </section>
  );
}
