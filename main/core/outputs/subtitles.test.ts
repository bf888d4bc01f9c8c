import { describe, expect, it } from 'vitest';
import { cueTime, toSrt, toVtt } from './subtitles.js';

describe('cueTime', () => {
  it.each([
    [0, '00:00:00,000'],
    [62.345, '00:01:02,345'],
    [3599.9994, '00:59:59,999'],
    [3599.9996, '01:00:00,000'],
    [0.0015, '00:00:00,002'],
    [3661.001, '01:01:01,001'],
    [36000, '10:00:00,000'],
    [360000.5, '100:00:00,500'],
    [-1, '00:00:00,000'],
    [Number.NaN, '00:00:00,000'],
  ])('%s s → %s', (seconds, expected) => {
    expect(cueTime(seconds, ',')).toBe(expected);
    expect(cueTime(seconds, '.')).toBe(expected.replace(',', '.'));
  });
});

describe('toSrt', () => {
  it('numbers the cues and ends each with a blank line', () => {
    const srt = toSrt([
      { start: 0, end: 2.5, text: ' Hello there. ' },
      { start: 2.5, end: 3723.04, text: 'General Kenobi.' },
    ]);
    expect(srt).toBe('1\n00:00:00,000 --> 00:00:02,500\nHello there.\n\n2\n00:00:02,500 --> 01:02:03,040\nGeneral Kenobi.\n');
  });

  it('keeps line breaks in a cue but never a blank line, and drops cues with no words', () => {
    const srt = toSrt([
      { start: 1, end: 2, text: '   ' },
      { start: 2, end: 3, text: 'one\r\n\n  two\n' },
    ]);
    expect(srt).toBe('1\n00:00:02,000 --> 00:00:03,000\none\ntwo\n');
  });

  it('writes nothing for no segments, and reads an end before the start as the start', () => {
    expect(toSrt([])).toBe('');
    expect(toSrt([{ start: 5, end: 4, text: 'x' }])).toBe('1\n00:00:05,000 --> 00:00:05,000\nx\n');
  });
});

describe('toVtt', () => {
  it('starts with WEBVTT and uses a dot before the milliseconds', () => {
    expect(toVtt([{ start: 62.345, end: 63, text: 'Hi' }])).toBe('WEBVTT\n\n00:01:02.345 --> 00:01:03.000\nHi\n');
  });

  it('is only the header for no segments', () => {
    expect(toVtt([])).toBe('WEBVTT\n');
  });

  it('escapes markup and arrows that would break the cue', () => {
    expect(toVtt([{ start: 0, end: 1, text: 'a < b & c --> d\n\nnext' }])).toBe(
      'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\na &lt; b &amp; c --&gt; d\nnext\n',
    );
  });
});
