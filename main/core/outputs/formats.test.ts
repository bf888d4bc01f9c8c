import { describe, expect, it } from 'vitest';
import { formatsOf, render } from './formats.js';

const transcript = {
  segments: [
    { start: 0, end: 1.5, text: ' Hello.' },
    { start: 1.5, end: 3, text: 'World.' },
  ],
  text: 'Hello. World.',
  language: 'en',
};
const speech = {
  segments: [
    { start: 0.5, end: 1.25 },
    { start: 2, end: 3.125 },
  ],
  duration: 4,
};

function text(pluginId: string, format: string, result: unknown): string {
  const out = render(pluginId, format, result);
  if (!out.ok) throw new Error(out.error.message);
  return out.value;
}

describe('formatsOf', () => {
  it.each([
    ['ocr', ['txt', 'json'], 'txt'],
    ['transcribe', ['txt', 'srt', 'vtt', 'json'], 'srt'],
    ['vad', ['json', 'csv', 'txt'], 'json'],
    ['llm', ['txt', 'md'], 'txt'],
    ['my-plugin', ['json', 'txt'], 'json'],
  ])('%s offers %j, default %s', (pluginId, formats, def) => {
    expect(formatsOf(pluginId)).toEqual({ formats, default: def });
  });

  it('offers a user plugin txt only when its result has a text', () => {
    expect(formatsOf('mine', { text: 'hi' })).toEqual({ formats: ['txt', 'json'], default: 'txt' });
    expect(formatsOf('mine', 'plain')).toEqual({ formats: ['txt', 'json'], default: 'txt' });
    expect(formatsOf('mine', { count: 3 })).toEqual({ formats: ['json'], default: 'json' });
  });
});

