// How chunks and results read as text: the output view, `hearth run` and the output file all
// show what these return, so a job reads the same everywhere.
import { describe, expect, it } from 'vitest';
import { chunkText, jsonText, resultText, textOf } from './display-text.js';

const cycle: Record<string, unknown> = { a: 1 };
cycle.self = cycle;

describe('chunkText', () => {
  it.each([
    ['an OCR line keeps its own line break', { text: 'Hello\n' }, 'Hello\n'],
    ['an llm token continues the text', { text: 'wor' }, 'wor'],
    ['a delta continues the text', { delta: 'ld' }, 'ld'],
    ['a delta wins over text', { delta: 'd', text: 't' }, 'd'],
    ['a plain string continues the text', 'abc', 'abc'],
    ['an empty string adds nothing', '', ''],
    ['a timed segment is one line', { start: 1, end: 2.5, text: ' hi there ' }, '[1.00–2.50] hi there\n'],
    ['a segment with times that are not numbers is plain text', { start: '1', end: 2, text: 'x' }, 'x'],
    ['a segment with an infinite end is plain text', { start: 0, end: Infinity, text: 'x' }, 'x'],
    ['a VAD segment without text shows as JSON', { start: 1, end: 2 }, '{"start":1,"end":2}\n'],
    ['text that is not a string shows as JSON', { text: 3 }, '{"text":3}\n'],
    ['a number shows as JSON', 42, '42\n'],
    ['an array shows as JSON', [1, 'a'], '[1,"a"]\n'],
    ['the empty final chunk adds nothing', null, ''],
    ['undefined adds nothing', undefined, ''],
    ['a BigInt does not throw', { n: 10n }, '{"n":"10"}\n'],
    ['a cycle does not throw', cycle, '[object Object]\n'],
  ])('%s', (_why, data, expected) => expect(chunkText(data)).toBe(expected));
});

describe('resultText', () => {
  it.each([
    ['a string result', 'done', 'done'],
    ['an OCR result reads as its text', { text: 'Hello\n', confidence: 91 }, 'Hello\n'],
    ['a transcript reads as its text, not its segments', { text: 'hi', segments: [{ start: 0, end: 1, text: 'hi' }] }, 'hi'],
    ['a result without text is indented JSON', { segments: [] }, '{\n  "segments": []\n}'],
    ['no result is no text', undefined, ''],
    ['a null result is no text', null, ''],
    ['a number is JSON', 0, '0'],
  ])('%s', (_why, result, expected) => expect(resultText(result)).toBe(expected));
});

describe('textOf', () => {
  it.each([
    ['a string', 's', 's'],
    ['a text field', { text: 't' }, 't'],
    ['a delta', { delta: 'd' }, 'd'],
    ['no text', { n: 1 }, undefined],
    ['null', null, undefined],
    ['a number', 1, undefined],
  ])('%s', (_why, value, expected) => expect(textOf(value)).toBe(expected));
});

describe('jsonText', () => {
  it('never throws, and says something for every value', () => {
    expect(jsonText(undefined)).toBe('undefined');
    expect(jsonText(Symbol('s'))).toBe('Symbol(s)');
    expect(jsonText(() => 1)).toBe('() => 1');
    expect(jsonText(cycle)).toBe('[object Object]');
  });
});
