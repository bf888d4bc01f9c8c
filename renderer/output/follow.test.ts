import { describe, expect, it } from 'vitest';
import { isAtEnd, scrollMove } from './follow.js';

describe('scrollMove', () => {
  it.each([
    // Opening a finished output: its top, whatever the reader did elsewhere.
    [{ opening: true, live: false, atEnd: true }, 'top'],
    [{ opening: true, live: false, atEnd: false }, 'top'],
    // Opening a live one: its end, to follow the stream.
    [{ opening: true, live: true, atEnd: false }, 'bottom'],
    [{ opening: false, live: true, atEnd: true }, 'bottom'],
    // A reader who scrolled up in a live stream is left there.
    [{ opening: false, live: true, atEnd: false }, 'stay'],
    // A job that finished while watched keeps the reader's place.
    [{ opening: false, live: false, atEnd: true }, 'stay'],
  ] as const)('%j → %s', (state, move) => expect(scrollMove(state)).toBe(move));
});

describe('isAtEnd', () => {
  it.each([
    [{ scrollHeight: 1000, scrollTop: 600, clientHeight: 400 }, true],
    [{ scrollHeight: 1000, scrollTop: 580, clientHeight: 400 }, true],
    [{ scrollHeight: 1000, scrollTop: 500, clientHeight: 400 }, false],
    [{ scrollHeight: 100, scrollTop: 0, clientHeight: 400 }, true],
  ])('%j → %s', (el, end) => expect(isAtEnd(el)).toBe(end));
});
