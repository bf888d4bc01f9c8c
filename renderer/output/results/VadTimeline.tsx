/**
 * Speech segments on a bar scaled to the audio's length, and as a list. Activating a segment
 * (click, Enter, Space) plays the input's audio from its start; the bar is for the eye and the
 * mouse, the list is the keyboard's way in.
 */
import '../../styles/results.css';
import type { Segment } from '../result-shape.js';
import { formatLength, formatTimestamp, segmentBox, timelineSpan } from '../timeline.js';

export function VadTimeline({
  segments,
  duration,
  seek,
}: {
  segments: Segment[];
  duration?: number;
  seek?: (seconds: number) => void;
}) {
  const span = timelineSpan(segments, duration);
  const speech = segments.reduce((sum, s) => sum + Math.max(0, s.end - s.start), 0);
  return (
    <div className="result-scroll" data-testid="output-text" tabIndex={seek ? -1 : 0}>
      <p className="result-summary muted small">
        {segments.length} speech {segments.length === 1 ? 'segment' : 'segments'} · {formatLength(0, speech)} of speech in{' '}
        {formatTimestamp(span)}
        {!seek && segments.length > 0 && ' · the audio cannot be played here'}
      </p>
      <div className="vad-bar" data-testid="vad-bar" aria-hidden="true">
        {segments.map((s, i) => {
          const box = segmentBox(s, span);
          return (
            <span
              key={i}
              className="vad-segment"
              style={{ left: `${box.left}%`, width: `${box.width}%` }}
              title={`${formatTimestamp(s.start)} – ${formatTimestamp(s.end)}`}
              onClick={seek ? () => seek(s.start) : undefined}
            />
          );
        })}
      </div>
      {segments.length === 0 ? (
        <p className="muted pad">No speech was found in this audio.</p>
      ) : (
        <ol className="segment-list" aria-label="Speech segments">
          {segments.map((s, i) => (
            <li key={i} className="segment-row">
              <button type="button" className="segment-time" disabled={!seek} onClick={() => seek?.(s.start)}>
                <span className="sr-only">Play segment {i + 1}, </span>
                {formatTimestamp(s.start)} – {formatTimestamp(s.end)}
              </button>
              <span className="muted small">{formatLength(s.start, s.end)}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
