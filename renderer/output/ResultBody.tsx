/** The job's output in the view its shape calls for (result-shape.ts), the stream and anything else as text. */
import type { Job } from '../../common/model.js';
import { resultShape } from './result-shape.js';
import { OcrLines } from './results/OcrLines.js';
import { TextResult } from './results/TextResult.js';
import { TranscriptSegments } from './results/TranscriptSegments.js';
import { VadTimeline } from './results/VadTimeline.js';

export function ResultBody({
  job,
  text,
  seek,
}: {
  job: Pick<Job, 'pluginId' | 'state' | 'result'>;
  text: string;
  seek?: (seconds: number) => void;
}) {
  const live = job.state === 'running';
  if (job.state === 'succeeded') {
    const shape = resultShape(job.pluginId, job.result);
    switch (shape.kind) {
      case 'vad':
        return <VadTimeline segments={shape.segments} duration={shape.duration} seek={seek} />;
      case 'transcript':
        return <TranscriptSegments segments={shape.segments} seek={seek} />;
      case 'ocr':
        return <OcrLines lines={shape.lines} confidence={shape.confidence} pages={shape.pages} />;
      case 'text':
        break;
    }
  }
  return text || live ? <TextResult text={text} live={live} /> : null;
}
