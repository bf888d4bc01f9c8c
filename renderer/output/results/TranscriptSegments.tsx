/** A transcript segment by segment, each with its time range; activating a time plays the audio from there. */
import '../../styles/results.css';
import type { TimedText } from '../result-shape.js';
import { formatTimestamp } from '../timeline.js';

export function TranscriptSegments({ segments, seek }: { segments: TimedText[]; seek?: (seconds: number) => void }) {
  return (
    <div className="result-scroll" data-testid="output-text" tabIndex={seek ? -1 : 0}>
      <ol className="segment-list transcript" aria-label="Transcript segments">
        {segments.map((s, i) => {
          const range = `${formatTimestamp(s.start)} – ${formatTimestamp(s.end)}`;
          return (
            <li key={i} className="segment-row">
              {seek ? (
                <button type="button" className="segment-time" onClick={() => seek(s.start)}>
                  <span className="sr-only">Play from </span>
                  {range}
                </button>
              ) : (
                <span className="segment-time">{range}</span>
              )}
              <span className="segment-text">{s.text.trim()}</span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
