/**
 * Turns per-window speech probabilities into speech segments, the way Silero's reference
 * get_speech_timestamps does (threshold with hysteresis, minimum silence to close, minimum
 * speech to keep, padding), but emits each segment the moment it is closed instead of at the end.
 */

export interface SegmenterOptions {
  threshold: number;
  /** Speech ends when the probability drops below this (default threshold − 0.15, at least 0.01). */
  negThreshold?: number;
  minSpeechSamples: number;
  minSilenceSamples: number;
  padSamples: number;
}

/** Sample indices, end exclusive. */
export interface SampleSegment {
  start: number;
  end: number;
}

export interface Segmenter {
  /** Feeds the probability of the window starting at `sample`; returns a segment when one closes. */
  push(probability: number, sample: number): SampleSegment | null;
  /** Closes the stream at `totalSamples`; returns the last segment if speech was still going on. */
  finish(totalSamples: number): SampleSegment | null;
}

export function createSegmenter(options: SegmenterOptions): Segmenter {
  const { threshold, minSpeechSamples, minSilenceSamples, padSamples } = options;
  const negThreshold = options.negThreshold ?? Math.max(threshold - 0.15, 0.01);
  let triggered = false;
  let speechStart = 0;
  let tempEnd = 0;
  // The unpadded and the padded end of the last kept segment: padding never reaches back over
  // either, so segments never overlap — not even when minSilence < 2 × pad, where the previous
  // segment's padding already covers part of the gap (the reference splits such a gap in half;
  // a stream cannot, having sent the first segment before it sees the second).
  let previousEnd = 0;
  let previousPaddedEnd = 0;

  const close = (start: number, end: number, limit: number): SampleSegment | null => {
    if (end - start < minSpeechSamples) return null;
    const padded = {
      start: Math.max(0, Math.floor(Math.max(start - padSamples, previousEnd, previousPaddedEnd))),
      // The next segment cannot start before `limit`, so padding up to it never overlaps.
      end: Math.floor(Math.min(end + padSamples, limit)),
    };
    previousEnd = end;
    previousPaddedEnd = padded.end;
    return padded;
  };

  return {
    push(probability, sample) {
      if (probability >= threshold && tempEnd) tempEnd = 0;
      if (probability >= threshold && !triggered) {
        triggered = true;
        speechStart = sample;
        return null;
      }
      if (probability < negThreshold && triggered) {
        if (!tempEnd) tempEnd = sample;
        if (sample - tempEnd < minSilenceSamples) return null;
        triggered = false;
        const end = tempEnd;
        tempEnd = 0;
        return close(speechStart, end, sample);
      }
      return null;
    },
    finish(totalSamples) {
      if (!triggered) return null;
      triggered = false;
      return close(speechStart, totalSamples, totalSamples);
    },
  };
}