describe('render', () => {
  it.each([
    ['ocr', 'txt', { text: 'Line one\nLine two\n\n', confidence: 91 }, 'Line one\nLine two\n'],
    [
      'ocr',
      'json',
      { text: 'Line one\n\n Line two', confidence: 91 },
      `${JSON.stringify({ text: 'Line one\n\n Line two', confidence: 91, lines: [{ text: 'Line one' }, { text: 'Line two' }] }, null, 2)}\n`,
    ],
    ['transcribe', 'txt', transcript, 'Hello.\nWorld.\n'],
    ['transcribe', 'txt', { segments: [], text: '' }, ''],
    ['transcribe', 'srt', transcript, '1\n00:00:00,000 --> 00:00:01,500\nHello.\n\n2\n00:00:01,500 --> 00:00:03,000\nWorld.\n'],
    [
      'transcribe',
      'vtt',
      transcript,
      'WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello.\n\n00:00:01.500 --> 00:00:03.000\nWorld.\n',
    ],
    ['transcribe', 'srt', { segments: [], text: '' }, ''],
    ['transcribe', 'json', transcript, `${JSON.stringify(transcript, null, 2)}\n`],
    ['vad', 'csv', speech, 'start,end\n0.500,1.250\n2.000,3.125\n'],
    ['vad', 'csv', { segments: [], duration: 1 }, 'start,end\n'],
    ['vad', 'txt', speech, '0.500000\t1.250000\tspeech\n2.000000\t3.125000\tspeech\n'],
    ['vad', 'txt', { segments: [] }, ''],
    ['vad', 'json', speech, `${JSON.stringify(speech, null, 2)}\n`],
    ['llm', 'txt', { text: 'An answer.', tokens: 3, mode: 'chat' }, 'An answer.\n'],
    ['llm', 'md', { text: '# Title\n\n- item\n\n', tokens: 3 }, '# Title\n\n- item\n'],
    ['mine', 'txt', { text: 'hello' }, 'hello\n'],
    ['mine', 'txt', 'plain string', 'plain string\n'],
    ['mine', 'json', { n: 1n, nested: { a: [1] } }, `${JSON.stringify({ n: '1', nested: { a: [1] } }, null, 2)}\n`],
  ])('%s %s', (pluginId, format, result, expected) => {
    expect(text(pluginId, format, result)).toBe(expected);
  });

  it('keeps per-line OCR confidences when the result carries them', () => {
    const lines = [{ text: 'a', confidence: 40 }];
    expect(JSON.parse(text('ocr', 'json', { text: 'a', confidence: 40, lines }))).toEqual({ text: 'a', confidence: 40, lines });
  });

  it('writes OCR lines as text and confidence only, in the plugin’s order (the box on the page is not kept)', () => {
    const result = {
      text: 'Top line\nBottom line',
      confidence: 80.5,
      lines: [
        { text: 'Top line', confidence: 95.25, bbox: { x0: 1, y0: 2, x1: 300, y1: 40 } },
        { text: 'Bottom line', confidence: 65.75, bbox: { x0: 1, y0: 60, x1: 280, y1: 98 } },
      ],
    };
    expect(JSON.parse(text('ocr', 'json', result))).toEqual({
      text: 'Top line\nBottom line',
      confidence: 80.5,
      lines: [
        { text: 'Top line', confidence: 95.25 },
        { text: 'Bottom line', confidence: 65.75 },
      ],
    });
    // The txt file is the page's text, whatever the lines say.
    expect(text('ocr', 'txt', result)).toBe('Top line\nBottom line\n');
  });

  it('writes each page of a multi-page OCR result, with its source and turn, and the lines’ pages', () => {
    const result = {
      text: 'Scanned words\n\nTyped words',
      confidence: 97,
      lines: [
        { text: 'Scanned words', confidence: 94, page: 1, bbox: { x0: 1, y0: 2, x1: 3, y1: 4 } },
        { text: 'Typed words', confidence: 100, page: 2 },
      ],
      pages: [
        { page: 1, text: 'Scanned words', confidence: 94, source: 'ocr', rotation: 180 },
        { page: 2, text: 'Typed words', confidence: 100, source: 'text-layer' },
      ],
    };
    expect(JSON.parse(text('ocr', 'json', result))).toEqual({
      text: result.text,
      confidence: 97,
      lines: [
        { text: 'Scanned words', confidence: 94, page: 1 },
        { text: 'Typed words', confidence: 100, page: 2 },
      ],
      pages: result.pages,
    });
    // The txt file keeps the pages apart by a blank line, as the plugin joined them.
    expect(text('ocr', 'txt', result)).toBe('Scanned words\n\nTyped words\n');
  });

  it.each([
    [
      'a page that is not from pixels or a text layer',
      { text: 'x', confidence: 1, pages: [{ page: 1, text: 'x', confidence: 1, source: 'guess' }] },
    ],
    ['a page without its number', { text: 'x', confidence: 1, pages: [{ text: 'x', confidence: 1, source: 'ocr' }] }],
    ['a line without text', { text: 'x', confidence: 1, lines: [{ confidence: 3 }] }],
    ['a confidence that is text', { text: 'x', confidence: 1, lines: [{ text: 'x', confidence: 'high' }] }],
    ['lines that are no list', { text: 'x', confidence: 1, lines: 'x' }],
  ])('refuses an OCR result with %s rather than writing half of it', (_why, result) => {
    const out = render('ocr', 'json', result);
    expect(out.ok).toBe(false);
  });

  it('keeps every field of a result written as json', () => {
    const result = { ...transcript, extra: { model: 'tiny' } };
    expect(JSON.parse(text('transcribe', 'json', result))).toEqual(result);
  });

  it.each([
    ['transcribe', 'docx', undefined, 'transcribe writes txt, srt, vtt, json — not docx'],
    ['vad', 'srt', speech, 'vad writes json, csv, txt — not srt'],
    ['llm', '', { text: 'x' }, 'llm writes txt, md — not (no format)'],
    ['mine', 'txt', { count: 1 }, 'mine writes json — not txt'],
  ])('refuses %s as %j, naming the formats it has', (pluginId, format, result, message) => {
    const out = render(pluginId, format, result ?? transcript);
    expect(out).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message } });
  });

  it('refuses a result of the wrong shape, and a missing one, with a message', () => {
    const wrong = render('transcribe', 'srt', { text: 'no segments' });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.error.message).toMatch(/not shaped like a transcribe result/);
    expect(render('vad', 'csv', { segments: [{ start: 'a', end: 1 }] }).ok).toBe(false);
    const none = render('mine', 'json', null);
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.error.message).toMatch(/no result/);
  });
});
