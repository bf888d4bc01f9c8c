/**
 * The selected job's output: the stream as it arrives (already coalesced per frame by the
 * event pump), then the final result, with copy and open-output.
 */
import { useEffect, useRef } from 'react';
import { webApi } from '../api/current.js';
import { openOutput } from '../store/actions.js';
import { resultText } from '../../common/display-text.js';
import { useApp } from '../store/store.js';
import { copyText } from '../lib/copy.js';
import { formatDuration } from '../lib/format.js';
import { Icon } from '../shell/Icon.js';

function StreamText({ text, live }: { text: string; live: boolean }) {
  const pre = useRef<HTMLPreElement>(null);
  const stick = useRef(true);
  useEffect(() => {
    const el = pre.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [text]);
  return (
    <pre
      ref={pre}
      className="output-text"
      data-testid="output-text"
      aria-live={live ? 'polite' : 'off'}
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {text}
      {live && <span className="cursor" aria-hidden="true" />}
    </pre>
  );
}

export function OutputView() {
  const jobId = useApp((s) => s.selectedJobId);
  const job = useApp((s) => (s.selectedJob && s.selectedJob.id === s.selectedJobId ? s.selectedJob : undefined));
  const streamed = useApp((s) => (s.output && s.output.jobId === s.selectedJobId ? s.output.text : ''));

  if (!jobId || !job) {
    return (
      <section className="pane output-pane" aria-labelledby="output-title">
        <header className="pane-head">
          <h2 id="output-title">Output</h2>
        </header>
        <div className="empty">
          <p className="muted">{jobId ? 'Opening the job…' : 'Select a job to see its output.'}</p>
        </div>
      </section>
    );
  }
  const finalText = job.state === 'succeeded' ? resultText(job.result) : '';
  const text = finalText || streamed;
  const live = job.state === 'running';
  const web = webApi();
  return (
    <section className="pane output-pane" aria-labelledby="output-title">
      <header className="pane-head">
        <h2 id="output-title" title={job.label}>
          {job.label}
        </h2>
        <div className="toolbar-group">
          <button type="button" className="btn btn-small" disabled={!text} onClick={() => void copyText(text, 'the output')}>
            <Icon name="copy" /> Copy
          </button>
          {job.state === 'succeeded' &&
            (web ? (
              <a className="btn btn-small" href={web.outputUrl(job.id)} download>
                <Icon name="open" /> Download
              </a>
            ) : (
              <button type="button" className="btn btn-small" onClick={() => void openOutput(job.id)}>
                <Icon name="open" /> Open output
              </button>
            ))}
        </div>
      </header>
      <div className="output-status">
        <span className={`badge state-${job.state}`}>{job.state}</span>
        {job.startedAt && <span className="muted small">{formatDuration((job.finishedAt ?? Date.now()) - job.startedAt)}</span>}
        <span className="muted small">
          {job.chunkCount} {job.chunkCount === 1 ? 'chunk' : 'chunks'}
        </span>
      </div>
      {job.state === 'failed' && job.error && (
        <div className="callout callout-error" role="alert">
          <strong>{job.error.message}</strong>
          {job.error.detail && <pre className="callout-detail">{job.error.detail}</pre>}
        </div>
      )}
      {job.state === 'cancelled' && <div className="callout">This job was cancelled.</div>}
      {job.state === 'queued' && !text && <p className="muted pad">Waiting in the queue…</p>}
      {text || live ? <StreamText text={text} live={live} /> : null}
    </section>
  );
}
