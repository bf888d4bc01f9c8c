import { describe, expect, it } from 'vitest';
import { clockTime, earlierRunText } from './details.js';

const at = (h: number, m: number) => new Date(2026, 0, 15, h, m, 30).getTime();

describe('earlierRunText', () => {
  it.each([
    [
      { state: 'failed', finishedAt: at(12, 1), error: { code: 'EXECUTION_FAILED', message: 'Model file not found' } },
      'failed at 12:01 — Model file not found',
    ],
    [{ state: 'cancelled', startedAt: at(9, 5) }, 'was cancelled at 09:05'],
    [{ state: 'succeeded', startedAt: at(1, 0), finishedAt: at(23, 59) }, 'succeeded at 23:59'],
    [{ state: 'failed' }, 'failed'],
  ] as const)('%j → %s', (run, text) => expect(earlierRunText(run)).toBe(text));
});

describe('clockTime', () => {
  it('is hours and minutes, two digits each', () => expect(clockTime(at(7, 3))).toBe('07:03'));
});
