import { describe, expect, it } from 'vitest';
import type { Job } from '../../common/model.js';
import { DEFAULT_FILTER, isDefaultFilter, matchesQuery, queryOf, sinceOf } from './list-query.js';

const job: Job = {
  id: 'a',
  pluginId: 'ocr',
  source: { kind: 'path', path: '/Scans/Invoice March.png' },
  label: 'Invoice March.png',
  params: {},
  state: 'failed',
  batchId: 'b1',
  createdAt: new Date(2026, 4, 10, 9).getTime(),
  chunkCount: 0,
  attempt: 1,
};
const now = new Date(2026, 4, 10, 15, 30);

describe('the list query', () => {
  it('is empty for the default filter', () => {
    expect(queryOf(DEFAULT_FILTER, now)).toEqual({});
    expect(isDefaultFilter(DEFAULT_FILTER)).toBe(true);
    expect(isDefaultFilter({ ...DEFAULT_FILTER, text: '   ' })).toBe(true);
  });

  it('starts date ranges at local midnight', () => {
    expect(sinceOf('today', now)).toBe(new Date(2026, 4, 10).getTime());
    expect(sinceOf('week', now)).toBe(new Date(2026, 4, 4).getTime());
    expect(sinceOf('all', now)).toBeUndefined();
  });

  it('carries each filter, trimming the search', () => {
    expect(queryOf({ state: 'failed', pluginId: 'ocr', batchId: 'b1', range: 'today', text: ' march ' }, now)).toEqual({
      states: ['failed'],
      pluginId: 'ocr',
      batchId: 'b1',
      since: new Date(2026, 4, 10).getTime(),
      text: 'march',
    });
  });

  it.each([
    [{}, true],
    [{ states: ['failed' as const] }, true],
    [{ states: ['succeeded' as const] }, false],
    [{ pluginId: 'ocr' }, true],
    [{ pluginId: 'vad' }, false],
    [{ batchId: 'b2' }, false],
    [{ since: job.createdAt }, true],
    [{ since: job.createdAt + 1 }, false],
    [{ until: job.createdAt }, false],
    [{ text: 'MARCH invoice' }, true],
    [{ text: 'march april' }, false],
  ])('a job against %j matches: %s', (q, expected) => {
    expect(matchesQuery(job, q)).toBe(expected);
  });
});
