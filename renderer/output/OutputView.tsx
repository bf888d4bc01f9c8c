/**
 * The selected job's output: the stream as it arrives (already coalesced per frame by the
 * event pump), then the final result in the view its shape calls for (ResultBody), beside a
 * preview of the input, with copy and open-output, and the job's details.
 */
import { useCallback, useRef, useState } from 'react';
import { webApi } from '../api/current.js';
import { openOutput, showOutput } from '../store/actions.js';
import { resultText } from '../../common/display-text.js';
import { useApp } from '../store/store.js';
import { copyText } from '../lib/copy.js';
import { formatDuration } from '../lib/format.js';
import { Icon } from '../shell/Icon.js';
import { InputPreview } from './InputPreview.js';
import { JobDetails } from './JobDetails.js';
import { ResultBody } from './ResultBody.js';

/** Plays the input's audio from `seconds`; a player the browser refuses to start still moves there. */
function playFrom(audio: HTMLAudioElement | null, seconds: number): void {
  if (!audio) return;
  audio.currentTime = seconds;
  void audio.play().catch(() => undefined);
}

export function OutputView() {
  const jobId = useApp((s) => s.selectedJobId);
  const job = useApp((s) => (s.selectedJob && s.selectedJob.id === s.selectedJobId ? s.selectedJob : undefined));
  const streamed = useApp((s) => (s.output && s.output.jobId === s.selectedJobId ? s.output.text : ''));
  const audio = useRef<HTMLAudioElement | null>(null);
  const [hasAudio, setHasAudio] = useState(false);
  const seek = useCallback((seconds: number) => playFrom(audio.current, seconds), []);

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
              <>
                <button type="button" className="btn btn-small" onClick={() => void openOutput(job.id)}>
                  <Icon name="open" /> Open output
                </button>
                <button type="button" className="btn btn-small" onClick={() => void showOutput(job.id)}>
                  <Icon name="folder" /> Show in folder
                </button>
              </>
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
      <InputPreview key={`preview-${job.id}`} job={job} audioRef={audio} onAudio={setHasAudio} />
      {job.state === 'failed' && job.error && (
        <div className="callout callout-error" role="alert">
          <strong>{job.error.message}</strong>
          {job.error.detail && <pre className="callout-detail">{job.error.detail}</pre>}
        </div>
      )}
      {job.state === 'cancelled' && <div className="callout">This job was cancelled.</div>}
      {job.state === 'queued' && !text && <p className="muted pad">Waiting in the queue…</p>}
      {/* Keyed by job: another job opens its view afresh, at its top; the same job finishing keeps the reader's place. */}
      <ResultBody key={job.id} job={job} text={text} seek={hasAudio ? seek : undefined} />
      <JobDetails job={job} />
    </section>
  );
}
