import { describe, expect, it } from 'vitest';
import { downloadPercent, formatContext, formatEta, formatParams, formatReceived, formatSpeed } from './format.js';

describe('formatParams', () => {
  it.each([
    [null, '—'],
    [-1, '—'],
    [999, '999'],
    [1_000, '1 K'],
    [1_100_000, '1.1 M'],
    [12_345_678, '12 M'],
    [124_439_808, '124 M'],
    [7_241_732_096, '7.2 B'],
    [70_553_706_496, '71 B'],
    [1.5e12, '1.5 T'],
  ])('%s → %s', (n, text) => {
    expect(formatParams(n)).toBe(text);
  });
});

describe('formatContext', () => {
  it('groups thousands and names the unit; unknown is a dash', () => {
    expect(formatContext(2048)).toBe('2,048 tokens');
    expect(formatContext(131_072)).toBe('131,072 tokens');
    expect(formatContext(null)).toBe('—');
  });
});

describe('download figures', () => {
  it.each([
    [null, '—'],
    [-3, '—'],
    [0, '0 s'],
    [0.2, '1 s'],
    [42, '42 s'],
    [60, '1 min'],
    [184, '3 min 4 s'],
    [3600, '1 h'],
    [7300, '2 h 1 min'],
  ])('ETA %s → %s', (s, text) => {
    expect(formatEta(s)).toBe(text);
  });

  it('says a download is starting or stalled rather than 0 B/s', () => {
    expect(formatSpeed({ bytesPerSecond: 0, receivedBytes: 0 })).toBe('starting…');
    expect(formatSpeed({ bytesPerSecond: 0, receivedBytes: 10 })).toBe('stalled');
    expect(formatSpeed({ bytesPerSecond: 1536 * 1024, receivedBytes: 10 })).toBe('1.6 MB/s');
  });

  it('gives whole percent, none while the total is unknown, 100 once done', () => {
    expect(downloadPercent({ receivedBytes: 0, totalBytes: 1000, state: 'downloading' })).toBe(0);
    expect(downloadPercent({ receivedBytes: 999, totalBytes: 1000, state: 'downloading' })).toBe(99);
    expect(downloadPercent({ receivedBytes: 5000, totalBytes: 1000, state: 'verifying' })).toBe(100);
    expect(downloadPercent({ receivedBytes: 10, totalBytes: null, state: 'downloading' })).toBeNull();
    expect(downloadPercent({ receivedBytes: 10, totalBytes: 0, state: 'downloading' })).toBeNull();
    expect(downloadPercent({ receivedBytes: 10, totalBytes: null, state: 'done' })).toBe(100);
  });

  it('shows received of total, or what came so far', () => {
    expect(formatReceived({ receivedBytes: 1024 * 1024, totalBytes: 4 * 1024 * 1024 })).toBe('1.0 MB of 4.2 MB');
    expect(formatReceived({ receivedBytes: 2048, totalBytes: null })).toBe('2.0 kB so far');
  });
});
