/**
 * What the built-in plugins return as a job's result (worker/plugins/*), checked before an
 * output is rendered: the journal hands back `unknown`, and a result written by an older
 * Hearth must fail with a message rather than render "undefined".
 */
import { z } from 'zod';

const Seconds = z.number().finite();

/**
 * worker/plugins/ocr/index.ts OcrResult. `lines` (each with its own confidence) came with issue 11;
 * a result journaled before has none and still renders. A line's `bbox` is not read here: zod
 * drops it, so the JSON file keeps only what a reader checks, the text and how sure Tesseract was.
 */
export const OcrOutput = z.object({
  text: z.string(),
  /** Tesseract's mean word confidence, 0..100. */
  confidence: z.number(),
  lines: z.array(z.object({ text: z.string(), confidence: z.number().optional(), page: z.number().int().optional() })).optional(),
  /** Issue 12: each page of a PDF or TIFF, read from its pixels (`ocr`) or its text layer, and how it was turned. */
  pages: z
    .array(
      z.object({
        page: z.number().int(),
        text: z.string(),
        confidence: z.number(),
        source: z.enum(['ocr', 'text-layer']),
        rotation: z.number().optional(),
      }),
    )
    .optional(),
});
export type OcrOutput = z.infer<typeof OcrOutput>;

/** worker/plugins/transcribe/index.ts TranscriptResult: segment times in seconds (whisper's t0/t1 ms ÷ 1000). */
export const TranscriptOutput = z.object({
  segments: z.array(z.object({ start: Seconds, end: Seconds, text: z.string() })),
  text: z.string(),
  language: z.string().optional(),
});
export type TranscriptOutput = z.infer<typeof TranscriptOutput>;
export type TimedText = TranscriptOutput['segments'][number];

/** worker/plugins/vad/detect.ts VadResult: speech segments in seconds. */
export const VadOutput = z.object({
  segments: z.array(z.object({ start: Seconds, end: Seconds })),
  duration: Seconds.optional(),
});
export type VadOutput = z.infer<typeof VadOutput>;

/** worker/plugins/llm/generate.ts LlmResult: only the text is kept in a file. */
export const LlmOutput = z.object({ text: z.string() });
export type LlmOutput = z.infer<typeof LlmOutput>;
