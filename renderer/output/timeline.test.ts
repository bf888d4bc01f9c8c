import { describe, expect, it } from 'vitest';
import { formatLength, formatTimestamp, segmentBox, timelineSpan } from './timeline.js';

describe('formatTimestamp', () => {
  it.each([
    [0, '00:00:00.000'],
    [62.5, '00:01:02.500'],
    [1.0004, '00:00:01.000'],
    [59.9996, '00:01:00.000'],
    [3600 + 23 * 60 + 4.07, '01:23:04.070'],
    [100 * 3600, '100:00:00.000'],
    [-1, '--:--:--.---'],
    [Number.NaN, '--:--:--.---'],
  ])('%s s → %s', (s, text) => expect(formatTimestamp(s)).toBe(text));
});

describe('formatLength', () => {
  it.each([
    [0, 1.25, '1.3 s'],
    [2, 2, '0.0 s'],
    [5, 3, '0.0 s'],
    [0, 42.4, '42 s'],
  ])('%s–%s → %s', (a, b, text) => expect(formatLength(a, b)).toBe(text));
});

describe('timelineSpan', () => {
  it('is the audio’s length, never shorter than the last segment, never zero', () => {
    expect(timelineSpan([{ end: 2 }], 10)).toBe(10);
    expect(timelineSpan([{ end: 10.2 }], 10)).toBe(10.2);
    expect(timelineSpan([{ end: 4 }, { end: 7 }])).toBe(7);
    expect(timelineSpan([], undefined)).toBe(1);
    expect(timelineSpan([], 0)).toBe(1);
    expect(timelineSpan([{ end: 3 }], Number.NaN)).toBe(3);
  });
});

describe('segmentBox', () => {
  it.each([
    [{ start: 0, end: 5 }, 10, { left: 0, width: 50 }],
    [{ start: 2.5, end: 5 }, 10, { left: 25, width: 25 }],
    [{ start: 9, end: 10 }, 10, { left: 90, width: 10 }],
    // A 1 ms segment in an hour is still a visible sliver, and stays on the bar.
    [{ start: 3599.999, end: 3600 }, 3600, { left: 99.5, width: 0.5 }],
    [{ start: 12, end: 15 }, 10, { left: 99.5, width: 0.5 }],
  ])('%j on a %s s bar → %j', (segment, span, box) => {
    const got = segmentBox(segment, span);
    expect(got.left).toBeCloseTo(box.left, 6);
    expect(got.width).toBeCloseTo(box.width, 6);
  });
});
