/**
 * The files a finished job's result can become, per plugin (issue 11, "Outputs you keep"):
 * which formats each built-in plugin offers, and the text of each. A user plugin's result
 * is kept as JSON, and as text when it has one (common/display-text.ts, the same words the
 * output view shows).
 */
import type { z } from 'zod';
import { jsonText, textOf } from '../../../common/display-text.js';
import { fail, succeed, type Outcome } from '../../../common/outcome.js';
import { LlmOutput, OcrOutput, TranscriptOutput, VadOutput } from './result-shapes.js';
import { toSrt, toVtt } from './subtitles.js';

export interface PluginFormats {
  /** In the order a menu or `--format` help lists them. */
  formats: string[];
  /** What "Export batch" and `--out` write when no format is asked for. */
  default: string;
}

type Render = (result: unknown) => Outcome<string>;

interface BuiltinFormats {
  default: string;
  render: Record<string, Render>;
}

/** Label of every VAD segment in an Audacity label track. */
const SPEECH_LABEL = 'speech';

const BUILTIN: Record<string, BuiltinFormats> = {
  ocr: {
    default: 'txt',
    render: {
      txt: shaped('ocr', OcrOutput, (r) => fileText(r.text)),
      json: shaped('ocr', OcrOutput, (r) => `${jsonText(ocrJson(r), 2)}\n`),
    },
  },
  transcribe: {
    // Subtitles are what people keep a transcript for, and what the issue names (`interview.srt`).
    default: 'srt',
    render: {
      txt: shaped('transcribe', TranscriptOutput, (r) =>
        fileText(r.segments.length > 0 ? r.segments.map((s) => s.text.trim()).join('\n') : r.text),
      ),
      srt: shaped('transcribe', TranscriptOutput, (r) => toSrt(r.segments)),
      vtt: shaped('transcribe', TranscriptOutput, (r) => toVtt(r.segments)),
      json: asJson,
    },
  },
  vad: {
    default: 'json',
    render: {
      json: asJson,
      csv: shaped(
        'vad',
        VadOutput,
        (r) => ['start,end', ...r.segments.map((s) => `${s.start.toFixed(3)},${s.end.toFixed(3)}`)].join('\n') + '\n',
      ),
      // Audacity's label track: start<TAB>end<TAB>label, seconds with six decimals (File → Import → Labels).
      txt: shaped('vad', VadOutput, (r) =>
        r.segments.map((s) => `${s.start.toFixed(6)}\t${s.end.toFixed(6)}\t${SPEECH_LABEL}\n`).join(''),
      ),
    },
  },
  llm: {
    default: 'txt',
    render: {
      txt: shaped('llm', LlmOutput, (r) => fileText(r.text)),
      // The model already answers in Markdown; the file only tells an editor so.
      md: shaped('llm', LlmOutput, (r) => fileText(r.text)),
    },
  },
};

/**
 * The formats a plugin's result can be written in. For a user plugin `txt` is offered unless
 * the result is known and has no text; pass the result when there is one.
 */
export function formatsOf(pluginId: string, result?: unknown): PluginFormats {
  const builtin = BUILTIN[pluginId];
  if (builtin) return { formats: Object.keys(builtin.render), default: builtin.default };
  if (result === undefined) return { formats: ['json', 'txt'], default: 'json' };
  return textOf(result) === undefined ? { formats: ['json'], default: 'json' } : { formats: ['txt', 'json'], default: 'txt' };
}

/** The file's text for `format`, or why it cannot be written (an unknown format lists the ones there are). */
export function render(pluginId: string, format: string, result: unknown): Outcome<string> {
  const offered = formatsOf(pluginId, result);
  if (!offered.formats.includes(format)) {
    return fail(
      'INVALID_INPUT',
      `${pluginId} writes ${offered.formats.join(', ')} — not ${format || '(no format)'}`,
      `choose one of: ${offered.formats.join(', ')}`,
    );
  }
  if (result === undefined || result === null) {
    return fail('INVALID_INPUT', `This ${pluginId} job has no result to write — run it again`);
  }
  const builtin = BUILTIN[pluginId];
  if (builtin) {
    const draw = builtin.render[format];
    if (draw) return draw(result);
  }
  return format === 'txt' ? succeed(fileText(textOf(result) ?? '')) : asJson(result);
}

/** The result as the plugin gave it, every field kept (a schema would drop the ones it does not name). */
function asJson(result: unknown): Outcome<string> {
  return succeed(`${jsonText(result, 2)}\n`);
}

/**
 * The OCR JSON file: the text and mean confidence, its lines (each with its own confidence and
 * page when the plugin gave them), and each page with where its text came from.
 */
function ocrJson(r: OcrOutput) {
  const lines =
    r.lines ??
    r.text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((text) => ({ text }));
  return r.pages
    ? { text: r.text, confidence: r.confidence, lines, pages: r.pages }
    : { text: r.text, confidence: r.confidence, lines };
}

/** A text file ends with exactly one newline (POSIX tools and `cat` expect it); an empty one stays empty. */
function fileText(text: string): string {
  const trimmed = text.replace(/\s+$/, '');
  return trimmed ? `${trimmed}\n` : '';
}

function shaped<S extends z.ZodType>(pluginId: string, schema: S, draw: (value: z.infer<S>) => string): Render {
  return (result) => {
    const parsed = schema.safeParse(result);
    if (!parsed.success) {
      return fail(
        'INVALID_INPUT',
        `This result is not shaped like a ${pluginId} result, so it cannot be written in this format — choose another format or run the job again`,
        parsed.error.message,
      );
    }
    return succeed(draw(parsed.data));
  };
}
