import { describe, expect, it } from 'vitest';
import { isLowConfidence, resultShape } from './result-shape.js';

describe('resultShape', () => {
  it.each([
    [
      'vad',
      { segments: [{ start: 0.5, end: 1.25 }], duration: 3 },
      { kind: 'vad', segments: [{ start: 0.5, end: 1.25 }], duration: 3 },
    ],
    ['vad', { segments: [] }, { kind: 'vad', segments: [] }],
    [
      'transcribe',
      { text: 'Hi.', segments: [{ start: 0, end: 1, text: ' Hi.' }], language: 'en' },
      { kind: 'transcript', segments: [{ start: 0, end: 1, text: ' Hi.' }] },
    ],
    [
      'ocr',
      {
        text: 'a\nb',
        confidence: 88,
        lines: [{ text: 'a', confidence: 95, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 } }, { text: 'b' }],
      },
      { kind: 'ocr', confidence: 88, lines: [{ text: 'a', confidence: 95 }, { text: 'b' }], pages: [] },
    ],
    [
      'ocr',
      {
        text: 'a\n\nb',
        confidence: 90,
        lines: [
          { text: 'a', confidence: 95, page: 1 },
          { text: 'b', confidence: 85, page: 2 },
        ],
        pages: [
          { page: 1, text: 'a', confidence: 95, source: 'ocr' },
          { page: 2, text: 'b', confidence: 85, source: 'text-layer', rotation: 180 },
        ],
      },
      {
        kind: 'ocr',
        confidence: 90,
        lines: [
          { text: 'a', confidence: 95, page: 1 },
          { text: 'b', confidence: 85, page: 2 },
        ],
        pages: [
          { page: 1, source: 'ocr' },
          { page: 2, source: 'text-layer', rotation: 180 },
        ],
      },
    ],
  ])('%s %j is drawn as %j', (pluginId, result, shape) => {
    expect(resultShape(pluginId, result)).toEqual(shape);
  });

  it.each([
    ['ocr written before lines were kept', 'ocr', { text: 'a', confidence: 90 }],
    ['ocr with no lines', 'ocr', { text: '', confidence: 0, lines: [] }],
    ['a silent transcript', 'transcribe', { text: '', segments: [] }],
    ['a segment with no end', 'vad', { segments: [{ start: 1 }] }],
    ['a negative time', 'vad', { segments: [{ start: -1, end: 2 }] }],
    ['an infinite confidence', 'ocr', { text: 'a', confidence: 1, lines: [{ text: 'a', confidence: Infinity }] }],
    ['no result', 'vad', undefined],
    ['a string', 'transcribe', 'hello'],
    ['a user plugin with segments', 'my-plugin', { segments: [{ start: 0, end: 1 }] }],
    ['an llm answer', 'llm', { text: 'hi' }],
  ])('%s falls back to text', (_why, pluginId, result) => {
    expect(resultShape(pluginId, result)).toEqual({ kind: 'text' });
  });
});

describe('isLowConfidence', () => {
  it.each([
    [69.9, true],
    [0, true],
    [70, false],
    [96, false],
    [undefined, false],
  ])('%s → %s', (c, low) => expect(isLowConfidence(c)).toBe(low));
});
