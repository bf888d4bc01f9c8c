/**
 * Which view a finished result gets (issue 11, item 5): a built-in plugin's result, checked
 * against the shape it returns (worker/plugins/*; main/core/outputs/result-shapes.ts reads the
 * same), or the plain text view for anything else — a user plugin, or a result an older
 * Hearth wrote in another shape, still shows as text rather than as a broken view.
 */
import { z } from 'zod';

const Seconds = z.number().finite().nonnegative();

const VadShape = z.object({
  segments: z.array(z.object({ start: Seconds, end: Seconds })),
  duration: Seconds.optional(),
});

const TranscriptShape = z.object({
  segments: z.array(z.object({ start: Seconds, end: Seconds, text: z.string() })),
  text: z.string(),
});

/** `lines` came with issue 11: an OCR result from before has none and shows as text. */
const OcrShape = z.object({
  text: z.string(),
  confidence: z.number(),
  lines: z.array(z.object({ text: z.string(), confidence: z.number().finite().optional(), page: z.number().int().optional() })),
  /** Documents (issue 12): how each page was read. */
  pages: z
    .array(
      z.object({
        page: z.number().int(),
        source: z.string().optional(),
        rotation: z.number().optional(),
      }),
    )
    .optional(),
});

export type Segment = z.infer<typeof VadShape>['segments'][number];
export type TimedText = z.infer<typeof TranscriptShape>['segments'][number];
export type OcrLine = z.infer<typeof OcrShape>['lines'][number];
export type OcrPage = NonNullable<z.infer<typeof OcrShape>['pages']>[number];

export type ResultShape =
  | { kind: 'vad'; segments: Segment[]; duration?: number }
  | { kind: 'transcript'; segments: TimedText[] }
  | { kind: 'ocr'; lines: OcrLine[]; confidence: number; pages: OcrPage[] }
  | { kind: 'text' };

const TEXT: ResultShape = { kind: 'text' };

export function resultShape(pluginId: string, result: unknown): ResultShape {
  switch (pluginId) {
    case 'vad': {
      const r = VadShape.safeParse(result);
      if (!r.success) return TEXT;
      return r.data.duration === undefined
        ? { kind: 'vad', segments: r.data.segments }
        : { kind: 'vad', segments: r.data.segments, duration: r.data.duration };
    }
    case 'transcribe': {
      const r = TranscriptShape.safeParse(result);
      // No segments (a silent file): the text view says so better than an empty list.
      return r.success && r.data.segments.length > 0 ? { kind: 'transcript', segments: r.data.segments } : TEXT;
    }
    case 'ocr': {
      const r = OcrShape.safeParse(result);
      return r.success && r.data.lines.length > 0
        ? { kind: 'ocr', lines: r.data.lines, confidence: r.data.confidence, pages: r.data.pages ?? [] }
        : TEXT;
    }
    default:
      return TEXT;
  }
}

/** Below this Tesseract's line is worth a second look (its mean on clean print is in the 90s). */
export const LOW_CONFIDENCE = 70;

export function isLowConfidence(confidence: number | undefined): boolean {
  return confidence !== undefined && confidence < LOW_CONFIDENCE;
}
